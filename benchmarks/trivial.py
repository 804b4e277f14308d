"""The smallest job: three numbers printed. Its wall time is PyStream's start-up cost."""

from pyflink.datastream import StreamExecutionEnvironment

env = StreamExecutionEnvironment.get_execution_environment()
env.from_collection([1, 2, 3]).map(lambda x: x + 1).print()
env.execute("trivial")
