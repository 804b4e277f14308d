"""sum/min/max/min_by/max_by by position and by field name, and reduce."""

from pyflink.common import Row, Types
from pyflink.datastream import StreamExecutionEnvironment

env = StreamExecutionEnvironment.get_execution_environment()
tuples = env.from_collection(
    [("a", 3, 1.5), ("b", 1, 2.0), ("a", 1, 9.5), ("a", 7, 0.5), ("b", 1, 4.0)],
    Types.TUPLE([Types.STRING(), Types.INT(), Types.DOUBLE()]))
by_name = tuples.key_by(lambda t: t[0])
by_name.sum(1).print("sum")
by_name.min(2).print("min")
by_name.max(1).print("max")
by_name.min_by(1).print("min_by")
by_name.max_by(2).print("max_by")
by_name.reduce(lambda a, b: (a[0], a[1] * b[1], a[2] + b[2])).print("reduce")

rows = env.from_collection([Row(name="x", score=2), Row(name="y", score=5), Row(name="x", score=4)])
rows.key_by(lambda r: r.name).sum("score").print("rows")
env.execute("rolling aggregates")
