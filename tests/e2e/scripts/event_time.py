"""Event time: a timeout per key with event-time timers, on out-of-order input.

A session of a user ends when no event arrives for 1 s of event time; its summary is
emitted when the watermark passes the deadline. Input is out of order within 500 ms.
"""

from pyflink.common import Duration, Types, WatermarkStrategy
from pyflink.common.watermark_strategy import TimestampAssigner
from pyflink.datastream import KeyedProcessFunction, RuntimeContext, StreamExecutionEnvironment
from pyflink.datastream.state import ValueStateDescriptor


class EventTime(TimestampAssigner):
    def extract_timestamp(self, value, record_timestamp):
        return value[1]


class SessionEnd(KeyedProcessFunction):
    def open(self, ctx: RuntimeContext):
        self.count = ctx.get_state(ValueStateDescriptor("count", Types.INT()))
        self.deadline = ctx.get_state(ValueStateDescriptor("deadline", Types.LONG()))

    def process_element(self, value, ctx):
        self.count.update((self.count.value() or 0) + 1)
        deadline = max(self.deadline.value() or 0, ctx.timestamp() + 1000)
        if self.deadline.value() is not None and deadline != self.deadline.value():
            ctx.timer_service().delete_event_time_timer(self.deadline.value())
        self.deadline.update(deadline)
        ctx.timer_service().register_event_time_timer(deadline)

    def on_timer(self, timestamp, ctx):
        yield f"{ctx.get_current_key()}: {self.count.value()} events, session ended at {timestamp}"
        self.count.clear()
        self.deadline.clear()


env = StreamExecutionEnvironment.get_execution_environment()
clicks = env.from_collection(
    [("ann", 1000), ("bob", 1200), ("ann", 1700), ("ann", 1400), ("bob", 3500), ("ann", 5000), ("bob", 3100)],
    Types.TUPLE([Types.STRING(), Types.LONG()]))
strategy = WatermarkStrategy.for_bounded_out_of_orderness(Duration.of_millis(500)).with_timestamp_assigner(EventTime())
clicks.assign_timestamps_and_watermarks(strategy).key_by(lambda c: c[0]).process(SessionEnd()).print()
env.execute("event time")
