"""Side outputs: a ProcessFunction yields (tag, value); get_side_output reads them."""

from pyflink.common import Types
from pyflink.datastream import OutputTag, ProcessFunction, StreamExecutionEnvironment

small = OutputTag("small", Types.INT())
large = OutputTag("large", Types.STRING())


class Classify(ProcessFunction):
    def process_element(self, value, ctx):
        if value < 3:
            yield small, value
        elif value > 7:
            yield large, f"large:{value}"
        else:
            yield value * 10


env = StreamExecutionEnvironment.get_execution_environment()
main = env.from_collection(list(range(10)), Types.INT()).process(Classify(), Types.INT())
main.print("main")
main.get_side_output(small).print("small")
main.get_side_output(large).map(str.upper, Types.STRING()).print("large")
env.execute("side outputs")
