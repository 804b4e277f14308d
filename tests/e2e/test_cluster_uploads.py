"""End-to-end: on a cluster, an uploaded script runs on a worker, never on the coordinator (issue 16).

``POST /jobs/submit`` to ``./pystream gateway --cluster`` sends the script to a worker, which runs it in a process
of its own; the script submits its jobs back to the coordinator. A script that exits, loops or loses its worker
costs only itself, while another job keeps producing output and completing checkpoints.
"""

from __future__ import annotations

import os
import signal
from pathlib import Path
from typing import Iterator

import pytest

from cluster_process import Cluster, listed
from test_upload_isolation import (ENDLESS, EXPECTED, SCRIPTS, TICKING_JOB, process_gone, progress, running_upload, text,
                                   upload, upload_in_background, wait_for)

DEADLINE_S = 60


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    started = Cluster(tmp_path_factory.mktemp("cluster") / "data")
    try:
        yield started
    finally:
        started.stop()


def parent(pid: int) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])


def children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (zombies included)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if parent(int(entry.name)) == pid:
                    found.append(int(entry.name))
            except (FileNotFoundError, ProcessLookupError):
                pass
    return found


def test_an_upload_waits_for_a_worker_then_runs_there_and_its_job_prints_the_expected_output(cluster: Cluster) -> None:
    thread, answer = upload_in_background(cluster.gateway, "parallel.py", (SCRIPTS / "parallel.py").read_bytes())
    waiting = wait_for("the upload listed", lambda: next(iter(cluster.gateway.get("/jobs/uploads")["uploads"]), None))
    assert (waiting["name"], waiting["state"], waiting["worker"], waiting["pid"]) == ("parallel.py", "RUNNING", None, None)

    [worker] = cluster.add_workers(1, slots=2)
    thread.join(DEADLINE_S)
    [(status, started)] = answer
    assert status == 200, started
    [job] = started["jobs"]
    done = wait_for("the script to finish", lambda: (u := cluster.gateway.get(f"/jobs/uploads/{started['upload']}"))["state"] == "FINISHED" and u)
    assert (done["worker"], done["exit-code"], done["jobs"]) == (worker.registered_id(), 0, [job])
    assert cluster.gateway.get(f"/jobs/{job}")["state"] == "FINISHED"
    expected = (EXPECTED / "parallel.txt").read_text().splitlines()
    assert sorted(text(cluster.gateway, f"/jobs/{job}/stdout").splitlines()) == sorted(expected)
    assert f"running uploaded script parallel.py ({started['upload']})" in worker.log


def test_os_exit_in_an_upload_on_a_worker_fails_only_that_upload_while_another_job_goes_on(cluster: Cluster) -> None:
    status, answer = upload(cluster.gateway, "ticking.py", TICKING_JOB.encode())
    assert status == 200, answer
    [ticking] = answer["jobs"]
    try:
        script = cluster.gateway.get(f"/jobs/uploads/{answer['upload']}")
        worker = cluster.workers[0]
        assert parent(script["pid"]) == worker.process.pid  # the worker's child: the coordinator runs none
        assert children(cluster.gateway.process.pid) == []
        before = wait_for("output and a checkpoint", lambda: (p := progress(cluster.gateway, ticking))[0] > 0 and p[1] > 0 and p)

        status, answer = upload(cluster.gateway, "exits.py", b"import os\nprint('about to exit', flush=True)\nos._exit(1)\n")
        assert status == 400, answer
        assert answer["errors"][0] == "exits.py failed before it started a job"
        assert "about to exit" in answer["errors"][1]
        assert "exited with status 1 before it started a job" in answer["errors"][1]

        after = wait_for("more output and checkpoints", lambda: (p := progress(cluster.gateway, ticking))[0] > before[0]
                         and p[1] > before[1] and p)
        assert after > before
        assert cluster.gateway.get(f"/jobs/{ticking}")["state"] == "RUNNING"
        assert worker.registered_id() in listed(cluster.gateway)
    finally:
        cluster.gateway.request("PATCH", f"/jobs/{ticking}?mode=cancel")


def test_an_endless_upload_on_a_worker_is_cancelled_and_its_process_is_gone(cluster: Cluster) -> None:
    thread, answer = upload_in_background(cluster.gateway, "endless.py", ENDLESS.encode())
    looping = running_upload(cluster.gateway, "endless.py")
    assert parent(looping["pid"]) == cluster.workers[0].process.pid
    wait_for("its first line", lambda: "looping" in cluster.gateway.get(f"/jobs/uploads/{looping['id']}")["output"])

    status, _ = cluster.gateway.request("PATCH", f"/jobs/uploads/{looping['id']}?mode=cancel")
    assert status == 202
    thread.join(DEADLINE_S)
    [(status, refused)] = answer
    assert status == 400 and "endless.py was cancelled" in refused["errors"][1]
    cancelled = wait_for("the cancel", lambda: (u := cluster.gateway.get(f"/jobs/uploads/{looping['id']}"))["state"] == "CANCELED" and u)
    assert cancelled["error"] == "was cancelled"
    assert process_gone(looping["pid"])


def test_an_upload_whose_worker_is_killed_fails_and_its_process_ends_by_itself(cluster: Cluster) -> None:
    [spare] = cluster.add_workers(1, slots=2)  # the cluster goes on with it
    thread, answer = upload_in_background(cluster.gateway, "endless.py", ENDLESS.encode())
    looping = running_upload(cluster.gateway, "endless.py")
    [victim] = [w for w in cluster.workers if w.registered_id() == looping["worker"]]

    os.kill(victim.process.pid, signal.SIGKILL)

    thread.join(DEADLINE_S)
    [(status, refused)] = answer
    assert status == 400, refused
    failed = cluster.gateway.get(f"/jobs/uploads/{looping['id']}")
    assert failed["state"] == "FAILED"
    assert failed["error"].startswith(f"its worker {looping['worker']} was lost: ")
    wait_for("the orphaned script to end", lambda: process_gone(looping["pid"]))

    status, answer = upload(cluster.gateway, "parallel.py", (SCRIPTS / "parallel.py").read_bytes())
    assert status == 200, answer
    assert cluster.gateway.get(f"/jobs/uploads/{answer['upload']}")["worker"] != looping["worker"]
