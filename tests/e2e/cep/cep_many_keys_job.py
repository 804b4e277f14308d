"""More keys than the operator holds in memory (65,536): the first pass writes every key's
partial match, with its event pickled, to the store and drops it; each key's second event
reads it back (its event unpickled) and completes the match.

Event n < KEYS is an 'a' for key n; event KEYS + k is a 'c' for key k.
"""

import sys

from pyflink.cep import CEP, Pattern
from pyflink.common import Types, WatermarkStrategy
from pyflink.datastream import StreamExecutionEnvironment
from pyflink.datastream.connectors.number_seq import NumberSequenceSource

KEYS = int(sys.argv[1]) if len(sys.argv) > 1 else 70_000


def event(n: int) -> tuple:
    return (n, "a", [n * 3]) if n < KEYS else (n - KEYS, "c", [n])


env = StreamExecutionEnvironment.get_execution_environment()
env.set_parallelism(1)
events = env.from_source(NumberSequenceSource(0, 2 * KEYS - 1), WatermarkStrategy.no_watermarks(), "numbers").map(event)
pattern = Pattern.begin("a").where(lambda e: e[1] == "a").followed_by("c").where(lambda e: e[1] == "c")
matches = CEP.pattern(events.key_by(lambda e: e[0]), pattern).in_processing_time()
matches.select(lambda m: f"{m['a'][0][0]},{m['a'][0][2][0]},{m['c'][0][2][0]}", output_type=Types.STRING()).print()
env.execute("more keys than held in memory")
