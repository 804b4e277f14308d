"""High availability of a cluster's coordinator: `kill -9` of `./pystream gateway --cluster --ha-storage DIR`
while its job runs on two workers, and a new coordinator on the same storage and gRPC port. The workers
say why the coordinator is away, retry with backoff, register with the new one, and the job resumes on
them. Cluster jobs take no checkpoints yet, so it resumes from its start: the first run printed nothing
(its map holds every record until a file exists), so the output of the resumed run is the whole output."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from cluster_process import Worker
from gateway_process import ROOT, Gateway
from test_cluster import HEARTBEATS, free_port, listed, poll

SCRIPTS = Path(__file__).parent / "scripts"


def test_workers_come_back_to_a_restarted_coordinator_and_its_stored_job_resumes_on_them(tmp_path: Path) -> None:
    storage = tmp_path / "ha"
    coordinator = f"127.0.0.1:{free_port()}"
    args = (*HEARTBEATS, "--ha-storage", str(storage), "--rpc-port", coordinator.rsplit(":", 1)[1])
    go = tmp_path / "go"
    first = Gateway(tmp_path / "first", args=args)
    second = None
    client = None
    workers: list[Worker] = []
    try:
        workers = [Worker(coordinator, slots=2) for _ in range(2)]
        for worker in workers:
            worker.registered_id()
        client = subprocess.Popen([sys.executable, str(SCRIPTS / "cluster_failover.py"), str(go)], cwd=ROOT, env=first.client_env(),
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

        def running_job() -> str | None:
            jobs = first.get("/jobs/overview")["jobs"]
            job = first.get(f"/jobs/{jobs[0]['jid']}") if jobs else {}
            return job["jid"] if job.get("state") == "RUNNING" and job.get("pending-reason") is None else None

        job_id = poll("the job running on the workers", running_job)
        assert (storage / "jobs" / job_id / "jobspec.pb").is_file()
        first.process.kill()
        first.process.wait(30)
        client.wait(60)
        assert client.returncode != 0  # its job's stream broke with the coordinator

        for worker in workers:  # each says why it is away, and keeps trying
            worker.wait_for_log(rf"lost the coordinator at {coordinator}: .*registering again")
            worker.wait_for_log(r"cancelling the shares still running here \(1\): their deployment stream ended")
            worker.wait_for_log(rf"cannot register with the coordinator at {coordinator}: Unavailable: .*attempt 2\b")
        second = Gateway(tmp_path / "second", args=args)
        poll("both workers registered with the new coordinator", lambda: all(w.log.count("registered with the coordinator") == 2 for w in workers),
             logs=lambda: "".join(w.log for w in workers))
        assert sorted(listed(second)) == sorted(w.registered_id() for w in workers)

        def resumed_running() -> bool:
            status, job = second.request("GET", f"/jobs/{job_id}")
            return status == 200 and job["state"] == "RUNNING" and job["pending-reason"] is None

        poll("the resumed job placed on the workers", resumed_running)
        go.touch()
        poll("the resumed job finished", lambda: second.get(f"/jobs/{job_id}")["state"] == "FINISHED", logs=lambda: "".join(second.log))
        stdout = second.request("GET", f"/jobs/{job_id}/stdout")[1]
        # Per key k of 0..199 (k = n % 7): the sum and count of its numbers, once.
        expected = sorted(f"{k}: {sum(range(k, 200, 7))} in {len(range(k, 200, 7))}" for k in range(7))
        assert sorted(line.split("> ", 1)[-1] for line in stdout.splitlines()) == expected
        poll("the ended job left the storage", lambda: not (storage / "jobs" / job_id).exists(), timeout_s=30)
        log = second.stop()
        assert f"resumed job 'cluster failover' ({job_id}) from its start (no checkpoint completed)" in log, log
    finally:
        if client is not None and client.poll() is None:
            client.kill()
            client.wait()
        for worker in workers:
            worker.stop()
        first.stop()
        if second is not None:
            second.stop()
