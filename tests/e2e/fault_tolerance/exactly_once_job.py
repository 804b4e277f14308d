"""A job for the fault-tolerance tests: keyed state, event-time timers and a window, into a FileSink.

Numbers 0..N-1 (one source subtask, so every key sees its records in order) are summed per
key (``sum,key,value,running total``), counted per key and 1000-ms span with timers
(``span,key,end,count``), and reduced per key in 5000-ms tumbling windows
(``window,key,end,total``). Arguments pick the backend, the parallelism of the keyed part,
an injected failure, and a stop-with-savepoint.
"""

import argparse
import glob
import os
import time

from pyflink.common import Duration, Encoder, Time, Types, WatermarkStrategy
from pyflink.common.restart_strategy import RestartStrategies
from pyflink.common.watermark_strategy import TimestampAssigner
from pyflink.datastream import CheckpointingMode, StreamExecutionEnvironment
from pyflink.datastream.checkpoint_config import ExternalizedCheckpointCleanup
from pyflink.datastream.connectors.file_system import FileSink
from pyflink.datastream.connectors.number_seq import NumberSequenceSource
from pyflink.datastream.functions import KeyedProcessFunction, RuntimeContext
from pyflink.datastream.state import MapStateDescriptor, ValueStateDescriptor
from pyflink.datastream.state_backend import EmbeddedRocksDBStateBackend, HashMapStateBackend
from pyflink.datastream.window import TumblingEventTimeWindows

KEYS = 37

parser = argparse.ArgumentParser()
parser.add_argument("--n", type=int, required=True)
parser.add_argument("--out", required=True)
parser.add_argument("--checkpoints", required=True)
parser.add_argument("--backend", choices=["hashmap", "rocksdb", "rocksdb-incremental"], default="hashmap")
parser.add_argument("--parallelism", type=int, default=1)
parser.add_argument("--interval", type=int, default=100)
parser.add_argument("--mode", choices=["EXACTLY_ONCE", "AT_LEAST_ONCE"], default="EXACTLY_ONCE")
parser.add_argument("--fail-once", help="a marker file: fail once, after a checkpoint completed, unless it exists")
parser.add_argument("--fail-when", choices=["after", "before", "during"], default="after",
                    help="with --fail-once: after a checkpoint completed, at record 1000 (before any checkpoint), or while one is in flight")
parser.add_argument("--source", choices=["numbers", "files", "collection"], default="numbers")
parser.add_argument("--stop-with-savepoint", help="stop with a savepoint into this directory once a checkpoint completed")
parser.add_argument("--savepoint", help="take a savepoint into this directory once a checkpoint completed, and run on")
parser.add_argument("--retained", type=int, default=1)
parser.add_argument("--resume", help="start from this savepoint or checkpoint (execution.savepoint.path), as `run -s` does")
parser.add_argument("--hold", help="a marker file: from record n/2 on, slowed until a checkpoint completed, then held until it exists "
                                   "(at most 60 s), so a test can act mid-job")
parser.add_argument("--sum-uid", default="sum-and-count")
args = parser.parse_args()


def checkpoint_completed() -> bool:
    return bool(glob.glob(os.path.join(args.checkpoints, "*", "chk-*", "_metadata")))


def checkpoint_in_flight() -> bool:
    """A checkpoint was triggered (its directory exists) and has not completed (no metadata yet)."""
    return any(not os.path.exists(os.path.join(d, "_metadata")) for d in glob.glob(os.path.join(args.checkpoints, "*", "chk-*")))


def released() -> bool:
    """--hold's marker exists, or (taking a savepoint, or stopping with one) the savepoint was triggered: its
    directory exists."""
    if args.hold:
        return os.path.exists(args.hold)
    return bool(glob.glob(os.path.join(args.stop_with_savepoint or args.savepoint, "savepoint-*")))


def hold(value: int) -> None:
    """From record n/2 on: slowed (10 ms every 100 records, the barrier passing between the slowed calls) until a
    checkpoint completed, so a fast job does not end before one did, then held until released (at most 60 s), so a
    test acts mid-job."""
    if value < args.n // 2 or value % 100 or released():
        return
    if not checkpoint_completed():
        time.sleep(0.01)
        return
    deadline = time.monotonic() + 60
    while value % 1000 == 0 and not released() and time.monotonic() < deadline:
        time.sleep(0.02)


class FailOnce:
    """Raises once: at record 1000, or at the first 10000th record after a checkpoint completed or while one is in flight."""

    def __call__(self, value: int) -> int:
        if args.hold or args.stop_with_savepoint or args.savepoint:
            hold(value)  # a savepoint needs the source running: a fast job must not end before it is triggered
        due = (value == 1000 if args.fail_when == "before"
               else value % 10000 == 0 and (checkpoint_in_flight() if args.fail_when == "during" else checkpoint_completed()))
        if due and args.fail_once and not os.path.exists(args.fail_once):
            open(args.fail_once, "w").close()
            raise RuntimeError(f"injected failure at {value}")
        return value


class Stamp(TimestampAssigner):
    def extract_timestamp(self, value, record_timestamp):
        return value


class SumAndCount(KeyedProcessFunction):
    def open(self, runtime_context: RuntimeContext):
        self.total = runtime_context.get_state(ValueStateDescriptor("total", Types.LONG()))
        self.spans = runtime_context.get_map_state(MapStateDescriptor("spans", Types.LONG(), Types.LONG()))

    def process_element(self, value, ctx):
        total = (self.total.value() or 0) + value
        self.total.update(total)
        end = (value // 1000 + 1) * 1000 - 1
        self.spans.put(end, (self.spans.get(end) or 0) + 1)
        ctx.timer_service().register_event_time_timer(end)
        yield f"sum,{ctx.get_current_key()},{value},{total}"

    def on_timer(self, timestamp, ctx):
        count = self.spans.get(timestamp)
        self.spans.remove(timestamp)
        yield f"span,{ctx.get_current_key()},{timestamp},{count}"


env = StreamExecutionEnvironment.get_execution_environment()
env.set_max_parallelism(128)
env.enable_checkpointing(args.interval, CheckpointingMode[args.mode])
config = env.get_checkpoint_config()
config.set_checkpoint_storage_dir(args.checkpoints)
config.set_externalized_checkpoint_cleanup(ExternalizedCheckpointCleanup.RETAIN_ON_CANCELLATION)
env.get_config().set_auto_watermark_interval(50)
if args.retained > 1:
    from pyflink.common import Configuration
    env.configure(Configuration().set_string("state.checkpoints.num-retained", str(args.retained)))
if args.resume:
    from pyflink.common import Configuration
    env.configure(Configuration().set_string("execution.savepoint.path", args.resume))
env.set_restart_strategy(RestartStrategies.fixed_delay_restart(3, 0))
if args.backend == "hashmap":
    env.set_state_backend(HashMapStateBackend())
else:
    env.set_state_backend(EmbeddedRocksDBStateBackend(args.backend == "rocksdb-incremental"))

if args.source == "numbers":
    source = env.from_source(NumberSequenceSource(0, args.n - 1), WatermarkStrategy.no_watermarks(), "numbers")
elif args.source == "collection":
    source = env.from_collection(list(range(args.n)), Types.LONG())
else:  # three files of consecutive numbers, read in name order by one subtask
    directory = os.path.join(os.path.dirname(args.out), "numbers")
    os.makedirs(directory, exist_ok=True)
    third = args.n // 3 + 1
    for i in range(3):
        with open(os.path.join(directory, f"part-{i}.txt"), "w") as numbers_file:
            numbers_file.write("".join(f"{v}\n" for v in range(i * third, min(args.n, (i + 1) * third))))
    from pyflink.datastream.connectors.file_system import FileSource, StreamFormat
    source = env.from_source(FileSource.for_record_stream_format(StreamFormat.text_line_format(), directory).build(),
                             WatermarkStrategy.no_watermarks(), "files").map(int, Types.LONG()).uid("parse").set_parallelism(1)
numbers = (source.uid("numbers").set_parallelism(1)
           .map(FailOnce(), Types.LONG()).uid("fail-once").set_parallelism(1)
           .assign_timestamps_and_watermarks(WatermarkStrategy.for_monotonous_timestamps().with_timestamp_assigner(Stamp()))
           .uid("stamps").set_parallelism(1))
keyed = numbers.key_by(lambda v: v % KEYS, Types.LONG())
sums = keyed.process(SumAndCount(), Types.STRING()).uid(args.sum_uid).set_parallelism(args.parallelism)
windows = (numbers.map(lambda v: (v % KEYS, v), Types.TUPLE([Types.LONG(), Types.LONG()])).uid("pairs").set_parallelism(1)
           .key_by(lambda pair: pair[0], Types.LONG())
           .window(TumblingEventTimeWindows.of(Time.milliseconds(5000)))
           .reduce(lambda a, b: (a[0], a[1] + b[1])).uid("windows").set_parallelism(args.parallelism)
           .map(lambda pair: f"window,{pair[0]},{pair[1]}", Types.STRING()).uid("window-format").set_parallelism(args.parallelism))
sums.union(windows).sink_to(FileSink.for_row_format(args.out, Encoder.simple_string_encoder()).build()).uid("files")

if args.stop_with_savepoint or args.savepoint:
    client = env.execute_async("exactly-once")
    for _ in range(600):  # bounded: at most 60 s for a first checkpoint
        if checkpoint_completed():
            break
        time.sleep(0.1)
    if args.stop_with_savepoint:
        print(client.stop_with_savepoint(False, args.stop_with_savepoint).result())
    else:
        print(client.trigger_savepoint(args.savepoint).result())
        client.get_job_execution_result().result()
else:
    env.execute("exactly-once")
