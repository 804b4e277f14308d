"""Broadcast state across a savepoint and a rescale.

A broadcast stream of one rule (a factor) meets keyed numbers; each number is written as
``key,value,factor`` with the factor its subtask knows (0 before the rule arrived). After a
stop-with-savepoint the job resumes at another parallelism: the collection source does not
send the rule again, so every subtask must have it from the savepoint.
"""

import argparse
import glob
import os
import time

from pyflink.common import Encoder, Types, WatermarkStrategy
from pyflink.datastream import StreamExecutionEnvironment
from pyflink.datastream.connectors.file_system import FileSink
from pyflink.datastream.connectors.number_seq import NumberSequenceSource
from pyflink.datastream.functions import KeyedBroadcastProcessFunction
from pyflink.datastream.state import MapStateDescriptor

parser = argparse.ArgumentParser()
parser.add_argument("--n", type=int, required=True)
parser.add_argument("--out", required=True)
parser.add_argument("--checkpoints", required=True)
parser.add_argument("--parallelism", type=int, default=1)
parser.add_argument("--stop-with-savepoint")
args = parser.parse_args()

RULES = MapStateDescriptor("rules", Types.STRING(), Types.LONG())


class ApplyFactor(KeyedBroadcastProcessFunction):
    def process_element(self, value, ctx):
        factor = ctx.get_broadcast_state(RULES).get("factor") or 0
        yield f"{ctx.get_current_key()},{value},{factor}"

    def process_broadcast_element(self, value, ctx):
        ctx.get_broadcast_state(RULES).put(value[0], value[1])


env = StreamExecutionEnvironment.get_execution_environment()
env.set_max_parallelism(128)
env.enable_checkpointing(100)
env.get_checkpoint_config().set_checkpoint_storage_dir(args.checkpoints)
rules = env.from_collection([("factor", 3)], Types.TUPLE([Types.STRING(), Types.LONG()])).uid("rules").broadcast(RULES)
numbers = env.from_source(NumberSequenceSource(0, args.n - 1), WatermarkStrategy.no_watermarks(), "numbers").uid("numbers").set_parallelism(1)
(numbers.key_by(lambda v: v % 7, Types.LONG()).connect(rules).process(ApplyFactor(), Types.STRING()).uid("apply").set_parallelism(args.parallelism)
    .sink_to(FileSink.for_row_format(args.out, Encoder.simple_string_encoder()).build()).uid("files"))

if args.stop_with_savepoint:
    client = env.execute_async("broadcast")
    for _ in range(600):  # bounded: at most 60 s for a first checkpoint
        if glob.glob(os.path.join(args.checkpoints, "*", "chk-*", "_metadata")):
            break
        time.sleep(0.1)
    print(client.stop_with_savepoint(False, args.stop_with_savepoint).result())
else:
    env.execute("broadcast")
