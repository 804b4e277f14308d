"""print() inside a user function: the line goes to the job's output, as a print sink's does."""

from pyflink.datastream import StreamExecutionEnvironment


def shout(x):
    print("seen", x)
    return x


env = StreamExecutionEnvironment.get_execution_environment()
env.set_parallelism(2)
env.from_collection([1, 2, 3, 4]).map(shout).print()
env.execute("printing")
