"""Partial matches that outlive hundreds of thousands of other events (the operator forgets
unreferenced events every 65,536 arrivals at the least), with checkpoints taken on the way:
the match must still see the events it started with.

Events are (key, kind, n, payload): first an 'a' for each of keys k0..k{KEYS-1}, then filler
'x' events on other keys, then a 'c' for each key in the same order.
"""

import sys

from pyflink.cep import CEP, Pattern
from pyflink.common import Types, WatermarkStrategy
from pyflink.datastream import StreamExecutionEnvironment
from pyflink.datastream.connectors.number_seq import NumberSequenceSource

KEYS, COUNT = 100, int(sys.argv[1]) if len(sys.argv) > 1 else 300_000


def event(n: int) -> tuple:
    if n < KEYS:
        return f"k{n}", "a", n, [n * 7]
    if n >= COUNT - KEYS:
        k = n - (COUNT - KEYS)
        return f"k{k}", "c", n, [k * 7]
    return f"f{n % 50}", "x", n, [n]


env = StreamExecutionEnvironment.get_execution_environment()
env.set_parallelism(1)
env.enable_checkpointing(200)
events = env.from_source(NumberSequenceSource(0, COUNT - 1), WatermarkStrategy.no_watermarks(), "numbers").map(event)
pattern = Pattern.begin("a").where(lambda e: e[1] == "a").followed_by("c").where(lambda e: e[1] == "c")
matches = CEP.pattern(events.key_by(lambda e: e[0]), pattern).in_processing_time()
matches.select(lambda m: f"{m['a'][0][0]},{m['a'][0][3][0]},{m['c'][0][2]},{m['c'][0][3][0]}",
               output_type=Types.STRING()).print()
env.execute("long-lived partial matches")
