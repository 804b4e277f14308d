"""Reactive mode on a cluster (Flink's `scheduler-mode: reactive`): a job runs at the parallelism its slots allow.

One worker of 2 slots, then a second and a third join, then one is killed (`kill -9`): the job (Kafka lines ->
per-key running count in ValueState -> exactly-once FileSink; scripts/reactive_counts.py) rescales each time from
its latest checkpoint (2 -> 4 -> 6 -> 4 subtasks per vertex, as REST shows them), key groups and Kafka partitions
redistributed. After each change a new batch of lines goes in, and the committed output must equal the plain-Python
model of every line so far: nothing lost, nothing twice, every key's count carried across the rescale.
"""

from __future__ import annotations

import collections
import re
import signal
from pathlib import Path

from cluster_process import Cluster, poll
from test_fault_tolerance import committed
from test_kafka import MockBroker

SCRIPT = Path(__file__).parent / "scripts" / "reactive_counts.py"
KEYS = 11
BATCH = 500


def lines(start: int, stop: int) -> list[str]:
    return [f"k{i % KEYS},{i}" for i in range(start, stop)]


def model(n: int) -> list[str]:
    """Every count each key reaches over the first n lines: k,1 .. k,count(k)."""
    counts = collections.Counter(line.split(",")[0] for line in lines(0, n))
    return sorted(f"{key},{c}" for key, total in counts.items() for c in range(1, total + 1))


def test_a_reactive_job_rescales_as_workers_join_and_leave_and_writes_every_count_once(tmp_path: Path) -> None:
    broker = MockBroker("lines:6")
    cluster = Cluster(tmp_path / "data")
    out = tmp_path / "out"
    try:
        cluster.add_workers(1, slots=2)
        broker.produce("lines", lines(0, BATCH))
        client = cluster.start(SCRIPT, broker.bootstrap, "lines", str(out), str(tmp_path / "checkpoints"))
        job_id = poll("the job submitted", lambda: cluster.job("reactive counts").get("jid"))
        logs = lambda: "".join(cluster.gateway.log[-30:]) + (client.stderr.read() if client.poll() is not None else "")  # noqa: E731

        def parallelism() -> int | None:
            job = cluster.gateway.get(f"/jobs/{job_id}")
            if job["state"] != "RUNNING" or job["pending-reason"] is not None:
                return None
            values = {vertex["parallelism"] for vertex in job["vertices"]}
            return values.pop() if len(values) == 1 else None

        def step(expected_parallelism: int, batches: int) -> None:
            poll(f"the job running at parallelism {expected_parallelism}", lambda: parallelism() == expected_parallelism, logs=logs)
            if batches > 1:
                broker.produce("lines", lines((batches - 1) * BATCH, batches * BATCH))
            poll(f"the committed output of {batches * BATCH} lines", lambda: committed(out) == model(batches * BATCH),
                 logs=lambda: f"{len(committed(out))} lines of {len(model(batches * BATCH))}\n{logs()}")

        step(2, 1)
        cluster.add_workers(1, slots=2)
        step(4, 2)
        cluster.add_workers(1, slots=2)
        step(6, 3)
        victim = cluster.workers[1]
        victim_id = victim.registered_id()
        victim.signal(signal.SIGKILL)
        step(4, 4)

        subtasks = cluster.gateway.get(f"/jobs/{job_id}/vertices/{cluster.gateway.get(f'/jobs/{job_id}')['vertices'][-1]['id']}")["subtasks"]
        assert victim_id not in {s["taskmanager-id"] for s in subtasks}
        # Each change restarted the job from its latest checkpoint: two scale-ups, then the restart after the lost worker (at once at 4).
        log = "".join(cluster.gateway.log)
        assert len(re.findall(r"of job 'reactive counts' ends to rescale it: 2 more slots free", log)) == 2, log
        restored = cluster.gateway.get(f"/jobs/{job_id}/checkpoints")["latest"]["restored"]
        assert Path(restored["external_path"]).parent.name == job_id
        history = cluster.gateway.get(f"/jobs/{job_id}/exceptions")["exceptionHistory"]["entries"]
        # The lost worker's failure (once, or again if a restart raced its removal); rescales are no failures.
        assert history and all(e["restarted"] and "rescal" not in e["exceptionName"] for e in history), history
        status, _ = cluster.gateway.request("PATCH", f"/jobs/{job_id}?mode=cancel")
        assert status == 202
        poll("the job cancelled", lambda: cluster.gateway.get(f"/jobs/{job_id}")["state"] == "CANCELED")
    finally:
        cluster.stop()
        broker.stop()
