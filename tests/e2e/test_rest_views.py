"""REST resources behind the Web UI's job views: per-subtask numbers, checkpoint details and
configuration, the capped checkpoint history, the job's configuration, its stdout and log, and
stop-with-savepoint, on a real gateway."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Callable, Iterator, TypeVar

import pytest

from gateway_process import Gateway, multipart
from test_gateway import SCRIPTS, follow_to_end, run_client, start_running_job

T = TypeVar("T")
DEADLINE_S = 60


def poll(what: str, read: Callable[[], T], good: Callable[[T], bool]) -> T:
    """Reads until the value is good, up to a deadline."""
    deadline = time.monotonic() + DEADLINE_S
    while True:
        value = read()
        if good(value):
            return value
        assert time.monotonic() < deadline, f"{what}: still {value!r} after {DEADLINE_S} s"
        time.sleep(0.1)


@pytest.fixture(scope="module")
def gateway(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Gateway]:
    gateway = Gateway(tmp_path_factory.mktemp("rest-views"))
    yield gateway
    gateway.stop()


def test_a_running_jobs_subtasks_checkpoints_and_configuration(gateway: Gateway, tmp_path: Path) -> None:
    job_id = start_running_job(gateway, tmp_path, "rest views")  # parallelism 2, checkpoints every 200 ms
    vertices = gateway.get(f"/jobs/{job_id}")["vertices"]

    # Each vertex has a row per subtask; the keyed reduce (the last vertex) holds state in each.
    for vertex in vertices:
        details = poll(f"subtasks of vertex {vertex['id']} reading or writing records",
                       lambda: gateway.get(f"/jobs/{job_id}/vertices/{vertex['id']}"),
                       lambda d: all(s["metrics"]["read-records"] + s["metrics"]["write-records"] > 0 for s in d["subtasks"]))
        assert (details["id"], details["name"], details["parallelism"]) == (vertex["id"], vertex["name"], 2)
        assert [s["subtask"] for s in details["subtasks"]] == [0, 1]
        for subtask in details["subtasks"]:
            shares = subtask["busy-ratio"] + subtask["idle-ratio"] + subtask["backpressured-ratio"]
            assert 0 <= subtask["busy-ratio"] <= 1 and shares == pytest.approx(1.0) or shares == 0
    keyed = vertices[-1]
    poll("the keyed subtasks' state size from a completed checkpoint", lambda: gateway.get(f"/jobs/{job_id}/vertices/{keyed['id']}"),
         lambda d: all((s["state-size"] or 0) > 0 for s in d["subtasks"]))

    # More checkpoints than Flink's web.checkpoints.history (10) lists: the counts cover all of them.
    statistics = poll("12 completed checkpoints", lambda: gateway.get(f"/jobs/{job_id}/checkpoints"),
                      lambda c: c["counts"]["completed"] >= 12)
    assert len(statistics["history"]) == 10
    ids = [c["id"] for c in statistics["history"]]
    assert ids == sorted(ids, reverse=True)

    latest = statistics["latest"]["completed"]
    details = gateway.get(f"/jobs/{job_id}/checkpoints/details/{latest['id']}")
    assert (details["id"], details["status"], details["is_savepoint"]) == (latest["id"], "COMPLETED", False)
    assert details["num_subtasks"] == details["num_acknowledged_subtasks"] == 2 * len(vertices)
    assert sorted(details["tasks"]) == sorted(str(v["id"]) for v in vertices)
    for task in details["tasks"].values():
        assert [s["index"] for s in task["subtasks"]] == [0, 1]
        assert task["state_size"] == sum(s["state_size"] for s in task["subtasks"])
        assert task["latest_ack_timestamp"] == max(s["ack_timestamp"] for s in task["subtasks"])
        for subtask in task["subtasks"]:
            assert subtask["ack_timestamp"] >= details["trigger_timestamp"]
            assert subtask["end_to_end_duration"] == subtask["ack_timestamp"] - details["trigger_timestamp"]
            assert min(subtask["checkpoint"]["sync"], subtask["checkpoint"]["async"], subtask["alignment"]["duration"]) >= 0
    # Both keyed subtasks hold state (4 keys over 2 subtasks); the sources hold their positions.
    assert all(s["state_size"] > 0 for task in details["tasks"].values() for s in task["subtasks"])

    config = gateway.get(f"/jobs/{job_id}/checkpoints/config")
    assert (config["mode"], config["interval"], config["timeout"], config["max_concurrent"]) == ("exactly_once", 200, 600_000, 1)
    assert config["checkpoint_storage"].endswith("checkpoints")

    job_config = gateway.get(f"/jobs/{job_id}/config")
    assert job_config["jid"] == job_id and job_config["name"] == "rest views"
    execution = job_config["execution-config"]
    assert (execution["execution-mode"], execution["job-parallelism"]) == ("STREAMING", 2)
    assert execution["user-config"]["execution.checkpointing.interval"] == "200"
    assert execution["user-config"]["web.checkpoints.history"] == "10"  # the gateway's default for its jobs

    # Flink's stop-with-savepoint: the job finishes, and the savepoint is the latest one.
    status, answer = gateway.request("POST", f"/jobs/{job_id}/stop", b'{"targetDirectory": null, "drain": false}',
                                     {"Content-Type": "application/json"})
    assert status == 200, answer
    assert Path(answer["location"], "_metadata").is_file()
    assert gateway.get(f"/jobs/{job_id}")["state"] == "FINISHED" or follow_to_end(gateway, job_id).status == "FINISHED"
    savepoint = gateway.get(f"/jobs/{job_id}/checkpoints")["latest"]["savepoint"]
    assert savepoint["is_savepoint"] is True and savepoint["status"] == "COMPLETED"


def test_stdout_holds_what_the_jobs_print_sink_wrote(gateway: Gateway) -> None:
    result = run_client(gateway, SCRIPTS / "parallel.py")
    assert result.returncode == 0, result.stderr
    job_id = next(j["jid"] for j in gateway.get("/jobs/overview")["jobs"] if j["name"] == "parallel")
    status, stdout = gateway.request("GET", f"/jobs/{job_id}/stdout")
    assert status == 200
    assert sorted(stdout.splitlines()) == sorted(result.stdout.splitlines())
    status, tail = gateway.request("GET", f"/jobs/{job_id}/stdout?tail=10")
    assert status == 200
    assert tail == f"pystream: {len(stdout) - 10} earlier characters are not shown\n{stdout[-10:]}"
    status, answer = gateway.request("GET", f"/jobs/{job_id}/stdout?tail=-1")
    assert status == 400 and "tail must be a number of characters" in answer["errors"][0]


def test_print_in_a_user_function_reaches_the_jobs_stdout_and_its_client(gateway: Gateway) -> None:
    result = run_client(gateway, SCRIPTS / "printing.py")
    assert result.returncode == 0, result.stderr
    job_id = next(j["jid"] for j in gateway.get("/jobs/overview")["jobs"] if j["name"] == "printing")
    stdout = gateway.request("GET", f"/jobs/{job_id}/stdout")[1]
    # The map prints "seen x" for 1..4; the print sink then prints "N> x" from subtask N.
    seen = [line for line in stdout.splitlines() if line.startswith("seen ")]
    assert sorted(seen) == [f"seen {x}" for x in range(1, 5)]
    assert sorted(seen) == sorted(line for line in result.stdout.splitlines() if line.startswith("seen "))


def test_an_uploaded_jobs_stdout_and_a_failed_jobs_log(gateway: Gateway, tmp_path: Path) -> None:
    body, headers = multipart("script", "parallel.py", (SCRIPTS / "parallel.py").read_bytes())
    status, answer = gateway.request("POST", "/jobs/submit", body, headers)
    assert status == 200, answer
    [job_id] = answer["jobs"]
    assert follow_to_end(gateway, job_id).status == "FINISHED"
    expected = (Path(__file__).parent / "expected" / "parallel.txt").read_text().splitlines()
    assert sorted(gateway.request("GET", f"/jobs/{job_id}/stdout")[1].splitlines()) == sorted(expected)

    result = run_client(gateway, SCRIPTS / "user_error.py")
    assert result.returncode == 1
    failed = next(j["jid"] for j in gateway.get("/jobs/overview")["jobs"] if j["name"] == "user error")
    status, log = gateway.request("GET", f"/jobs/{failed}/log")
    assert status == 200
    assert "ValueError: invalid literal for int() with base 10: 'three'" in log


def test_unknown_jobs_vertices_and_checkpoints_are_404(gateway: Gateway) -> None:
    for path in ("/jobs/no-such-job/vertices/0", "/jobs/no-such-job/config", "/jobs/no-such-job/stdout",
                 "/jobs/no-such-job/log", "/jobs/no-such-job/checkpoints/config", "/jobs/no-such-job/checkpoints/details/1"):
        status, answer = gateway.request("GET", path)
        assert status == 404 and answer == {"errors": ["no job with id 'no-such-job'"]}, path
    status, _ = gateway.request("POST", "/jobs/no-such-job/stop", b"{}", {"Content-Type": "application/json"})
    assert status == 404
    job_id = gateway.get("/jobs/overview")["jobs"][0]["jid"]
    assert gateway.request("GET", f"/jobs/{job_id}/vertices/99")[1] == {"errors": [f"job '{job_id}' has no vertex 99"]}
    assert gateway.request("GET", f"/jobs/{job_id}/checkpoints/details/999999")[1] == {"errors": [f"job '{job_id}' has no checkpoint 999999"]}
