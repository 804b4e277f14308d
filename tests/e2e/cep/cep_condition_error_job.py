"""A pattern condition that raises: the job fails with the user's traceback."""

from pyflink.cep import CEP, Pattern
from pyflink.datastream import StreamExecutionEnvironment


def amount_per_item(event):
    return event[1] / event[2] > 10


env = StreamExecutionEnvironment.get_execution_environment()
orders = env.from_collection([("a", 100, 2), ("b", 50, 0), ("c", 30, 1)])
pattern = Pattern.begin("big").where(amount_per_item)
CEP.pattern(orders, pattern).select(lambda match: match["big"][0][0]).print()
env.execute("condition error")
