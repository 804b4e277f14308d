"""Every keyed state kind in one KeyedProcessFunction, and state in a keyed map (--rocksdb: on RocksDB)."""

import sys

from pyflink.common import Row, Types
from pyflink.datastream import (AggregateFunction, EmbeddedRocksDBStateBackend, KeyedProcessFunction,
                                MapFunction, RuntimeContext, StreamExecutionEnvironment)
from pyflink.datastream.state import (AggregatingStateDescriptor, ListStateDescriptor,
                                      MapStateDescriptor, ReducingStateDescriptor,
                                      ValueStateDescriptor)


class Average(AggregateFunction):
    def create_accumulator(self):
        return (0, 0)

    def add(self, value, accumulator):
        return accumulator[0] + value, accumulator[1] + 1

    def get_result(self, accumulator):
        return accumulator[0] / accumulator[1]


class AllStates(KeyedProcessFunction):
    def open(self, ctx: RuntimeContext):
        self.count = ctx.get_state(ValueStateDescriptor("count", Types.LONG()))
        self.seen = ctx.get_list_state(ListStateDescriptor("seen", Types.INT()))
        self.by_parity = ctx.get_map_state(MapStateDescriptor("parity", Types.STRING(), Types.INT()))
        self.total = ctx.get_reducing_state(ReducingStateDescriptor("total", lambda a, b: a + b, Types.INT()))
        self.average = ctx.get_aggregating_state(AggregatingStateDescriptor("avg", Average(), Types.TUPLE([Types.INT(), Types.INT()])))

    def process_element(self, value, ctx):
        key, amount = value
        count = (self.count.value() or 0) + 1
        self.count.update(count)
        self.seen.add(amount)
        parity = "even" if amount % 2 == 0 else "odd"
        self.by_parity.put(parity, (self.by_parity.get(parity) or 0) + 1)
        self.total.add(amount)
        self.average.add(amount)
        if amount == 0:
            self.seen.clear()
            self.by_parity.remove("even")
        yield Row(key=ctx.get_current_key(), count=count, seen=list(self.seen.get()),
                  parity=sorted(self.by_parity.items()), total=self.total.get(),
                  average=self.average.get(), has_odd=self.by_parity.contains("odd"),
                  empty=self.by_parity.is_empty())


class RunningIndex(MapFunction):
    def open(self, ctx: RuntimeContext):
        self.index = ctx.get_state(ValueStateDescriptor("index", Types.INT()))

    def map(self, value):
        index = (self.index.value() or 0) + 1
        self.index.update(index)
        return f"{value[0]}#{index}"


env = StreamExecutionEnvironment.get_execution_environment()
if "--rocksdb" in sys.argv:
    env.set_state_backend(EmbeddedRocksDBStateBackend())
data = env.from_collection([("a", 1), ("b", 2), ("a", 4), ("a", 0), ("b", 5), ("a", 3)],
                           Types.TUPLE([Types.STRING(), Types.INT()]))
data.key_by(lambda v: v[0]).process(AllStates()).print()
data.key_by(lambda v: v[0]).map(RunningIndex()).print("index")
env.execute("state types")
