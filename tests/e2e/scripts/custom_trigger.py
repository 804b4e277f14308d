"""A Trigger written in Python: fires every second record of a window, and at its end."""

from pyflink.common import Types, WatermarkStrategy, Duration
from pyflink.common.watermark_strategy import TimestampAssigner
from pyflink.datastream import StreamExecutionEnvironment
from pyflink.datastream.state import ValueStateDescriptor
from pyflink.datastream.window import TumblingEventTimeWindows, Trigger, TriggerResult

class Ts(TimestampAssigner):
    def extract_timestamp(self, value, record_timestamp):
        return value[1]

class EveryTwoOrAtEnd(Trigger):
    """Fires every second record, and at the end of the window."""
    def on_element(self, element, timestamp, window, ctx):
        count = ctx.get_partitioned_state(ValueStateDescriptor("n", Types.INT()))
        count.update((count.value() or 0) + 1)
        ctx.register_event_time_timer(window.max_timestamp())
        return TriggerResult.FIRE if count.value() % 2 == 0 else TriggerResult.CONTINUE
    def on_event_time(self, time, window, ctx):
        return TriggerResult.FIRE_AND_PURGE if time == window.max_timestamp() else TriggerResult.CONTINUE
    def on_processing_time(self, time, window, ctx):
        return TriggerResult.CONTINUE
    def clear(self, window, ctx):
        ctx.get_partitioned_state(ValueStateDescriptor("n", Types.INT())).clear()
        ctx.delete_event_time_timer(window.max_timestamp())

env = StreamExecutionEnvironment.get_execution_environment()
ds = env.from_collection([("a", 100, 1), ("a", 200, 2), ("a", 300, 3), ("b", 400, 10), ("a", 1500, 5)])
ds = ds.assign_timestamps_and_watermarks(WatermarkStrategy.for_monotonous_timestamps().with_timestamp_assigner(Ts()))
ds.key_by(lambda r: r[0]).window(TumblingEventTimeWindows.of(1000)).trigger(EveryTwoOrAtEnd()) \
  .reduce(lambda a, b: (a[0], b[1], a[2] + b[2])).print()
env.execute()
