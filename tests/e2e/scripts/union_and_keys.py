"""union into one- and two-input functions, and keys Python calls equal but PyFlink keeps apart."""

from pyflink.common import Types, WatermarkStrategy
from pyflink.common.watermark_strategy import TimestampAssigner
from pyflink.datastream import CoMapFunction, KeyedProcessFunction, StreamExecutionEnvironment


class Side(CoMapFunction):
    def map1(self, value):
        return f"first {value}"

    def map2(self, value):
        return f"second {value}"


class At(TimestampAssigner):
    def extract_timestamp(self, value, record_timestamp):
        return value


class Countdown(KeyedProcessFunction):
    """Each timer sets the next one until 3 have fired; the timer at 1000 deletes the one at 5000."""

    def process_element(self, value, ctx):
        ctx.timer_service().register_event_time_timer(ctx.timestamp() + 10)
        ctx.timer_service().register_event_time_timer(5000)

    def on_timer(self, timestamp, ctx):
        yield f"timer {ctx.get_current_key()} {timestamp}"
        if timestamp < 1000:
            ctx.timer_service().register_event_time_timer(timestamp + 500)
        else:
            ctx.timer_service().delete_event_time_timer(5000)


env = StreamExecutionEnvironment.get_execution_environment()
a = env.from_collection([1, 2], Types.INT())
b = env.from_collection([10, 20], Types.INT())
c = env.from_collection(["x"], Types.STRING())
a.union(b).map(lambda x: x + 1, Types.INT()).print("union")
a.union(a.map(lambda x: -x, Types.INT())).key_by(lambda x: abs(x)).sum().filter(lambda s: s == 0).print("union-keyed")  # both branches met
a.union(b).connect(c).map(Side(), Types.STRING()).print("union-connect")
env.from_collection([(1, 10), (1.0, 20), (True, 5), (1, 1)]).key_by(lambda t: t[0]) \
   .reduce(lambda x, y: (x[0], x[1] + y[1])).print("keys")
timed = env.from_collection([3], Types.LONG()).assign_timestamps_and_watermarks(
    WatermarkStrategy.for_monotonous_timestamps().with_timestamp_assigner(At()))
timed.key_by(lambda v: "k").process(Countdown(), Types.STRING()).print("timers")
env.execute("union and keys")
