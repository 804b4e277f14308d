"""The spine at parallelism 2: NumberSequenceSource(1, N) -> Python map -> key_by -> reduce (BATCH), collected.

On a cluster of two one-slot workers, every keyed record that changes subtask crosses a network channel
pickled. Prints each key's final sum, one line per key."""

import sys

from pyflink.common import WatermarkStrategy
from pyflink.datastream import RuntimeExecutionMode, StreamExecutionEnvironment
from pyflink.datastream.connectors.number_seq import NumberSequenceSource

count = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
env = StreamExecutionEnvironment.get_execution_environment()
env.set_runtime_mode(RuntimeExecutionMode.BATCH)
env.set_parallelism(2)
results = (env.from_source(NumberSequenceSource(1, count), WatermarkStrategy.no_watermarks(), "numbers")
           .map(lambda n: (n % 1000, n)).key_by(lambda pair: pair[0]).reduce(lambda a, b: (a[0], a[1] + b[1])))
for key, total in sorted(results.execute_and_collect()):
    print(key, total)
