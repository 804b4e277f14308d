"""execute_and_collect with checkpoints and one failure: every result must arrive exactly once.

Prints how many results arrived and their sum, for numbers 0..N-1 summed per key (n % 10).
"""

import glob
import os
import sys

from pyflink.common import Types, WatermarkStrategy
from pyflink.common.restart_strategy import RestartStrategies
from pyflink.datastream import StreamExecutionEnvironment
from pyflink.datastream.connectors.number_seq import NumberSequenceSource

n, checkpoints, marker = int(sys.argv[1]), sys.argv[2], sys.argv[3]


def fail_once(value: int) -> int:
    if value % 10000 == 0 and not os.path.exists(marker) and glob.glob(os.path.join(checkpoints, "*", "chk-*", "_metadata")):
        open(marker, "w").close()
        raise RuntimeError(f"injected failure at {value}")
    return value


env = StreamExecutionEnvironment.get_execution_environment()
env.enable_checkpointing(50)
env.get_checkpoint_config().set_checkpoint_storage_dir(checkpoints)
env.set_restart_strategy(RestartStrategies.fixed_delay_restart(1, 0))
results = (env.from_source(NumberSequenceSource(0, n - 1), WatermarkStrategy.no_watermarks(), "numbers")
           .map(fail_once, Types.LONG())
           .key_by(lambda v: v % 10, Types.LONG())
           .reduce(lambda a, b: a + b)
           .execute_and_collect())
collected = list(results)
print(len(collected), sum(collected))
