"""A user function that raises: the job fails with the user's traceback."""

from pyflink.datastream import StreamExecutionEnvironment


def parse(text):
    return int(text)


env = StreamExecutionEnvironment.get_execution_environment()
env.from_collection(["1", "2", "three"]).map(parse).print()
env.execute("user error")
