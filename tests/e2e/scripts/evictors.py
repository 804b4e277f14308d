"""Evictors (as in Java Flink): count, time and delta evictors, before and after the window function."""

from pyflink.common import Types, WatermarkStrategy
from pyflink.common.watermark_strategy import TimestampAssigner
from pyflink.datastream import StreamExecutionEnvironment
from pyflink.datastream.window import (CountEvictor, DeltaEvictor, TimeEvictor,
                                       TumblingEventTimeWindows)


class At(TimestampAssigner):
    def extract_timestamp(self, value, record_timestamp):
        return value[1]


env = StreamExecutionEnvironment.get_execution_environment()
events = env.from_collection([("k", 100, 1), ("k", 400, 2), ("k", 700, 3), ("k", 900, 4)],
                             Types.TUPLE([Types.STRING(), Types.LONG(), Types.INT()]))
keyed = events.assign_timestamps_and_watermarks(
    WatermarkStrategy.for_monotonous_timestamps().with_timestamp_assigner(At())).key_by(lambda e: e[0])
window = TumblingEventTimeWindows.of(1000)
values = lambda key, w, inputs: [[e[2] for e in inputs]]  # noqa: E731
keyed.window(window).evictor(CountEvictor.of(2)).apply(values).print("count-2")
keyed.window(window).evictor(TimeEvictor.of(300)).apply(values).print("time-300ms")
keyed.window(window).evictor(DeltaEvictor.of(2.5, lambda a, b: abs(a[2] - b[2]))).apply(values).print("delta-2.5")
keyed.window(window).evictor(CountEvictor.of(3)).reduce(lambda a, b: (a[0], b[1], a[2] + b[2])).print("count-3-sum")
env.execute("evictors")
