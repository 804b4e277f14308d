"""A slow Python function does not freeze a job: calls are bounded in time (the engine sizes
them by the function's measured cost), so output flows at once and a cancel waits for one
short call, whether the function is chained to its source or runs behind a key_by."""

from __future__ import annotations

import selectors
import signal
import subprocess
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
JOB = Path(__file__).parent / "interrupts" / "slow_job.py"
# Far below the 131 s one call of a whole 65,536-record batch would take at 2 ms per record.
BOUND_S = 60


def first_lines(process: subprocess.Popen, count: int) -> list[str]:
    lines: list[str] = []
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        deadline = time.monotonic() + BOUND_S
        while len(lines) < count and time.monotonic() < deadline and process.poll() is None:
            if selector.select(timeout=deadline - time.monotonic()):
                lines.append(process.stdout.readline().strip())
    return lines


@pytest.mark.parametrize("placement", ["chained", "keyed", "window"])
def test_a_slow_function_streams_its_output_and_a_cancel_stops_it_within_one_short_call(placement: str) -> None:
    process = subprocess.Popen([str(ROOT / "pystream"), "run", str(JOB), placement], cwd=ROOT, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        lines = first_lines(process, 100)
        assert len(lines) == 100, f"only {len(lines)} lines within {BOUND_S} s"
        if placement == "chained":
            assert lines == [str(n) for n in range(100)]  # one source subtask: in order
        else:
            assert all(0 <= int(line) < 1_000_000 for line in lines)
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=BOUND_S)
        assert process.returncode == 130, stderr
    finally:
        process.kill()


def test_a_savepoint_behind_a_slow_keyed_function_completes_within_a_short_wait(tmp_path: Path) -> None:
    # The keyed edge's queues fill with records at once; without debloating a barrier queued
    # behind them waited for all of them (over three minutes here).
    process = subprocess.Popen([str(ROOT / "pystream"), "run", str(JOB), "keyed", str(tmp_path)], cwd=ROOT, text=True,
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert len(first_lines(process, 100)) == 100
        started = time.monotonic()
        process.stdin.write("savepoint\n")
        process.stdin.flush()
        _, stderr = process.communicate(timeout=BOUND_S)
        took = time.monotonic() - started
        assert process.returncode == 0, stderr
        path = Path(next(line for line in stderr.splitlines() if line.startswith("savepoint ")).split(" ", 1)[1])
        assert (path / "_metadata").is_file()
        assert took < 20, f"savepoint and cancel took {took:.1f} s"
    finally:
        process.kill()


def test_a_failure_in_one_subtask_ends_the_job_while_the_other_is_slow() -> None:
    # Record 1,000 reaches its subtask after about a second of 2 ms calls; the other subtask
    # would take over half an hour to read its half of the numbers.
    process = subprocess.Popen([str(ROOT / "pystream"), "run", str(JOB), "failing"], cwd=ROOT, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        started = time.monotonic()
        _, stderr = process.communicate(timeout=BOUND_S)
        assert process.returncode == 1, stderr
        assert "ValueError: record 1000 is bad" in stderr
        assert time.monotonic() - started < 30, "the job took long to fail"
    finally:
        process.kill()
