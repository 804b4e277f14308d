"""Checkpoints of jobs on a cluster: the coordinator (`./pystream gateway --cluster`) triggers them, the three
workers' subtasks write their snapshots into the shared checkpoint directory and acknowledge, and a job whose
worker is killed (`kill -9`) restarts from the latest completed checkpoint on the workers that remain.

The job is fault_tolerance/exactly_once_job.py (keyed state, event-time timers, a window, the exactly-once
FileSink), its keyed part at parallelism 3; its expected output is the plain-Python model in test_fault_tolerance,
so a restart that lost or repeated anything shows as a difference.
"""

from __future__ import annotations

import json
import signal
import subprocess
from pathlib import Path
from test_cluster import poll
from test_cluster_jobs import TIMEOUT_S, Cluster, cluster  # noqa: F401 (the module's own gateway and three workers)
from test_fault_tolerance import JOB, committed, expected

N = 40_000


def submit(cluster: Cluster, tmp_path: Path, *extra: str, n: int = N) -> subprocess.Popen:
    return cluster.start(JOB, "--n", str(n), "--out", str(tmp_path / "out"), "--checkpoints", str(tmp_path / "checkpoints"),
                         "--parallelism", "3", *extra)


def succeeds(client: subprocess.Popen) -> None:
    """Waits for the job's client; it must end well."""
    try:
        _, stderr = client.communicate(timeout=TIMEOUT_S)
    finally:
        client.kill()
    assert client.returncode == 0, stderr


def checkpoints_of(cluster: Cluster, name: str) -> dict:
    return cluster.gateway.get(f"/jobs/{cluster.job(name)['jid']}/checkpoints")


def test_a_cluster_job_takes_checkpoints_and_a_savepoint_on_its_workers_and_its_sink_commits_them(cluster: Cluster, tmp_path: Path) -> None:
    client = submit(cluster, tmp_path, "--savepoint", str(tmp_path / "savepoints"))
    try:
        stdout, stderr = client.communicate(timeout=TIMEOUT_S)
    finally:
        client.kill()
    assert client.returncode == 0, stderr
    assert committed(tmp_path / "out") == expected(N)
    savepoint = Path(stdout.strip().splitlines()[-1])
    assert json.loads((savepoint / "_metadata").read_text().rsplit("sha256 ", 1)[0])["kind"] == "Savepoint"
    stats = checkpoints_of(cluster, "exactly-once")
    assert stats["counts"]["completed"] >= 2 and stats["counts"]["failed"] == 0, stats
    assert stats["latest"]["savepoint"]["status"] == "COMPLETED"
    assert stats["counts"]["restored"] == 0


def test_a_cluster_job_stopped_with_a_savepoint_resumes_from_it_with_exactly_once_output(cluster: Cluster, tmp_path: Path) -> None:
    n = 60_000
    savepoints = tmp_path / "savepoints"
    first = submit(cluster, tmp_path, "--stop-with-savepoint", str(savepoints), n=n)
    try:
        stdout, stderr = first.communicate(timeout=TIMEOUT_S)
    finally:
        first.kill()
    assert first.returncode == 0, stderr
    savepoint = Path(stdout.strip().splitlines()[-1])
    assert savepoint.parent == savepoints and (savepoint / "_metadata").is_file()
    stopped = cluster.job("exactly-once")
    assert stopped["state"] == "FINISHED"
    partial = committed(tmp_path / "out")
    assert len(partial) < len(expected(n)), "the job ended before it was stopped"

    succeeds(submit(cluster, tmp_path, "--resume", str(savepoint), n=n))
    assert committed(tmp_path / "out") == expected(n)
    resumed = checkpoints_of(cluster, "exactly-once")
    assert resumed["latest"]["restored"]["external_path"] == str(savepoint)


def test_a_killed_worker_restarts_the_job_from_its_latest_checkpoint_with_exactly_once_output(cluster: Cluster, tmp_path: Path) -> None:
    # Last in this module: it kills a worker of the shared cluster.
    held = tmp_path / "held"
    client = submit(cluster, tmp_path, "--hold", str(held))
    try:
        # The job holds its records from n/2 on once a checkpoint completed: the kill comes mid-job, after output was committed.
        poll("a completed checkpoint", lambda: next((tmp_path / "checkpoints").glob("*/chk-*/_metadata"), None), timeout_s=60)
        job = cluster.job("exactly-once")
        keyed = cluster.gateway.get(f"/jobs/{job['jid']}/vertices/1")["subtasks"]
        victim_id = keyed[1]["taskmanager-id"]
        victim = next(w for w in cluster.workers if w.registered_id() == victim_id)
        victim.signal(signal.SIGKILL)
        poll("the attempt failed", lambda: "was lost" in json.dumps(cluster.gateway.get(f"/jobs/{job['jid']}/exceptions")), timeout_s=30)
        held.touch()
        succeeds(client)
    finally:
        client.kill()
    assert committed(tmp_path / "out") == expected(N)
    stats = checkpoints_of(cluster, "exactly-once")
    assert stats["counts"]["restored"] == 1, stats
    restored = stats["latest"]["restored"]["external_path"]
    assert Path(restored).parent.name == job["jid"] and Path(restored).name.startswith("chk-")
    history = cluster.gateway.get(f"/jobs/{job['jid']}/exceptions")["exceptionHistory"]["entries"]
    assert [e["restarted"] for e in history] == [True]
    assert victim_id not in {s["taskmanager-id"] for s in cluster.gateway.get(f"/jobs/{job['jid']}/vertices/1")["subtasks"]}
