"""Every partitioning at parallelism 3, project(), and a function from a shipped module."""

import os

from pyflink.common import Types, WatermarkStrategy
from pyflink.datastream import Partitioner, RuntimeContext, MapFunction, StreamExecutionEnvironment
from pyflink.datastream.connectors.number_seq import NumberSequenceSource

env = StreamExecutionEnvironment.get_execution_environment()
env.set_parallelism(3)
env.add_python_file(os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib", "shapes.py"))


class Tag(MapFunction):
    def open(self, ctx: RuntimeContext):
        self.subtask = ctx.get_index_of_this_subtask()

    def map(self, value):
        return f"{value}@{self.subtask}"


class ByParity(Partitioner):
    def partition(self, key, num_partitions):
        return key % 2


numbers = env.from_source(NumberSequenceSource(1, 12), WatermarkStrategy.no_watermarks(), "numbers")
numbers.rebalance().map(lambda n: n * 10, Types.LONG()).print("rebalance")
numbers.shuffle().map(lambda n: -n, Types.LONG()).print("shuffle")
numbers.rescale().filter(lambda n: n > 10).print("rescale")
numbers.forward().map(lambda n: n + 100, Types.LONG()).print("forward")
numbers.filter(lambda n: n <= 2).broadcast().map(Tag(), Types.STRING()).print("broadcast")
numbers.key_by(lambda n: n % 3).reduce(lambda a, b: a + b).filter(lambda s: s in (22, 26, 30)).print("keyed")  # only final sums: arrival order varies
numbers.partition_custom(ByParity(), lambda n: n).map(Tag(), Types.STRING()).filter(lambda s: s.startswith("1")).print("custom")


def with_area(n):
    from shapes import area
    return n, area(n, 2), "x"


(numbers.filter(lambda n: n <= 3)
 .map(with_area, Types.TUPLE([Types.LONG(), Types.LONG(), Types.STRING()]))
 .project(1, 0).print("project"))
env.execute("partitioning")
