"""Windows at parallelism 3: keys, timestamps and watermarks travel across the hash exchange."""

from pyflink.common import Duration, Types, WatermarkStrategy
from pyflink.common.watermark_strategy import TimestampAssigner
from pyflink.datastream import StreamExecutionEnvironment
from pyflink.datastream.window import EventTimeSessionWindows, TumblingEventTimeWindows


class At(TimestampAssigner):
    def extract_timestamp(self, value, record_timestamp):
        return value[1]


env = StreamExecutionEnvironment.get_execution_environment()
env.set_parallelism(3)
clicks = env.from_collection([(user, t) for t in range(0, 6000, 250) for user in ("ann", "bob", "cy", "dee")],
                             Types.TUPLE([Types.STRING(), Types.LONG()]))
timed = clicks.assign_timestamps_and_watermarks(
    WatermarkStrategy.for_bounded_out_of_orderness(Duration.of_millis(500)).with_timestamp_assigner(At()))
by_user = timed.key_by(lambda c: c[0])
by_user.window(TumblingEventTimeWindows.of(2000)).apply(
    lambda user, w, clicks: [f"{user} [{w.start},{w.end}) {len(list(clicks))}"], Types.STRING()).print("tumbling")
by_user.window(EventTimeSessionWindows.with_gap(300)).apply(
    lambda user, w, clicks: [f"{user} session [{w.start},{w.end}) {len(list(clicks))}"], Types.STRING()).print("session")
timed.window_all(TumblingEventTimeWindows.of(3000)).apply(lambda w, clicks: [f"all [{w.start},{w.end}) {len(list(clicks))}"],
                                                         Types.STRING()).print("all")
env.execute("windows in parallel")
