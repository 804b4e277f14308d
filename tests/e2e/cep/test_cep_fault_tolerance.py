"""A CEP job killed with kill -9 mid-pattern resumes from its checkpoint, rescaled 2 -> 3, with the same matches."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT / "tests" / "e2e"))
from test_fault_tolerance import wait_for_checkpoint  # noqa: E402

JOB = Path(__file__).parent / "cep_fault_tolerance_job.py"
KEYS = 7
TIMEOUT_S = 180


def expected(n: int, strict: bool) -> list[str]:
    """Per key k the j-th number is k + 7j, of kind "abxc"[j % 4]; a relaxed a -> b -> c takes
    the first b after each a and the first c after that b: (4m, 4m+1, 4m+3) per key; a strict
    b -> x -> c takes three numbers in a row: (4m+1, 4m+2, 4m+3)."""
    offsets = (1, 2, 3) if strict else (0, 1, 3)
    rows = []
    for k in range(KEYS):
        m = 0
        while (c := k + KEYS * (4 * m + 3)) < n:
            rows.append(",".join(str(x) for x in (k, *(k + KEYS * (4 * m + o) for o in offsets))))
            m += 1
    return sorted(rows)


def committed(out: Path) -> list[str]:
    return sorted(line for part in out.glob("**/part-*") for line in part.read_text().splitlines())


def command(tmp_path: Path, n: int, backend: str, parallelism: int, strict: bool, resume: bool = False) -> list[str]:
    run = [str(ROOT / "pystream"), "run"] + (["-s", str(tmp_path / "checkpoints")] if resume else [])
    return run + [str(JOB), "--n", str(n), "--out", str(tmp_path / "out"), "--checkpoints", str(tmp_path / "checkpoints"),
                  "--backend", backend, "--parallelism", str(parallelism)] + ([] if resume else ["--throttle"]) + (
                      ["--strict"] if strict else [])


@pytest.mark.parametrize(("backend", "strict"), [("hashmap", False), ("rocksdb", False), ("rocksdb", True)])
def test_a_killed_cep_job_resumes_rescaled_with_every_match_once(tmp_path: Path, backend: str, strict: bool) -> None:
    n = 2_000_000
    want = expected(n, strict)
    first = subprocess.Popen(command(tmp_path, n, backend, 2, strict), cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True, start_new_session=True)
    try:
        wait_for_checkpoint(tmp_path / "checkpoints", first, count=2)
        os.killpg(first.pid, signal.SIGKILL)
    finally:
        first.wait(TIMEOUT_S)
    assert first.returncode == -signal.SIGKILL
    assert len(committed(tmp_path / "out")) < len(want), "the job ended before it was killed"

    resumed = subprocess.run(command(tmp_path, n, backend, 3, strict, resume=True), cwd=ROOT, capture_output=True, text=True,
                             timeout=TIMEOUT_S)
    assert resumed.returncode == 0, resumed.stderr
    assert committed(tmp_path / "out") == want
