"""At parallelism 6: a Python map, keyed state and event-time windows (a cluster spreads its subtasks over workers).

An argument sets slot.request.timeout, so a job needing more slots than a cluster has fails soon."""

import sys

from pyflink.common import Configuration, Duration, Types, WatermarkStrategy
from pyflink.common.watermark_strategy import TimestampAssigner
from pyflink.datastream import KeyedProcessFunction, RuntimeContext, StreamExecutionEnvironment
from pyflink.datastream.state import ValueStateDescriptor
from pyflink.datastream.window import TumblingEventTimeWindows


class At(TimestampAssigner):
    def extract_timestamp(self, value, record_timestamp):
        return value[1]


class Count(KeyedProcessFunction):
    def open(self, ctx: RuntimeContext):
        self.count = ctx.get_state(ValueStateDescriptor("count", Types.LONG()))

    def process_element(self, value, ctx):
        count = (self.count.value() or 0) + 1
        self.count.update(count)
        yield f"{value[0]} #{count}"


configuration = Configuration()
if len(sys.argv) > 1:
    configuration.set_string("slot.request.timeout", sys.argv[1])
env = StreamExecutionEnvironment.get_execution_environment(configuration)
env.set_parallelism(int(sys.argv[2]) if len(sys.argv) > 2 else 6)
events = env.from_collection([(f"k{i % 13}", i * 100) for i in range(600)], Types.TUPLE([Types.STRING(), Types.LONG()]))
mapped = events.map(lambda e: (e[0], e[1], e[1] // 100 * 2), Types.TUPLE([Types.STRING(), Types.LONG(), Types.LONG()]))
timed = mapped.assign_timestamps_and_watermarks(
    WatermarkStrategy.for_bounded_out_of_orderness(Duration.of_millis(0)).with_timestamp_assigner(At()))
keyed = timed.key_by(lambda e: e[0])
keyed.process(Count(), Types.STRING()).print("count")
keyed.window(TumblingEventTimeWindows.of(10_000)).apply(
    lambda key, w, events: [f"{key} [{w.start},{w.end}) {sum(e[2] for e in events)}"], Types.STRING()).print("window")
env.execute("cluster job")
