"""End-to-end: an uploaded script runs in a process of its own, never in the gateway (issue 16).

A hostile or careless upload (``os._exit``, monkeypatching the API, an endless loop) costs only
its own process, while another job keeps producing output and completing checkpoints.
"""

from __future__ import annotations

import os
import subprocess
import threading
import time
import urllib.request
from pathlib import Path
from typing import Callable, Iterator

import pytest

from gateway_process import ROOT, Gateway, multipart
from test_gateway import RUNNING_JOB

SCRIPTS = Path(__file__).parent / "scripts"
EXPECTED = Path(__file__).parent / "expected"
PYTHON = str(ROOT / ".venv" / "bin" / "python")
DEADLINE_S = 60

# test_gateway's job that runs until cancelled, printing now and then (about 5 lines a second), as an upload.
TICKING_JOB = RUNNING_JOB.replace("total < 0", "total % 65537 == 0").replace("sys.argv[1]", "'ticking'")
assert "65537" in TICKING_JOB and "'ticking'" in TICKING_JOB

# Every map of every job would turn its records into -1, in a shared interpreter.
MONKEYPATCHING = """
from pyflink.common import Types
from pyflink.datastream import DataStream, StreamExecutionEnvironment

original_map = DataStream.map
DataStream.map = lambda self, func, output_type=None: original_map(self, lambda _: -1, Types.INT())

env = StreamExecutionEnvironment.get_execution_environment()
env.set_parallelism(1)
env.from_collection([1, 2, 3], Types.INT()).map(lambda x: x * 10, Types.INT()).print()
env.execute("patched")
"""

ENDLESS = "print('looping', flush=True)\nwhile True:\n    pass\n"


@pytest.fixture(scope="module")
def gateway(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Gateway]:
    # An upload's own process is the subject, not where its jobs' functions run: one process starts each job faster.
    gateway = Gateway(tmp_path_factory.mktemp("gateway"), args=("--local-workers", "off"))
    yield gateway
    gateway.stop()


def upload(gateway: Gateway, name: str, content: bytes) -> tuple[int, dict]:
    body, headers = multipart("script", name, content)
    return gateway.request("POST", "/jobs/submit", body, headers)


def wait_for(what: str, probe: Callable[[], object]) -> object:
    """Polls ``probe`` until it answers something truthy; fails after the deadline."""
    deadline = time.monotonic() + DEADLINE_S
    while time.monotonic() < deadline:
        answer = probe()
        if answer:
            return answer
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def text(gateway: Gateway, path: str) -> str:
    """A plain-text resource (a job's stdout or log), never read as JSON."""
    with urllib.request.urlopen(gateway.url + path, timeout=DEADLINE_S) as response:
        return response.read().decode()


def progress(gateway: Gateway, job_id: str) -> tuple[int, int]:
    """The job's printed lines and completed checkpoints so far."""
    lines = len(text(gateway, f"/jobs/{job_id}/stdout").splitlines())
    return lines, gateway.get(f"/jobs/{job_id}/checkpoints")["counts"]["completed"]


def upload_in_background(gateway: Gateway, name: str, content: bytes) -> tuple[threading.Thread, list]:
    """POST /jobs/submit on a thread (it answers once the script started a job or ended); ``answer``
    gets the answer, or the error of a call cut short (its gateway stopped)."""
    answer: list = []

    def call() -> None:
        try:
            answer.append(upload(gateway, name, content))
        except OSError as error:
            answer.append(error)

    thread = threading.Thread(target=call, daemon=True)
    thread.start()
    return thread, answer


def running_upload(gateway: Gateway, name: str) -> dict:
    """The upload of ``name`` once its process runs."""
    def probe():
        return next((u for u in gateway.get("/jobs/uploads")["uploads"]
                     if u["name"] == name and u["state"] == "RUNNING" and u["pid"]), None)
    return wait_for(f"{name} to run", probe)


def process_gone(pid: int) -> bool:
    """No such process, or only its zombie (an orphan here may wait for a reaper that never comes)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return True
    return stat.rsplit(")", 1)[1].split()[0] == "Z"


def test_an_upload_that_calls_os_exit_fails_alone_while_another_job_goes_on(gateway: Gateway) -> None:
    status, answer = upload(gateway, "ticking.py", TICKING_JOB.encode())
    assert status == 200, answer
    [ticking] = answer["jobs"]
    try:
        before = wait_for("output and a checkpoint", lambda: (p := progress(gateway, ticking))[0] > 0 and p[1] > 0 and p)

        status, answer = upload(gateway, "exits.py", b"import os\nprint('about to exit', flush=True)\nos._exit(1)\n")
        assert status == 400, answer
        assert answer["errors"][0] == "exits.py failed before it started a job"
        assert "about to exit" in answer["errors"][1]
        assert "exited with status 1 before it started a job" in answer["errors"][1]

        after = wait_for("more output and checkpoints", lambda: (p := progress(gateway, ticking))[0] > before[0]
                         and p[1] > before[1] and p)
        assert after > before
        assert gateway.get(f"/jobs/{ticking}")["state"] == "RUNNING"
        exited = next(u for u in gateway.get("/jobs/uploads")["uploads"] if u["name"] == "exits.py")
        assert (exited["state"], exited["exit-code"], exited["jobs"]) == ("FAILED", 1, [])
    finally:
        gateway.request("PATCH", f"/jobs/{ticking}?mode=cancel")


def test_an_upload_that_monkeypatches_the_api_does_not_change_the_next_uploads_job(gateway: Gateway) -> None:
    status, answer = upload(gateway, "patches.py", MONKEYPATCHING.encode())
    assert status == 200, answer
    [patched] = answer["jobs"]
    wait_for("the patched job to finish", lambda: gateway.get(f"/jobs/{patched}")["state"] == "FINISHED")
    assert text(gateway, f"/jobs/{patched}/stdout").splitlines() == ["-1", "-1", "-1"]  # the patch took, in its own process

    status, answer = upload(gateway, "parallel.py", (SCRIPTS / "parallel.py").read_bytes())
    assert status == 200, answer
    [job] = answer["jobs"]
    wait_for("parallel.py's job to finish", lambda: gateway.get(f"/jobs/{job}")["state"] == "FINISHED")
    expected = (EXPECTED / "parallel.txt").read_text().splitlines()
    assert sorted(text(gateway, f"/jobs/{job}/stdout").splitlines()) == sorted(expected)


def test_an_endless_top_level_loop_is_listed_and_cancelled_and_its_process_is_gone(gateway: Gateway) -> None:
    thread, answer = upload_in_background(gateway, "endless.py", ENDLESS.encode())
    looping = running_upload(gateway, "endless.py")
    assert looping["jobs"] == [] and not process_gone(looping["pid"])
    wait_for("its first line", lambda: "looping" in gateway.get(f"/jobs/uploads/{looping['id']}")["output"])

    status, _ = gateway.request("PATCH", f"/jobs/uploads/{looping['id']}?mode=cancel")
    assert status == 202
    thread.join(DEADLINE_S)
    [(status, refused)] = answer  # the waiting submit answers as soon as the script ended
    assert status == 400 and refused["errors"][0] == "endless.py failed before it started a job"
    assert "endless.py was cancelled" in refused["errors"][1]
    cancelled = gateway.get(f"/jobs/uploads/{looping['id']}")
    assert cancelled["state"] == "CANCELED" and cancelled["error"] == "was cancelled"
    assert process_gone(looping["pid"])

    status, again = gateway.request("PATCH", f"/jobs/uploads/{looping['id']}?mode=cancel")
    assert status == 409 and "is not running: it is CANCELED" in again["errors"][0]
    assert gateway.request("PATCH", "/jobs/uploads/nope?mode=cancel")[0] == 404


def test_a_scripts_own_output_is_kept_with_the_upload_and_its_job(gateway: Gateway) -> None:
    script = (b"print('before the job', flush=True)\n" + (SCRIPTS / "parallel.py").read_bytes()
              + b"\nprint('after the job', flush=True)\n")
    status, answer = upload(gateway, "talks.py", script)
    assert status == 200, answer
    [job] = answer["jobs"]
    upload_id = answer["upload"]
    done = wait_for("the script to finish", lambda: (u := gateway.get(f"/jobs/uploads/{upload_id}"))["state"] == "FINISHED" and u)
    assert done["output"] == "before the job\nafter the job\n"  # the job's own output is not echoed back
    assert (done["jobs"], done["exit-code"]) == ([job], 0)
    log = text(gateway, f"/jobs/{job}/log")
    assert log.endswith(f"pystream: what the uploaded script talks.py printed (upload {upload_id}, FINISHED):\n"
                        "before the job\nafter the job\n")
    last = "after the job\n"
    assert text(gateway, f"/jobs/{job}/log?tail={len(last)}") == \
        f"pystream: {len(log) - len(last)} earlier characters are not shown\n{last}"
    expected = (EXPECTED / "parallel.txt").read_text().splitlines()
    assert sorted(text(gateway, f"/jobs/{job}/stdout").splitlines()) == sorted(expected)


def test_a_time_limit_stops_a_script_that_starts_no_job_and_stopping_the_gateway_kills_the_rest(tmp_path: Path) -> None:
    gateway = Gateway(tmp_path, args=("--upload-timeout", "3s", "--local-workers", "off"))
    try:
        status, answer = upload(gateway, "slow.py", ENDLESS.encode())
        assert status == 400, answer
        assert "slow.py started no job within 3 s: its process was stopped" in answer["errors"][1]

        upload_in_background(gateway, "endless.py", ENDLESS.encode())
        looping = running_upload(gateway, "endless.py")
    finally:
        gateway.stop()
    wait_for("the script's process to end with its gateway", lambda: process_gone(looping["pid"]))


def test_a_script_whose_parent_died_before_it_started_ends_without_running(tmp_path: Path) -> None:
    """A gateway or worker killed between starting the script and the script's first line: the script ends at once."""
    script = tmp_path / "endless.py"
    script.write_text(ENDLESS)
    gone = subprocess.Popen(["true"])
    gone.wait()
    result = subprocess.run([PYTHON, "-m", "pystream._uploaded", str(script)], capture_output=True, text=True, timeout=DEADLINE_S,
                            env=dict(os.environ, PYSTREAM_PARENT_PID=str(gone.pid)))
    assert (result.returncode, result.stdout) == (70, "")


def test_a_script_process_ends_when_its_gateway_is_killed(tmp_path: Path) -> None:
    """A gateway killed with SIGKILL cannot stop its children: each watches its parent and ends with it."""
    script, output = tmp_path / "endless.py", tmp_path / "output.txt"
    script.write_text(ENDLESS)
    # The shell stands in for the gateway: it starts the script, says its pid, and exits once its input closes.
    parent = subprocess.Popen(["sh", "-c", f"'{PYTHON}' -m pystream._uploaded '{script}' > '{output}' & echo $!; read _"],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                              env=dict(os.environ, PYTHONUNBUFFERED="1"))
    try:
        pid = int(parent.stdout.readline())
        # The script runs once the watch on its parent is in place.
        wait_for("the script to start", lambda: output.exists() and "looping" in output.read_text())
    finally:
        parent.stdin.close()
        parent.wait(DEADLINE_S)
    wait_for("the orphaned script to end", lambda: process_gone(pid))
