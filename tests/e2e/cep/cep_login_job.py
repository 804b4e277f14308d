"""Issue 15's login example: three failed logins in a row, then a success, within 10 s, per user.

Prints ``alert,<user>,<fail times>,<ok time>`` per match, ``timeout,<user>,<fail times>,<at>`` per
timed-out partial match (a side output), through select with a timeout tag.
"""

import sys
from pathlib import Path

from pyflink.cep import CEP, AfterMatchSkipStrategy, Pattern, PatternSelectFunction, PatternTimeoutFunction
from pyflink.common import Duration, Types, WatermarkStrategy
from pyflink.common.watermark_strategy import TimestampAssigner
from pyflink.datastream import OutputTag, StreamExecutionEnvironment

sys.path.insert(0, str(Path(__file__).parent))
from cep_cases import LOGINS  # noqa: E402

TIMED_OUT = OutputTag("timed-out", Types.STRING())


class At(TimestampAssigner):
    def extract_timestamp(self, value, record_timestamp):
        return value[2]


class Alert(PatternSelectFunction):
    def select(self, match):
        return f"alert,{match['ok'][0][0]},{'/'.join(str(e[2]) for e in match['fail'])},{match['ok'][0][2]}"


class GaveUp(PatternTimeoutFunction):
    def timeout(self, match, timeout_timestamp):
        return f"timeout,{match['fail'][0][0]},{'/'.join(str(e[2]) for e in match['fail'])},{timeout_timestamp}"


env = StreamExecutionEnvironment.get_execution_environment()
env.set_parallelism(2)
logins = (env.from_collection(sorted(LOGINS, key=lambda login: login[2]))
          .assign_timestamps_and_watermarks(WatermarkStrategy.for_monotonous_timestamps().with_timestamp_assigner(At())))
pattern = (Pattern.begin("fail", AfterMatchSkipStrategy.skip_past_last_event())
           .where(lambda e: e[1] == "fail").times(3).consecutive()
           .next("ok").where(lambda e: e[1] == "ok")
           .within(Duration.of_seconds(10)))
alerts = CEP.pattern(logins.key_by(lambda e: e[0]), pattern).select(TIMED_OUT, GaveUp(), Alert(), Types.STRING())
alerts.print()
alerts.get_side_output(TIMED_OUT).print()
env.execute("login alerts")
