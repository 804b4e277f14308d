"""High availability of a cluster's coordinator: `kill -9` of `./pystream gateway --cluster --ha-storage DIR`
while two jobs run on two workers, and a new coordinator on the same storage and gRPC port. The workers
say why the coordinator is away, retry with backoff, register with the new one, and both jobs resume on
them. One took no checkpoints, so it resumes from its start: the first run printed nothing (its map holds
every record until a file exists), so the output of the resumed run is the whole output. The other
(fault_tolerance/exactly_once_job.py) had completed checkpoints when the coordinator died, and its workers
ran on: it resumes from its latest checkpoint, and its exactly-once FileSink's output equals the plain-Python
model of test_fault_tolerance."""

from __future__ import annotations

from pathlib import Path

from cluster_process import Cluster, free_port, listed, poll
from test_cluster import HEARTBEATS
from test_fault_tolerance import JOB, committed
from test_fault_tolerance import expected as exactly_once_model

SCRIPTS = Path(__file__).parent / "scripts"
N = 20_000


def test_workers_come_back_to_a_restarted_coordinator_and_its_stored_job_resumes_on_them(tmp_path: Path) -> None:
    storage = tmp_path / "ha"
    coordinator = f"127.0.0.1:{free_port()}"
    # Both jobs share the two workers (each worker runs subtasks of both), whichever of them is placed first on resume.
    args = (*HEARTBEATS, "--ha-storage", str(storage), "--rpc-port", coordinator.rsplit(":", 1)[1], "-D", "pystream.cluster.shared-workers=true")
    go = tmp_path / "go"
    cluster = Cluster(tmp_path / "first", args=args)
    first = cluster.gateway
    try:
        workers = cluster.add_workers(2, slots=3, coordinator=coordinator)
        client = cluster.start(SCRIPTS / "cluster_failover.py", str(go))
        # The checkpointing job holds its records from N/2 on once a checkpoint completed: the kill comes mid-job, after output was committed.
        held, out, checkpoints = tmp_path / "held", tmp_path / "out", tmp_path / "checkpoints"
        checkpointing = cluster.start(JOB, "--n", str(N), "--out", str(out), "--checkpoints", str(checkpoints), "--parallelism", "2", "--hold", str(held))

        def running_job(name: str) -> str | None:
            jobs = [j for j in first.get("/jobs/overview")["jobs"] if j["name"] == name]
            job = first.get(f"/jobs/{jobs[0]['jid']}") if jobs else {}
            return job["jid"] if job.get("state") == "RUNNING" and job.get("pending-reason") is None else None

        job_id = poll("the job running on the workers", lambda: running_job("cluster failover"))
        checkpointing_id = poll("the checkpointing job running on the workers", lambda: running_job("exactly-once"))
        assert (storage / "jobs" / job_id / "jobspec.pb").is_file()
        pointer = storage / "jobs" / checkpointing_id / "latest-checkpoint"
        poll("a completed checkpoint of the checkpointing job", pointer.exists)
        first.process.kill()
        first.process.wait(30)
        client.wait(60)
        assert client.returncode != 0  # its job's stream broke with the coordinator
        latest = Path(pointer.read_text().strip())
        assert latest.parent == checkpoints / checkpointing_id and (latest / "_metadata").is_file()

        for worker in workers:  # each says why it is away, and keeps trying
            worker.wait_for_log(rf"lost the coordinator at {coordinator}: .*registering again")
            worker.wait_for_log(r"cancelling the shares still running here \(2\): their deployment stream ended")
            worker.wait_for_log(rf"cannot register with the coordinator at {coordinator}: Unavailable: .*attempt 2\b")
        second = cluster.replace_gateway(tmp_path / "second", args)
        poll("both workers registered with the new coordinator", lambda: all(w.log.count("registered with the coordinator") == 2 for w in workers),
             logs=lambda: "".join(w.log for w in workers))
        assert sorted(listed(second)) == sorted(w.registered_id() for w in workers)

        def resumed_running() -> bool:
            status, job = second.request("GET", f"/jobs/{job_id}")
            return status == 200 and job["state"] == "RUNNING" and job["pending-reason"] is None

        poll("the resumed job placed on the workers", resumed_running)
        go.touch()
        held.touch()
        poll("the resumed checkpointing job finished", lambda: second.get(f"/jobs/{checkpointing_id}")["state"] == "FINISHED",
             logs=lambda: "".join(second.log))
        assert committed(out) == exactly_once_model(N)
        restored = second.get(f"/jobs/{checkpointing_id}/checkpoints")["latest"]["restored"]
        assert Path(restored["external_path"]) == latest
        poll("the resumed job finished", lambda: second.get(f"/jobs/{job_id}")["state"] == "FINISHED", logs=lambda: "".join(second.log))
        stdout = second.request("GET", f"/jobs/{job_id}/stdout")[1]
        # Per key k of 0..199 (k = n % 7): the sum and count of its numbers, once.
        expected = sorted(f"{k}: {sum(range(k, 200, 7))} in {len(range(k, 200, 7))}" for k in range(7))
        assert sorted(line.split("> ", 1)[-1] for line in stdout.splitlines()) == expected
        poll("the ended job left the storage", lambda: not (storage / "jobs" / job_id).exists(), timeout_s=30)
        log = second.stop()
        assert f"resumed job 'cluster failover' ({job_id}) from its start (no checkpoint completed)" in log, log
        assert f"resumed job 'exactly-once' ({checkpointing_id}) from {latest}" in log, log
    finally:
        cluster.stop()
