"""Spine benchmark on a cluster: Python map -> key_by -> reduce (BATCH) at parallelism 2 on two one-slot workers.

Starts `./pystream gateway --cluster` and two `./pystream worker --slots 1` on free loopback ports, runs
tests/e2e/scripts/cluster_spine.py against them at two sizes (the rate comes from the difference, so client
start-up and job set-up cancel out), then plain CPython in one thread doing the same work in this process
(spine.py's loop), prints the ratio, and stops the processes. Every keyed record that changes subtask
crosses a network channel pickled.

Beside the rates it prints the workers' CPU per record (core-µs, user + system time of the two worker processes,
from the same difference between the sizes): unlike the wall-clock rate, it barely depends on how much of the
machine's two cores other processes take, and it gives the projection to more cores.

    .venv/bin/python benchmarks/spine_cluster.py [SMALL LARGE]
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "e2e"))  # the e2e tests' process harness: gateway and workers on loopback

from cluster_process import Worker  # noqa: E402
from gateway_process import Gateway  # noqa: E402
from spine import KEYS, add, best, cpython_seconds, key_of, report, to_pair  # noqa: E402

SPINE = ROOT / "tests" / "e2e" / "scripts" / "cluster_spine.py"
WORKERS = 2


def start_cluster(data: Path) -> tuple[Gateway, list[Worker]]:
    gateway = Gateway(data, args=("--cluster",))
    workers = [Worker(gateway.rpc, slots=1) for _ in range(WORKERS)]
    for worker in workers:
        worker.registered_id()
    return gateway, workers


def cpu_seconds(pid: int) -> float:
    """User + system time of a process and its descendants (`./pystream worker` execs or starts the worker)."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    total = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    for task in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{task}/children") as children:
            total += sum(cpu_seconds(int(child)) for child in children.read().split())
    return total


def workers_cpu(workers: list[Worker]) -> float:
    return sum(cpu_seconds(worker.process.pid) for worker in workers)


def cluster_seconds(gateway: Gateway, count: int) -> float:
    started = time.perf_counter()
    result = subprocess.run([sys.executable, str(SPINE), str(count)], cwd=ROOT, env=gateway.client_env(),
                            capture_output=True, text=True, timeout=600)
    elapsed = time.perf_counter() - started
    assert result.returncode == 0, result.stderr
    total = sum(int(line.split()[1]) for line in result.stdout.splitlines())
    assert total == count * (count + 1) // 2, total
    return elapsed


def split_floor_us(count: int, batch: int = 1024) -> float:
    """Core-µs per record of the same work split at the keyed exchange, in plain Python with no engine at all.

    One side maps, keys, splits each batch in two by key and pickles the halves; the other unpickles
    and reduces. Their sum is what two processes must spend per record even if moving the bytes and
    everything else cost nothing, so 2 * (plain CPython's µs) / this bounds any two-process ratio.
    """
    started = time.process_time()
    blobs = []
    for first in range(1, count + 1, batch):
        pairs = list(map(to_pair, range(first, min(first + batch, count + 1))))
        halves: tuple[list, list] = ([], [])
        for pair, key in zip(pairs, map(key_of, pairs)):
            halves[key & 1].append(pair)
        blobs += [pickle.dumps(half, pickle.HIGHEST_PROTOCOL) for half in halves]
    state: dict = {}
    get = state.get
    for blob in blobs:
        for pair in pickle.loads(blob):
            key = key_of(pair)
            current = get(key)
            state[key] = pair if current is None else add(current, pair)
    elapsed = time.process_time() - started
    assert len(state) == min(KEYS, count) and sum(v for _, v in state.values()) == count * (count + 1) // 2
    return elapsed / count * 1e6


def main() -> None:
    small, large = (int(a) for a in sys.argv[1:3]) if len(sys.argv) > 2 else (1_000_000, 3_000_000)
    with tempfile.TemporaryDirectory(prefix="spine-cluster-") as data:
        gateway, workers = start_cluster(Path(data))
        try:
            # Warm-up: each worker's imports and JIT. The .NET tiered JIT recompiles the hot methods in the
            # background for the first few jobs (about 1 s of a core per worker in the first 3M-record job, under
            # 0.1 s from the fourth on), so three jobs run first and the figures are the steady state's.
            for count in (small, large, small):
                cluster_seconds(gateway, count)
            cpu: dict[int, list[float]] = {small: [], large: []}

            def measured(count: int) -> float:
                before = workers_cpu(workers)
                seconds = cluster_seconds(gateway, count)
                cpu[count].append(workers_cpu(workers) - before)
                return seconds

            cluster = best(measured, small, large, runs=2)
        finally:
            for worker in workers:
                worker.stop()
            gateway.stop()
    cpython = best(cpython_seconds, small, large)
    report(f"parallelism 2 on {WORKERS} one-slot workers, sizes {small:,} and {large:,}", ("cluster", cluster), cpython, goal=1.3)
    per_record = (min(cpu[large]) - min(cpu[small])) / (large - small) * 1e6
    plain = 1e6 / cpython
    print(f"cpu    : {per_record:6.2f} core-us per record over the workers (plain CPython: {plain:.2f} us), "
          f"so about {plain / per_record:.2f}x plain CPython per core used")
    floor = min(split_floor_us(large) for _ in range(3))
    print(f"floor  : {floor:6.2f} core-us per record for the split work alone in plain Python (map, key, split, pickle | "
          f"unpickle, reduce; no engine), so no two-process run can pass {2 * plain / floor:.2f}x plain CPython on 2 cores")

if __name__ == "__main__":
    main()
