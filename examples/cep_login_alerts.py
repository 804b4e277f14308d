"""Login alerts with the Python CEP API: three failed logins in a row, then a success, within 10 s.

    ./pystream run examples/cep_login_alerts.py

Prints an alert per break-in, and (a side output) the users whose failures timed out
without a success. PyFlink has no Python CEP API; ``pyflink.cep`` is PyStream's, with
Flink's Java CEP names in snake_case, run by the engine's NFA.
"""

from pyflink.cep import CEP, AfterMatchSkipStrategy, Pattern, PatternProcessFunction, TimedOutPartialMatchHandler
from pyflink.common import Duration, Row, Types, WatermarkStrategy
from pyflink.common.watermark_strategy import TimestampAssigner
from pyflink.datastream import OutputTag, StreamExecutionEnvironment

LOGINS = [  # user, status, time in ms
    ("alice", "fail", 1000), ("alice", "fail", 2000), ("alice", "fail", 3000), ("alice", "ok", 4000),
    ("bob", "fail", 1000), ("bob", "fail", 2000), ("bob", "ok", 3000),
    ("carol", "fail", 1000), ("carol", "fail", 2000), ("carol", "fail", 3000), ("carol", "ok", 20000),
]

TIMED_OUT = OutputTag("timed-out", Types.STRING())


class LoginTime(TimestampAssigner):
    def extract_timestamp(self, value, record_timestamp):
        return value.time


class Alert(PatternProcessFunction, TimedOutPartialMatchHandler):
    def process_match(self, match, ctx):  # match: stage name -> list of events
        yield f"{match['ok'][0].user} logged in after {len(match['fail'])} failures at {ctx.timestamp()} ms"

    def process_timed_out_match(self, match, ctx):
        failures = [e.time for e in match["fail"]]
        yield TIMED_OUT, f"{match['fail'][0].user} failed at {failures} with no success by {ctx.timestamp()} ms"


def main() -> None:
    env = StreamExecutionEnvironment.get_execution_environment()
    env.set_parallelism(1)
    logins = (env.from_collection([Row(user=u, status=s, time=t) for u, s, t in sorted(LOGINS, key=lambda l: l[2])])
              .assign_timestamps_and_watermarks(
                  WatermarkStrategy.for_monotonous_timestamps().with_timestamp_assigner(LoginTime())))

    pattern = (Pattern.begin("fail", AfterMatchSkipStrategy.skip_past_last_event())
               .where(lambda e: e.status == "fail").times(3).consecutive()
               .next("ok").where(lambda e: e.status == "ok")
               .within(Duration.of_seconds(10)))

    alerts = CEP.pattern(logins.key_by(lambda e: e.user), pattern).process(Alert(), output_type=Types.STRING())
    alerts.print("alert")
    alerts.get_side_output(TIMED_OUT).print("timed out")
    env.execute("login alerts")


if __name__ == "__main__":
    main()
