"""A job that never ends by itself: prints "started" once its first record went through,
then either keeps reading numbers ("endless"), blocks in its map function in a C call
("stuck") or in a Python loop ("spinning"), or ("generator") flat-maps its first record into
an endless generator, printing every millionth value it yields."""

import itertools
import sys
import time

from pyflink.common import Types, WatermarkStrategy
from pyflink.datastream import StreamExecutionEnvironment
from pyflink.datastream.connectors.number_seq import NumberSequenceSource


def report_start(n):
    if n == 0:
        print("started", flush=True)
        if sys.argv[1] == "stuck":
            time.sleep(3600)  # a user function that never returns: only a second Ctrl-C ends this
        while sys.argv[1] == "spinning":  # a user function busy in Python: a cancel interrupts it
            pass
    return n


def report_millions(n):
    if n % 1_000_000 == 0:
        print(n, flush=True)
    return n


env = StreamExecutionEnvironment.get_execution_environment()
env.set_parallelism(1)
numbers = env.from_source(NumberSequenceSource(0, 10**15), WatermarkStrategy.no_watermarks(), "numbers").map(report_start)
if sys.argv[1] == "generator":
    numbers = numbers.flat_map(lambda n: itertools.count(), Types.LONG()).map(report_millions)
numbers.filter(lambda n: n < 0).print()
env.execute("endless")
