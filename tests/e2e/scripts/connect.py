"""connect: CoMap, CoFlatMap, and a KeyedCoProcessFunction joining orders and payments by event time."""

from pyflink.common import Types, WatermarkStrategy
from pyflink.common.watermark_strategy import TimestampAssigner
from pyflink.datastream import (CoFlatMapFunction, CoMapFunction, KeyedCoProcessFunction,
                                StreamExecutionEnvironment)
from pyflink.datastream.state import ListStateDescriptor, ValueStateDescriptor


class At(TimestampAssigner):
    def extract_timestamp(self, value, record_timestamp):
        return value[1]


class Side(CoMapFunction):
    def map1(self, value):
        return f"number {value}"

    def map2(self, value):
        return f"word {value}"


class Spread(CoFlatMapFunction):
    def flat_map1(self, value):
        yield from range(value)

    def flat_map2(self, value):
        yield from value


class Settle(KeyedCoProcessFunction):
    """Waits until 1 s of event time after an order, then reports what was paid for it."""

    def open(self, ctx):
        self.order = ctx.get_state(ValueStateDescriptor("order", Types.PICKLED_BYTE_ARRAY()))
        self.paid = ctx.get_list_state(ListStateDescriptor("paid", Types.INT()))

    def process_element1(self, order, ctx):
        self.order.update(order)
        ctx.timer_service().register_event_time_timer(ctx.timestamp() + 1000)

    def process_element2(self, payment, ctx):
        self.paid.add(payment[2])

    def on_timer(self, timestamp, ctx):
        order, paid = self.order.value(), sum(self.paid.get())
        status = "settled" if paid >= order[2] else f"short by {order[2] - paid}"
        yield f"{ctx.get_current_key()} at {timestamp} ({ctx.time_domain().name}): {status}"


env = StreamExecutionEnvironment.get_execution_environment()
numbers = env.from_collection([1, 3], Types.INT())
words = env.from_collection(["ab"], Types.STRING())
numbers.connect(words).map(Side(), Types.STRING()).print("co-map")
numbers.connect(words).flat_map(Spread()).print("co-flat-map")

timed = WatermarkStrategy.for_monotonous_timestamps().with_timestamp_assigner(At())
orders = env.from_collection([("o1", 1000, 30), ("o2", 1200, 50)]).assign_timestamps_and_watermarks(timed)
payments = env.from_collection([("o1", 1100, 10), ("o2", 1300, 50), ("o1", 1900, 20)]).assign_timestamps_and_watermarks(timed)
orders.connect(payments).key_by(lambda o: o[0], lambda p: p[0]).process(Settle(), Types.STRING()).print("settle")
env.execute("connect")
