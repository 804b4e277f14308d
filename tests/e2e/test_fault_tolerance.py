"""Fault tolerance end to end: failures, kill -9, savepoints and rescaling, compared with a failure-free result.

The job (fault_tolerance/exactly_once_job.py) writes through the exactly-once FileSink, so
the committed part files must hold every expected line exactly once, whatever happened.
"""

from __future__ import annotations

import collections
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
JOB = Path(__file__).parent / "fault_tolerance" / "exactly_once_job.py"
KEYS = 37
TIMEOUT_S = 180
N = 250_000  # records per run: a run takes a few seconds, checkpoints every 100 ms complete many times in it


def expected(n: int) -> list[str]:
    """What the job writes for numbers 0..n-1 when nothing goes wrong."""
    lines = []
    totals: collections.Counter = collections.Counter()
    spans: collections.Counter = collections.Counter()
    windows: collections.Counter = collections.Counter()
    for v in range(n):
        key = v % KEYS
        totals[key] += v
        lines.append(f"sum,{key},{v},{totals[key]}")
        spans[(key, (v // 1000 + 1) * 1000 - 1)] += 1
        windows[(key, v // 5000)] += v
    lines += [f"span,{key},{end},{count}" for (key, end), count in spans.items()]
    lines += [f"window,{key},{total}" for (key, _), total in windows.items()]
    return sorted(lines)


def committed(out: Path) -> list[str]:
    """Lines of the finished part files (hidden in-progress and pending files are not output)."""
    return sorted(line for part in out.glob("*/part-*") for line in part.read_text().splitlines())


def job(tmp_path: Path, n: int, *extra: str, savepoint: str | None = None, allow_non_restored: bool = False) -> list[str]:
    command = [str(ROOT / "pystream"), "run"]
    if savepoint:
        command += ["-s", savepoint]
    if allow_non_restored:
        command.append("-n")
    return command + [str(JOB), "--n", str(n), "--out", str(tmp_path / "out"), "--checkpoints", str(tmp_path / "checkpoints"), *extra]


def run(command: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=TIMEOUT_S)


@pytest.mark.parametrize("backend, mode", [
    ("hashmap", "EXACTLY_ONCE"), ("rocksdb", "EXACTLY_ONCE"), ("rocksdb-incremental", "EXACTLY_ONCE"), ("hashmap", "AT_LEAST_ONCE"),
])
def test_a_failed_job_restarts_from_its_checkpoint_and_writes_everything_once(tmp_path: Path, backend: str, mode: str) -> None:
    """At-least-once is exactly-once here too: each task reads a single channel, so there is nothing to align."""
    n = N
    result = run(job(tmp_path, n, "--backend", backend, "--mode", mode, "--fail-once", str(tmp_path / "failed")))
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "failed").exists(), "no checkpoint completed before the input ended, so nothing failed"
    assert "failed and restarts in 0 ms" in result.stderr and "RuntimeError: injected failure" in result.stderr
    assert committed(tmp_path / "out") == expected(n)
    assert not list((tmp_path / "out").glob("*/.part-*")), "uncommitted part files left behind"


@pytest.mark.parametrize("source, when", [("files", "after"), ("collection", "after"), ("numbers", "before"), ("numbers", "during")])
def test_sources_replay_from_their_position_and_failures_before_or_during_a_checkpoint(tmp_path: Path, source: str, when: str) -> None:
    n = N
    result = run(job(tmp_path, n, "--source", source, "--fail-once", str(tmp_path / "failed"), "--fail-when", when))
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "failed").exists() and "failed and restarts in 0 ms" in result.stderr
    assert committed(tmp_path / "out") == expected(n)


@pytest.mark.parametrize("before, after", [(1, 1), (2, 3)])
def test_kill_9_then_resume_from_the_latest_retained_checkpoint(tmp_path: Path, before: int, after: int) -> None:
    """Incremental RocksDB state, restored as it is (1 -> 1) or split by key groups (2 -> 3)."""
    n = N
    # Held from record n/2 on (once a checkpoint completed) until killed: the job cannot end first.
    first = subprocess.Popen(job(tmp_path, n, "--backend", "rocksdb-incremental", "--parallelism", str(before), "--hold", str(tmp_path / "never")),
                             cwd=ROOT,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        wait_for_checkpoint(tmp_path / "checkpoints", first)
        os.killpg(first.pid, signal.SIGKILL)
    finally:
        first.wait(TIMEOUT_S)
    assert first.returncode == -signal.SIGKILL
    partial = committed(tmp_path / "out")
    assert len(partial) < len(expected(n)), "the job ended before it was killed"

    resumed = run(job(tmp_path, n, "--backend", "rocksdb-incremental", "--parallelism", str(after), savepoint=str(tmp_path / "checkpoints")))
    assert resumed.returncode == 0, resumed.stderr
    assert committed(tmp_path / "out") == expected(n)


def test_corrupt_latest_checkpoint_falls_back_to_an_older_one(tmp_path: Path) -> None:
    n = N
    first = subprocess.Popen(job(tmp_path, n, "--retained", "3", "--interval", "50"), cwd=ROOT,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        wait_for_checkpoint(tmp_path / "checkpoints", first, count=2)
        os.killpg(first.pid, signal.SIGKILL)
    finally:
        first.wait(TIMEOUT_S)
    checkpoints = sorted(completed_checkpoints(tmp_path / "checkpoints"), key=lambda p: int(p.name[4:]))
    newest = checkpoints[-1]
    victim = next(newest.glob("*.op"))
    victim.write_bytes(victim.read_bytes()[:-3])

    resumed = run(job(tmp_path, n, savepoint=str(newest)))
    assert resumed.returncode == 0, resumed.stderr
    assert f"checkpoint '{newest}' cannot be restored: file '{victim.name}' has" in resumed.stderr
    # The fallback is not silent: it names the checkpoint it restored from, the next older one.
    older = checkpoints[-2]
    assert f"restoring from the older checkpoint '{older}' (id {older.name[4:]}) instead of the corrupt '{newest}'" in resumed.stderr
    # Output that the corrupt checkpoint had committed is written again; nothing is lost.
    assert set(committed(tmp_path / "out")) == set(expected(n))


def test_savepoints_rescale_keyed_state_and_timers_1_to_3_to_2(tmp_path: Path) -> None:
    n = N
    savepoint = None
    for parallelism in (1, 3):
        result = run(job(tmp_path, n, "--parallelism", str(parallelism), "--stop-with-savepoint", str(tmp_path / "savepoints"),
                         savepoint=savepoint))
        assert result.returncode == 0, result.stderr
        savepoint = result.stdout.strip().splitlines()[-1]
        assert Path(savepoint, "_metadata").exists()
        assert len(committed(tmp_path / "out")) < len(expected(n)), "the job ended before its savepoint"
    final = run(job(tmp_path, n, "--parallelism", "2", savepoint=savepoint))
    assert final.returncode == 0, final.stderr
    assert committed(tmp_path / "out") == expected(n)


def test_a_savepoint_of_a_running_job_commits_nothing_and_resumes_from_its_position(tmp_path: Path) -> None:
    n = N
    first = run(job(tmp_path, n, "--savepoint", str(tmp_path / "savepoints")))
    assert first.returncode == 0, first.stderr
    savepoint = first.stdout.strip().splitlines()[-1]
    assert committed(tmp_path / "out") == expected(n)  # the job ran on to its end

    resumed = run(job(tmp_path / "again", n, savepoint=savepoint))
    assert resumed.returncode == 0, resumed.stderr
    again = committed(tmp_path / "again" / "out")
    assert 0 < len(again) < len(expected(n))
    assert set(again) <= set(expected(n)) and f"sum,{(n - 1) % KEYS},{n - 1}," in "\n".join(again)


def test_a_savepoint_of_another_job_is_refused_naming_the_uids(tmp_path: Path) -> None:
    n = N
    taken = run(job(tmp_path, n, "--stop-with-savepoint", str(tmp_path / "savepoints")))
    assert taken.returncode == 0, taken.stderr
    savepoint = taken.stdout.strip().splitlines()[-1]

    refused = run(job(tmp_path, n, "--sum-uid", "renamed", savepoint=savepoint))
    assert refused.returncode == 1
    assert "holds state of operators this job does not have (uids: sum-and-count)" in refused.stderr
    assert "Traceback" not in refused.stderr

    allowed = run(job(tmp_path, 1000, "--sum-uid", "renamed", savepoint=savepoint, allow_non_restored=True))
    assert allowed.returncode == 0, allowed.stderr


def test_a_truncated_savepoint_is_reported_clearly(tmp_path: Path) -> None:
    taken = run(job(tmp_path, N, "--stop-with-savepoint", str(tmp_path / "savepoints")))
    assert taken.returncode == 0, taken.stderr
    savepoint = Path(taken.stdout.strip().splitlines()[-1])
    metadata = savepoint / "_metadata"
    metadata.write_text(metadata.read_text()[:-20])

    result = run(job(tmp_path, 1000, savepoint=str(savepoint)))
    assert result.returncode == 1
    assert f"checkpoint '{savepoint}' cannot be restored: _metadata" in result.stderr
    assert "Traceback" not in result.stderr


def test_collected_results_arrive_exactly_once_across_a_restart(tmp_path: Path) -> None:
    n = N
    script = Path(__file__).parent / "fault_tolerance" / "collect_job.py"
    result = run([str(ROOT / "pystream"), "run", str(script), str(n), str(tmp_path / "checkpoints"), str(tmp_path / "failed")])
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "failed").exists(), "no checkpoint completed before the input ended, so nothing failed"
    totals: collections.Counter = collections.Counter()
    running = 0
    for v in range(n):
        totals[v % 10] += v
        running += totals[v % 10]
    assert result.stdout.split() == [str(n), str(running)]


def completed_checkpoints(root: Path) -> list[Path]:
    return [metadata.parent for metadata in root.glob("*/chk-*/_metadata")]


def wait_for_checkpoint(root: Path, process: subprocess.Popen, count: int = 1) -> None:
    """Blocks until the running job has completed checkpoints (bounded; fails if the job ends first).
    Counts every checkpoint seen, since older ones are removed as newer ones complete."""
    seen: set[str] = set()
    for _ in range(1200):
        seen |= {p.name for p in completed_checkpoints(root)}
        if len(seen) >= count or process.poll() is not None:
            break
        try:
            process.wait(0.05)
        except subprocess.TimeoutExpired:
            pass
    assert process.poll() is None, f"the job ended before {count} checkpoint(s) completed: {process.stderr.read()}"


def test_broadcast_state_reaches_every_subtask_after_a_rescale(tmp_path: Path) -> None:
    script = Path(__file__).parent / "fault_tolerance" / "broadcast_job.py"
    n = 3_000_000

    def broadcast_job(out: str, *extra: str, savepoint: str | None = None) -> list[str]:
        restore = ["-s", savepoint] if savepoint else []
        return [str(ROOT / "pystream"), "run", *restore, str(script), "--n", str(n), "--out", str(tmp_path / out),
                "--checkpoints", str(tmp_path / "checkpoints"), *extra]

    first = run(broadcast_job("first", "--stop-with-savepoint", str(tmp_path / "savepoints")))
    assert first.returncode == 0, first.stderr
    second = run(broadcast_job("second", "--parallelism", "3", savepoint=first.stdout.strip().splitlines()[-1]))
    assert second.returncode == 0, second.stderr

    before, after = committed(tmp_path / "first"), committed(tmp_path / "second")
    assert len(before) + len(after) == n and after
    assert all(line.endswith(",3") for line in after), [line for line in after if not line.endswith(",3")][:3]
