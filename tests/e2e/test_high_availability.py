"""High availability of the coordinator: `kill -9` of a gateway in the middle of a job, and a new
gateway on the same storage (`--ha-storage`) resumes the job from its latest checkpoint.

Real gateway processes on loopback. The job is fault_tolerance/exactly_once_job.py (keyed state,
event-time timers, a window, the exactly-once FileSink); its expected output comes from the
plain-Python model in test_fault_tolerance, so the resumed run must write every line exactly once.
"""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

from gateway_process import ROOT, Gateway
from test_fault_tolerance import JOB, committed, expected

N = 400_000
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


def test_a_new_gateway_on_the_same_storage_resumes_a_job_after_kill_9(tmp_path: Path) -> None:
    storage = tmp_path / "ha"
    out = tmp_path / "out"
    first = Gateway(tmp_path / "first", args=("--ha-storage", str(storage)))
    second = None
    client = None
    try:
        client = subprocess.Popen([str(ROOT / ".venv" / "bin" / "python"), str(JOB), "--n", str(N), "--out", str(out),
                                   "--checkpoints", str(tmp_path / "checkpoints")],
                                  cwd=ROOT, env=first.client_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
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
        state = poll(lambda: (lambda s: s if s in ("FINISHED", "FAILED", "CANCELED") else None)(second.get(f"/jobs/{job_id}")["state"]),
                     f"job {job_id} to end on the second gateway")
        assert state == "FINISHED", "".join(second.log)
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
