"""Windows by event time: tumbling, sliding, session, count, window_all, with every kind of window function."""

from pyflink.common import Duration, Time, Types, WatermarkStrategy
from pyflink.common.watermark_strategy import TimestampAssigner
from pyflink.datastream import (AggregateFunction, OutputTag, ProcessAllWindowFunction, ProcessWindowFunction,
                                StreamExecutionEnvironment, WindowFunction)
from pyflink.datastream.state import ValueStateDescriptor
from pyflink.datastream.window import (EventTimeSessionWindows, SlidingEventTimeWindows,
                                       TumblingEventTimeWindows)


class ByField(TimestampAssigner):
    def extract_timestamp(self, value, record_timestamp):
        return value[1]


class Average(AggregateFunction):
    def create_accumulator(self):
        return 0, 0

    def add(self, value, accumulator):
        return accumulator[0] + value[2], accumulator[1] + 1

    def get_result(self, accumulator):
        return accumulator[0] / accumulator[1]

    def merge(self, a, b):
        return a[0] + b[0], a[1] + b[1]


BIG = OutputTag("big sessions", Types.STRING())


class Label(ProcessWindowFunction):
    """Names each result with its key and window, and counts firings per key in global state."""

    def process(self, key, context, elements):
        fired = context.global_state().get_state(ValueStateDescriptor("fired", Types.INT()))
        fired.update((fired.value() or 0) + 1)
        elements = list(elements)
        if len(elements) > 2:
            yield BIG, f"{key} had {len(elements)} readings in {context.window()}"
        yield f"{key} {context.window()} {elements} firing #{fired.value()}"


class Count(WindowFunction):
    def apply(self, key, window, inputs):
        yield key, window.start, window.end, len(list(inputs))


class Everyone(ProcessAllWindowFunction):
    def process(self, context, elements):
        yield f"{context.window()}: {sorted(e[0] for e in elements)}"


env = StreamExecutionEnvironment.get_execution_environment()
readings = env.from_collection(
    [("ann", 1_000, 3), ("bob", 1_500, 10), ("ann", 4_000, 5), ("ann", 6_500, 1),
     ("bob", 9_000, 2), ("ann", 5_200, 7), ("bob", 12_000, 4), ("ann", 13_000, 2)],
    Types.TUPLE([Types.STRING(), Types.LONG(), Types.INT()]))
timed = readings.assign_timestamps_and_watermarks(
    WatermarkStrategy.for_bounded_out_of_orderness(Duration.of_seconds(2)).with_timestamp_assigner(ByField()))
by_name = timed.key_by(lambda r: r[0])

by_name.window(TumblingEventTimeWindows.of(Time.seconds(5))).reduce(
    lambda a, b: (a[0], max(a[1], b[1]), a[2] + b[2])).print("tumbling-reduce")
by_name.window(TumblingEventTimeWindows.of(Time.seconds(5))).aggregate(
    Average(), output_type=Types.DOUBLE()).print("tumbling-average")
by_name.window(SlidingEventTimeWindows.of(Time.seconds(10), Time.seconds(5))).apply(
    Count(), Types.TUPLE([Types.STRING(), Types.LONG(), Types.LONG(), Types.INT()])).print("sliding-count")
sessions = by_name.window(EventTimeSessionWindows.with_gap(Time.seconds(3))).process(Label(), Types.STRING())
sessions.print("session")
sessions.get_side_output(BIG).print("big-session")
by_name.window(TumblingEventTimeWindows.of(Time.seconds(10))).sum(2).print("tumbling-sum")
by_name.count_window(2).reduce(lambda a, b: (a[0], b[1], a[2] + b[2])).print("count")
by_name.count_window(3, 1).apply(lambda key, window, inputs: [(key, [r[2] for r in inputs])]).print("count-sliding")
timed.window_all(TumblingEventTimeWindows.of(Time.seconds(10))).process(Everyone(), Types.STRING()).print("all")
# A dynamic gap: ann's sessions end after 1 s of silence, bob's after 5 s.
by_name.window(EventTimeSessionWindows.with_dynamic_gap(lambda r: 1_000 if r[0] == "ann" else 5_000)).apply(
    lambda key, window, inputs: [(key, window.start, window.end, len(list(inputs)))]).print("dynamic-session")
env.execute("windows")
