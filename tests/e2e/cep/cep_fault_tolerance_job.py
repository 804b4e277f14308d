"""A CEP job for the kill-and-resume test: a -> b -> c per key, in event time, into a FileSink.

Numbers 0..N-1 (one source subtask, timestamp = the number) are keyed by ``v % 7``; the j-th
number of a key is of kind ``"abxc"[j % 4]``. Relaxed (``followed_by``), the stages take kinds a, b
and c; with ``--strict`` (``next``: the engine's strict chain), kinds b, x and c. Each match is
written as ``key,a,b,c``.
"""

import argparse
import time

from pyflink.cep import CEP, Pattern
from pyflink.common import Encoder, Types, WatermarkStrategy
from pyflink.common.watermark_strategy import TimestampAssigner
from pyflink.datastream import StreamExecutionEnvironment
from pyflink.datastream.checkpoint_config import ExternalizedCheckpointCleanup
from pyflink.datastream.connectors.file_system import FileSink
from pyflink.datastream.connectors.number_seq import NumberSequenceSource
from pyflink.datastream.state_backend import EmbeddedRocksDBStateBackend, HashMapStateBackend

KEYS = 7

parser = argparse.ArgumentParser()
parser.add_argument("--n", type=int, required=True)
parser.add_argument("--out", required=True)
parser.add_argument("--checkpoints", required=True)
parser.add_argument("--backend", choices=["hashmap", "rocksdb"], default="hashmap")
parser.add_argument("--parallelism", type=int, default=1)
parser.add_argument("--strict", action="store_true", help="next instead of followed_by, over the kinds b, x, c")
parser.add_argument("--throttle", action="store_true", help="pause 10 ms every 10,000 numbers (the run to be killed)")
args = parser.parse_args()


class Stamp(TimestampAssigner):
    def extract_timestamp(self, value, record_timestamp):
        return value[2]


def kind_of(v):
    return "abxc"[(v // KEYS) % 4]


def event_of(v):
    # The run to be killed must still be running after two checkpoints, however fast the machine.
    if args.throttle and v % 10_000 == 0:
        time.sleep(0.01)
    return v % KEYS, kind_of(v), v


env = StreamExecutionEnvironment.get_execution_environment()
env.set_max_parallelism(128)
env.set_parallelism(args.parallelism)
env.enable_checkpointing(100)
config = env.get_checkpoint_config()
config.set_checkpoint_storage_dir(args.checkpoints)
config.set_externalized_checkpoint_cleanup(ExternalizedCheckpointCleanup.RETAIN_ON_CANCELLATION)
env.get_config().set_auto_watermark_interval(50)
env.set_state_backend(HashMapStateBackend() if args.backend == "hashmap" else EmbeddedRocksDBStateBackend())

events = (env.from_source(NumberSequenceSource(0, args.n - 1), WatermarkStrategy.no_watermarks(), "numbers")
          .uid("numbers").set_parallelism(1)
          .map(event_of).uid("events").set_parallelism(1)
          .assign_timestamps_and_watermarks(WatermarkStrategy.for_monotonous_timestamps().with_timestamp_assigner(Stamp()))
          .uid("stamps").set_parallelism(1))
if args.strict:
    pattern = (Pattern.begin("a").where(lambda e: e[1] == "b")
               .next("b").where(lambda e: e[1] == "x")
               .next("c").where(lambda e: e[1] == "c"))
else:
    pattern = (Pattern.begin("a").where(lambda e: e[1] == "a")
               .followed_by("b").where(lambda e: e[1] == "b")
               .followed_by("c").where(lambda e: e[1] == "c"))
matches = CEP.pattern(events.key_by(lambda e: e[0]), pattern).select(
    lambda m: f"{m['a'][0][0]},{m['a'][0][2]},{m['b'][0][2]},{m['c'][0][2]}", Types.STRING()).uid("cep")
matches.sink_to(FileSink.for_row_format(args.out, Encoder.simple_string_encoder()).build()).uid("files")
env.execute("cep fault tolerance")
