"""A job that holds its records until a file exists, so that a test runs several at once on a cluster and reads
where each runs. Arguments: its name, its parallelism, the file, and `shared` to set pystream.cluster.shared-workers
(it may run on workers of other jobs that set it too) or `own` (its workers are its own, the default)."""

import os
import sys
import time

from pyflink.common import Configuration, Types
from pyflink.datastream import StreamExecutionEnvironment

NAME, PARALLELISM, GO, SHARING = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]


def when_go(value):
    deadline = time.monotonic() + 60
    while not os.path.exists(GO) and time.monotonic() < deadline:
        time.sleep(0.02)
    return value * 2


configuration = Configuration()
if SHARING == "shared":
    configuration.set_string("pystream.cluster.shared-workers", "true")
env = StreamExecutionEnvironment.get_execution_environment(configuration)
env.set_parallelism(PARALLELISM)
env.from_collection(list(range(10)), Types.LONG()).map(when_go, Types.LONG()).print()
env.execute(NAME)
