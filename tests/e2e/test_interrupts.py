"""Ctrl-C and SIGTERM on `./pystream run`: the first cancels the job and the host exits once it
stopped (128 + the signal's number); a second one exits at once, even when a user function
never returns."""

from __future__ import annotations

import signal
import subprocess
import threading
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
JOB = Path(__file__).parent / "interrupts" / "endless_job.py"
BOUND_S = 120
_running: list[subprocess.Popen] = []


@pytest.fixture(autouse=True)
def _no_host_outlives_its_test():
    """A test that fails while its job still runs must not leave the host running (or the next test waiting on it)."""
    yield
    while _running:
        process = _running.pop()
        if process.poll() is None:
            process.kill()
            process.wait(BOUND_S)


def next_line(stream, deadline: float) -> str | None:
    """The stream's next line, or None once the deadline passed: the test never waits past it (the read goes
    on in its thread until the process is killed, which ends the stream)."""
    line: list[str] = []
    reader = threading.Thread(target=lambda: line.append(stream.readline()), daemon=True)
    reader.start()
    reader.join(max(0.0, deadline - time.monotonic()))
    return line[0] if line else None


def started(mode: str, *options: str) -> subprocess.Popen:
    """The job, once its first record went through its map (it printed "started")."""
    process = subprocess.Popen([str(ROOT / "pystream"), "run", *options, str(JOB), mode], cwd=ROOT, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _running.append(process)
    deadline = time.monotonic() + BOUND_S
    while (line := next_line(process.stdout, deadline)) is not None:
        if line.strip() == "started":
            return process
        if process.poll() is not None:
            break
    process.kill()
    pytest.fail(f"the job did not start: {process.stderr.read()}")


@pytest.mark.parametrize("sent, name, code", [(signal.SIGINT, "Ctrl-C", 130), (signal.SIGTERM, "SIGTERM", 143)])
def test_a_signal_cancels_the_job_and_the_host_exits_as_shells_report_it(sent: signal.Signals, name: str, code: int) -> None:
    process = started("endless")
    process.send_signal(sent)
    _, stderr = process.communicate(timeout=BOUND_S)
    assert process.returncode == code, stderr
    assert f"pystream: {name}: cancelling the running jobs" in stderr
    assert "pystream: the jobs are cancelled" in stderr


def test_a_second_ctrl_c_exits_at_once_while_a_function_never_returns() -> None:
    process = started("stuck")
    process.send_signal(signal.SIGINT)
    deadline = time.monotonic() + BOUND_S  # bounded: the host says it handled the first Ctrl-C before the second is sent
    while (line := next_line(process.stderr, deadline)) and "cancelling the running jobs" not in line:
        pass
    assert line, "the first Ctrl-C was not acknowledged"
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=BOUND_S)
    assert process.returncode == 130, stderr
    assert "pystream: Ctrl-C again: exiting at once" in stderr


def test_ctrl_c_interrupts_a_function_busy_in_python() -> None:
    process = started("spinning")
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=BOUND_S)
    assert process.returncode == 130, stderr
    assert "pystream: the jobs are cancelled" in stderr
    assert "exiting at once" not in stderr  # one Ctrl-C was enough


def resident_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


def test_an_endless_generator_streams_in_bounded_memory_and_ctrl_c_stops_it() -> None:
    # Before, a flat_map's whole output was built before any of it left: no output ever, and
    # memory grew by about 400 MB/s.
    process = started("generator")
    progress: list[str] = []
    deadline = time.monotonic() + BOUND_S
    while len(progress) < 4 and process.poll() is None and (line := next_line(process.stdout, deadline)) is not None:
        progress.append(line.strip())
    assert progress == ["0", "1000000", "2000000", "3000000"]
    resident = resident_mib(process.pid)  # ./pystream run execs the engine's host
    assert resident < 1024, f"{resident:.0f} MiB after three million records"
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=BOUND_S)
    assert process.returncode == 130, stderr



def test_asked_for_a_savepoint_ctrl_c_stops_the_job_with_one(tmp_path: Path) -> None:
    process = started("endless", "--savepoint-on-interrupt", str(tmp_path))
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=BOUND_S)
    assert process.returncode == 130, stderr
    assert f"pystream: Ctrl-C: stopping the running jobs with a savepoint in {tmp_path}" in stderr
    said = next(line for line in stderr.splitlines() if "stopped with savepoint" in line)
    savepoint = Path(said.rsplit(" ", 1)[1])
    assert savepoint.parent == tmp_path and (savepoint / "_metadata").is_file()
