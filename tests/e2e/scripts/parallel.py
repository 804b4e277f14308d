"""Parallelism 2: a keyed count where every key lands on one subtask, printed with N> prefixes."""

from pyflink.common import Types, WatermarkStrategy
from pyflink.datastream import StreamExecutionEnvironment
from pyflink.datastream.connectors.number_seq import NumberSequenceSource

env = StreamExecutionEnvironment.get_execution_environment()
env.set_parallelism(2)
numbers = env.from_source(NumberSequenceSource(1, 1000), WatermarkStrategy.no_watermarks(), "numbers")
(numbers
 .map(lambda n: (n % 7, 1), Types.TUPLE([Types.LONG(), Types.INT()]))
 .key_by(lambda t: t[0])
 .reduce(lambda a, b: (a[0], a[1] + b[1]))
 .filter(lambda t: t[1] % 50 == 0)
 .print())
env.execute("parallel")
