"""A function that takes 2 ms per record, chained to its source ("chained") or behind a
key_by ("keyed"), over a million numbers: its output must flow within a second or two, not
after a whole source batch (65,536 records, over two minutes)."""

import sys
import time

from pyflink.common import Types, WatermarkStrategy
from pyflink.datastream import StreamExecutionEnvironment
from pyflink.datastream.connectors.number_seq import NumberSequenceSource


def slow(n):
    time.sleep(0.002)  # the user's work: a model call, an HTTP lookup
    return n


env = StreamExecutionEnvironment.get_execution_environment()
env.set_parallelism(1)
numbers = env.from_source(NumberSequenceSource(0, 999_999), WatermarkStrategy.no_watermarks(), "numbers")
if sys.argv[1] == "keyed":
    numbers = numbers.key_by(lambda n: n % 10, Types.LONG())
numbers.map(slow, Types.LONG()).print()
env.execute("slow")
