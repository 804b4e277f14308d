"""High availability of the coordinator: `kill -9` of a gateway in the middle of a job, and a new
gateway on the same storage (`--ha-storage`) resumes the job from its latest checkpoint; two
gateways electing their leader with a Lease on a fake Kubernetes API server (fake_kubernetes.py).

Real gateway processes on loopback. The job is fault_tolerance/exactly_once_job.py (keyed state,
event-time timers, a window, the exactly-once FileSink); its expected output comes from the
plain-Python model in test_fault_tolerance, so the resumed run must write every line exactly once.
"""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

from fake_kubernetes import FakeKubernetes
from gateway_process import ROOT, Gateway
from test_fault_tolerance import JOB, committed, expected

N = 200_000
DEADLINE_S = 180


def poll(condition, what: str, timeout_s: float = DEADLINE_S, alive: subprocess.Popen | None = None):
    """The first true value of ``condition()`` within the deadline (fails if ``alive`` ends first)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        assert alive is None or alive.poll() is None, f"ended while waiting for {what}: {alive.stderr.read() if alive.stderr else ''}"
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def submit(gateway: Gateway, tmp_path: Path, n: int = N) -> subprocess.Popen:
    """``python exactly_once_job.py`` against the gateway, writing to tmp_path/out."""
    return subprocess.Popen([str(ROOT / ".venv" / "bin" / "python"), str(JOB), "--n", str(n), "--out", str(tmp_path / "out"),
                             "--checkpoints", str(tmp_path / "checkpoints")],
                            cwd=ROOT, env=gateway.client_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def state_on(gateway: Gateway, job_id: str) -> str | None:
    """The job's state on that gateway, None while it does not know the job."""
    status, answer = gateway.request("GET", f"/jobs/{job_id}")
    return answer["state"] if status == 200 else None


def ended_on(gateway: Gateway, job_id: str) -> str:
    return poll(lambda: (lambda s: s if s in ("FINISHED", "FAILED", "CANCELED") else None)(state_on(gateway, job_id)),
                f"job {job_id} to end on {gateway.url}")


def test_a_new_gateway_on_the_same_storage_resumes_a_job_after_kill_9(tmp_path: Path) -> None:
    storage = tmp_path / "ha"
    out = tmp_path / "out"
    first = Gateway(tmp_path / "first", args=("--ha-storage", str(storage)))
    second = None
    client = None
    try:
        client = submit(first, tmp_path)
        pointer = poll(lambda: next(storage.glob("jobs/*/latest-checkpoint"), None), "a checkpoint recorded in the storage", alive=client)
        job_id = pointer.parent.name
        assert (pointer.parent / "jobspec.pb").is_file()
        first.process.kill()
        first.process.wait(30)
        client.wait(30)  # its job's stream broke with the gateway
        assert client.returncode != 0
        resumes_from = pointer.read_text()
        assert Path(resumes_from, "_metadata").is_file()
        partial = committed(out)
        assert len(partial) < len(expected(N)), "the job ended before its gateway was killed"

        corrupt = storage / "jobs" / ("0" * 32)
        corrupt.mkdir()
        (corrupt / "jobspec.pb").write_bytes(b"\xff\x00 not a JobSpec")

        second = Gateway(tmp_path / "second", args=("--ha-storage", str(storage)))
        assert second.request("GET", "/readyz", token=None) == (200, {"leader": True})
        assert state_on(second, job_id) is not None, "resumed before the gateway serves"
        assert ended_on(second, job_id) == "FINISHED", "".join(second.log)
        assert committed(out) == expected(N)
        poll(lambda: not (storage / "jobs" / job_id).exists(), "the ended job to leave the storage", timeout_s=30)
        log = second.stop()
        assert f"resumed job 'exactly-once' ({job_id}) from {resumes_from}" in log, log
        assert f"skipped the stored job '{corrupt}'" in log, log
        assert corrupt.exists(), "a corrupt entry is left for an operator to look at"
    finally:
        if client is not None and client.poll() is None:
            client.kill()
            client.wait()
        first.stop()
        if second is not None:
            second.stop()


def test_the_standby_leads_once_the_leader_lost_its_lease_and_resumes_the_suspended_job(tmp_path: Path) -> None:
    kubernetes = FakeKubernetes()
    storage = tmp_path / "ha"
    env = {"KUBECONFIG": str(kubernetes.kubeconfig(tmp_path / "kubeconfig"))}
    # The Lease is the subject: one process each (the kill -9 resume above runs on local workers, the default).
    args = ("--local-workers", "off", "--ha", "kubernetes", "--ha-storage", str(storage), "--kubernetes-namespace", "streams",
            "--lease-duration", "2 s", "--renew-deadline", "2 s", "--retry-period", "100 ms")
    leader = Gateway(tmp_path / "a", env=env, args=args)
    standby = None
    client = None
    try:
        poll(lambda: leader.request("GET", "/readyz", token=None)[0] == 200, "the first gateway to lead", timeout_s=30)
        standby = Gateway(tmp_path / "b", env=env, args=args)
        assert standby.request("GET", "/readyz", token=None) == (503, {"leader": False})
        refused = submit(standby, tmp_path / "refused", n=10)
        assert refused.wait(60) != 0 and "standby coordinator" in refused.stderr.read()

        client = submit(leader, tmp_path)
        pointer = poll(lambda: next(storage.glob("jobs/*/latest-checkpoint"), None), "a checkpoint recorded in the storage", alive=client)
        job_id = pointer.parent.name

        # Another coordinator holds the Lease now: the leader stops its job and keeps it stored.
        kubernetes.take_over("intruder")
        poll(lambda: state_on(leader, job_id) == "SUSPENDED", "the leader to suspend its job", timeout_s=60)
        assert leader.request("GET", "/readyz", token=None)[0] == 503
        client.wait(30)
        assert client.returncode != 0 and "the job was suspended" in client.stderr.read()
        resumes_from = pointer.read_text()
        assert Path(resumes_from, "_metadata").is_file(), "its checkpoints are kept for the next leader"
        leader.process.kill()
        leader.process.wait(30)
        assert len(committed(tmp_path / "out")) < len(expected(N)), "the job ended before it was suspended"

        kubernetes.release()
        assert ended_on(standby, job_id) == "FINISHED", "".join(standby.log)
        assert committed(tmp_path / "out") == expected(N)
        assert standby.request("GET", "/readyz", token=None) == (200, {"leader": True})
        assert kubernetes.holder() not in (None, "intruder")
        log = standby.stop()
        assert f"resumed job 'exactly-once' ({job_id}) from {resumes_from}" in log, log
        assert "another coordinator holds the lease" in leader.stop()
    finally:
        for process in (client,):
            if process is not None and process.poll() is None:
                process.kill()
                process.wait()
        leader.stop()
        if standby is not None:
            standby.stop()
        kubernetes.stop()


def test_a_gateway_that_finds_no_kubernetes_api_says_so_and_exits(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text("clusters: [\n")
    for kubeconfig, reason in ((tmp_path / "missing.yaml", "kubeconfig file not found"), (tmp_path / "bad.yaml", "did not find expected node")):
        result = subprocess.run([str(ROOT / "pystream"), "gateway", "--port", "0", "--rpc-port", "0", "--data", str(tmp_path / "data"),
                                 "--ha", "kubernetes", "--ha-storage", str(tmp_path / "ha")],
                                cwd=ROOT, env=dict(os.environ, KUBECONFIG=str(kubeconfig)), capture_output=True, text=True, timeout=120)
        assert result.returncode == 2, result.stderr
        assert "pystream gateway: --ha kubernetes finds no Kubernetes API: " in result.stderr and reason in result.stderr
        assert "Unhandled exception" not in result.stderr
