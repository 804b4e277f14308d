"""MapState benchmark: does the cost of a put + get grow with the size of the map?

15,000 keys visited round robin (more keys than the state cache holds), each visit one
``put`` and one ``get`` on the key's MapState. Large: every map grows to 200 entries (the
n-th visit of a key writes entry n % 200). Small: every map stays at 1 entry. Same records,
same calls; the ratio large/small is the cost of map size (goal: at most 2x), on the heap
and on RocksDB, in this same process.

Then the bytes incremental RocksDB checkpoints write for one key's map of 1M entries: while
the map is built, and afterwards while only 10 of its entries keep changing (goal: the
latter proportional to the changed entries, not to the map).

    ./pystream run benchmarks/map_state.py [KEYS ENTRIES [heap|rocksdb|checkpoints]...]
"""

import os
import sys
import tempfile
import time

from pyflink.common import Types, WatermarkStrategy
from pyflink.datastream import RuntimeExecutionMode, StreamExecutionEnvironment
from pyflink.datastream.connectors.number_seq import NumberSequenceSource
from pyflink.datastream.functions import KeyedProcessFunction, RuntimeContext
from pyflink.datastream.state import MapStateDescriptor
from pyflink.datastream.state_backend import EmbeddedRocksDBStateBackend, HashMapStateBackend


class PutGet(KeyedProcessFunction):
    def __init__(self, keys: int, entries: int) -> None:
        self.keys = keys
        self.entries = entries

    def open(self, runtime_context: RuntimeContext) -> None:
        self.map = runtime_context.get_map_state(MapStateDescriptor("m", Types.LONG(), Types.LONG()))

    def process_element(self, value, ctx):
        entry = (value // self.keys) % self.entries
        self.map.put(entry, value)
        if self.map.get(entry) != value:
            raise AssertionError("a get did not see the put before it")
        if value >= self.last:
            yield value


def seconds(backend, keys: int, entries: int, records: int) -> float:
    env = StreamExecutionEnvironment.get_execution_environment()
    env.set_runtime_mode(RuntimeExecutionMode.BATCH)
    env.set_parallelism(1)
    env.set_state_backend(backend)
    function = PutGet(keys, entries)
    function.last = records - keys
    started = time.perf_counter()
    out = (env.from_source(NumberSequenceSource(0, records - 1), WatermarkStrategy.no_watermarks(), "numbers")
           .key_by(lambda n: n % keys, Types.LONG()).process(function, Types.LONG()).execute_and_collect())
    assert len(list(out)) == keys
    return time.perf_counter() - started


class BuildThenTouch(KeyedProcessFunction):
    """Records below ``size`` each add an entry; the rest rewrite one of 10 entries."""

    def __init__(self, size: int) -> None:
        self.size = size

    def open(self, runtime_context: RuntimeContext) -> None:
        self.map = runtime_context.get_map_state(MapStateDescriptor("m", Types.LONG(), Types.LONG()))

    def process_element(self, value, ctx):
        if value == self.size:
            os.environ["BENCH_BUILT_AT_MS"] = repr(time.time() * 1000)
        self.map.put(value if value < self.size else value % 10, value)
        return iter(())


def checkpoint_bytes(size: int, touches: int) -> None:
    env = StreamExecutionEnvironment.get_execution_environment()
    env.set_parallelism(1)
    env.set_state_backend(EmbeddedRocksDBStateBackend(True))
    env.enable_checkpointing(500)
    env.get_checkpoint_config().set_checkpoint_storage_dir(tempfile.mkdtemp(prefix="pystream-bench-map-"))
    (env.from_source(NumberSequenceSource(0, size + touches - 1), WatermarkStrategy.no_watermarks(), "numbers")
        .key_by(lambda n: 0, Types.LONG()).process(BuildThenTouch(size)).print())
    client = env.execute_async("map-checkpoints")
    client.get_job_execution_result().result()
    built_at = float(os.environ["BENCH_BUILT_AT_MS"])
    history = [c for c in client._handle.checkpoint_history() if c[5] is None]
    building = sum(c[4] for c in history if c[2] < built_at)
    # The first checkpoint after the build may still hold the build's last entries.
    after = [c[4] for c in history if c[2] >= built_at][1:]
    print(f"checkpoints: one key's map of {size:,} entries built ({building / 1e6:.1f} MB written by {len(history) - len(after) - 1} "
          f"incremental checkpoints), then {touches:,} puts to 10 of its entries")
    if after:
        print(f"  written by each later checkpoint: max {max(after) / 1e3:.1f} KB, median {sorted(after)[len(after) // 2] / 1e3:.1f} KB "
              f"({len(after)} checkpoints); ratio to the map {max(after) / building:.5f}x")
    else:
        print("  no checkpoint completed after the build: give more touches")


def main() -> None:
    keys, entries = (int(a) for a in sys.argv[1:3]) if len(sys.argv) > 2 else (15_000, 200)
    records = keys * entries
    print(f"workload: {keys:,} keys round robin, {records:,} records, one put + one get per record, BATCH, parallelism 1")
    chosen = sys.argv[3:] or ["heap", "rocksdb", "checkpoints"]
    backends = {"heap": HashMapStateBackend, "rocksdb": EmbeddedRocksDBStateBackend}
    for name, backend in backends.items():
        if name not in chosen:
            continue
        seconds(backend(), keys, 1, keys * 2)  # warm-up
        small = min(seconds(backend(), keys, 1, records) for _ in range(2))
        large = min(seconds(backend(), keys, entries, records) for _ in range(2))
        print(f"{name:8}: maps of {entries} entries {large:6.2f} s, maps of 1 entry {small:6.2f} s, "
              f"ratio {large / small:5.2f}x (goal <= 2x)")
    if "checkpoints" in chosen:
        checkpoint_bytes(1_000_000, 3_000_000)


if __name__ == "__main__":
    main()
