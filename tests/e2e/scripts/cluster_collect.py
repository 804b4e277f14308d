"""Collecting at parallelism 6: with a limit, the collect sink ends the job once it has enough, while the
other subtasks still run; without one, every record."""

from pyflink.common import Types
from pyflink.datastream import StreamExecutionEnvironment

env = StreamExecutionEnvironment.get_execution_environment()
env.set_parallelism(6)
doubled = env.from_collection(list(range(100_000)), Types.LONG()).key_by(lambda n: n % 10).map(lambda n: 2 * n, Types.LONG())
first = doubled.execute_and_collect("collect with a limit", limit=5)
print("limited:", len(first), all(n % 2 == 0 and 0 <= n < 200_000 for n in first))
small = env.from_collection(list(range(1000)), Types.LONG()).key_by(lambda n: n % 10).map(lambda n: 2 * n, Types.LONG())
with small.execute_and_collect("collect everything") as results:
    everything = list(results)
print("all:", len(everything), sum(everything))
