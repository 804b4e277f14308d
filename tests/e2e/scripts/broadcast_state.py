"""Broadcast state: rules broadcast to every parallel instance, applied to keyed and non-keyed streams."""

from pyflink.common import Types, WatermarkStrategy
from pyflink.common.watermark_strategy import TimestampAssigner
from pyflink.datastream import (BroadcastProcessFunction, KeyedBroadcastProcessFunction,
                                StreamExecutionEnvironment)
from pyflink.datastream.state import MapStateDescriptor, ValueStateDescriptor

RULES = MapStateDescriptor("thresholds", Types.STRING(), Types.INT())


class At(TimestampAssigner):
    def extract_timestamp(self, value, record_timestamp):
        return value[1]


class Learn(BroadcastProcessFunction):
    def process_element(self, value, ctx):
        rules = ctx.get_broadcast_state(RULES)
        try:
            rules.put("x", 0)
        except RuntimeError as error:
            yield f"refused: {error}"
        yield f"{value} sees {len(list(rules.keys())) <= 1}"  # zero or one rule, by arrival order

    def process_broadcast_element(self, value, ctx):
        ctx.get_broadcast_state(RULES).put(value[0], value[2])


class Alert(KeyedBroadcastProcessFunction):
    """Sums per sensor; at the end of event time, compares the sum with the broadcast threshold."""

    def open(self, ctx):
        self.total = ctx.get_state(ValueStateDescriptor("total", Types.INT()))

    def process_element(self, value, ctx):
        self.total.update((self.total.value() or 0) + value[2])
        ctx.timer_service().register_event_time_timer(10_000)

    def process_broadcast_element(self, value, ctx):
        ctx.get_broadcast_state(RULES).put(value[0], value[2])

    def on_timer(self, timestamp, ctx):
        limit = ctx.get_broadcast_state(RULES).get(ctx.get_current_key())
        yield f"{ctx.get_current_key()}: total {self.total.value()}, limit {limit}"


env = StreamExecutionEnvironment.get_execution_environment()
env.set_parallelism(2)
timed = WatermarkStrategy.for_monotonous_timestamps().with_timestamp_assigner(At())
rules = env.from_collection([("s1", 0, 5), ("s2", 0, 100)]).assign_timestamps_and_watermarks(timed)
readings = env.from_collection([("s1", 10, 3), ("s2", 20, 7), ("s1", 30, 4)]).assign_timestamps_and_watermarks(timed)
readings.key_by(lambda r: r[0]).connect(rules.broadcast(RULES)).process(Alert(), Types.STRING()).print("alert")
env.execute("broadcast state")

# Non-keyed: the broadcast state is read-only on the non-broadcast side.
env = StreamExecutionEnvironment.get_execution_environment()
names = env.from_collection(["probe"])
names.connect(env.from_collection([("s3", 0, 1)]).broadcast(RULES)).process(Learn(), Types.STRING()).print("learn")
env.execute("broadcast read-only")
