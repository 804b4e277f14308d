"""Checkpointing benchmark: a keyed job with 1M keys on RocksDB, with and without checkpoints.

One invocation runs the same STREAMING job (numbers -> key_by(n mod 1M) -> a KeyedProcessFunction
counting per key in ValueState) four times: without checkpointing (the reference), with
incremental and with full checkpoints every second, and once more with incremental checkpoints
and one injected failure. It prints the throughput ratios, checkpoint durations (p50/p99) and
sizes, and the time from the failure to the first record processed after the restart.

    ./pystream run benchmarks/checkpointing.py [RECORDS]
"""

import os
import statistics
import sys
import tempfile
import time

from pyflink.common import Types, WatermarkStrategy
from pyflink.common.restart_strategy import RestartStrategies
from pyflink.datastream import StreamExecutionEnvironment
from pyflink.datastream.connectors.number_seq import NumberSequenceSource
from pyflink.datastream.functions import KeyedProcessFunction, RuntimeContext
from pyflink.datastream.state import ValueStateDescriptor
from pyflink.datastream.state_backend import EmbeddedRocksDBStateBackend

KEYS = 1_000_000


class Count(KeyedProcessFunction):
    def __init__(self, fail_at: int = -1) -> None:
        self.fail_at = fail_at

    def open(self, runtime_context: RuntimeContext) -> None:
        self.count = runtime_context.get_state(ValueStateDescriptor("count", Types.LONG()))

    def process_element(self, value, ctx):
        self.count.update((self.count.value() or 0) + 1)
        if self.fail_at >= 0:
            if value == self.fail_at and "BENCH_FAILED_AT" not in os.environ:
                os.environ["BENCH_FAILED_AT"] = repr(time.perf_counter())
                raise RuntimeError("injected failure")
            if "BENCH_FAILED_AT" in os.environ and "BENCH_RECOVERED_AT" not in os.environ:
                os.environ["BENCH_RECOVERED_AT"] = repr(time.perf_counter())
        return iter(())


def run(records: int, checkpoints: str | None, fail_at: int = -1) -> tuple[float, list]:
    env = StreamExecutionEnvironment.get_execution_environment()
    env.set_parallelism(1)
    env.set_state_backend(EmbeddedRocksDBStateBackend(checkpoints == "incremental"))
    if checkpoints:
        env.enable_checkpointing(1000)
        env.get_checkpoint_config().set_checkpoint_storage_dir(tempfile.mkdtemp(prefix="pystream-bench-checkpoints-"))
        env.set_restart_strategy(RestartStrategies.fixed_delay_restart(1, 0))
    (env.from_source(NumberSequenceSource(0, records - 1), WatermarkStrategy.no_watermarks(), "numbers")
        .key_by(lambda n: n % KEYS, Types.LONG())
        .process(Count(fail_at))
        .print())
    started = time.perf_counter()
    client = env.execute_async(f"checkpointing-{checkpoints or 'off'}")
    client.get_job_execution_result().result()
    elapsed = time.perf_counter() - started
    return records / elapsed, [c for c in client._handle.checkpoint_history() if c[5] is None]


def percentile(values: list, p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p * (len(ordered) - 1))))]


def describe(history: list) -> str:
    durations = [c[3] for c in history]
    sizes = [c[4] for c in history]
    if not durations:
        return "no checkpoint completed"
    return (f"{len(durations)} checkpoints, duration p50 {percentile(durations, 0.5):.0f} ms, p99 {percentile(durations, 0.99):.0f} ms, "
            f"max {max(durations)} ms; written per checkpoint median {statistics.median(sizes) / 1e6:.1f} MB")


def main() -> None:
    records = int(sys.argv[1]) if len(sys.argv) > 1 else 4_000_000
    run(200_000, None)  # warm-up: JIT, imports, RocksDB
    off, _ = run(records, None)
    incremental, incremental_history = run(records, "incremental")
    full, full_history = run(records, "full")
    _, _ = run(records, "incremental", fail_at=records // 2)
    recovery = float(os.environ["BENCH_RECOVERED_AT"]) - float(os.environ["BENCH_FAILED_AT"])
    print(f"workload: numbers -> key_by(n mod {KEYS:,}) -> ValueState count, RocksDB, {records:,} records, STREAMING, parallelism 1")
    print(f"checkpointing off          : {off / 1e6:5.2f} M records/s (reference)")
    print(f"incremental, every 1 s     : {incremental / 1e6:5.2f} M records/s, ratio {incremental / off:4.2f}x (goal >= 0.9x)")
    print(f"  {describe(incremental_history)} (goal p99 < 1000 ms)")
    print(f"full, every 1 s            : {full / 1e6:5.2f} M records/s, ratio {full / off:4.2f}x")
    print(f"  {describe(full_history)}")
    print(f"recovery from a failure    : {recovery * 1000:.0f} ms from the exception to the first record processed after the restart (goal < 2000 ms)")


if __name__ == "__main__":
    main()
