"""A job that never ends by itself: prints "started" once its first record went through,
then either keeps reading numbers ("endless") or blocks in its map function ("stuck")."""

import sys
import time

from pyflink.common import WatermarkStrategy
from pyflink.datastream import StreamExecutionEnvironment
from pyflink.datastream.connectors.number_seq import NumberSequenceSource


def report_start(n):
    if n == 0:
        print("started", flush=True)
        if sys.argv[1] == "stuck":
            time.sleep(3600)  # a user function that never returns: only a second Ctrl-C ends this
    return n


env = StreamExecutionEnvironment.get_execution_environment()
env.set_parallelism(1)
(env.from_source(NumberSequenceSource(0, 10**15), WatermarkStrategy.no_watermarks(), "numbers")
    .map(report_start).filter(lambda n: n < 0).print())
env.execute("endless")
