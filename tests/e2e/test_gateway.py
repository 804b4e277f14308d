"""End-to-end: `python job.py` against a gateway, the `pystream` CLI, REST, and the gateway's refusals."""

from __future__ import annotations

import json
import os
import time
import select
import signal
import subprocess
from pathlib import Path
from typing import Iterator

import grpc
import pytest

from gateway_process import ROOT, Gateway, multipart
from pystream._gateway import RemoteEngine
from pystream._proto import gateway_pb2 as gw
from pystream._proto import jobspec_pb2 as spec_pb
from test_scripts import partitioning_lines

SCRIPTS = Path(__file__).parent / "scripts"
EXPECTED = Path(__file__).parent / "expected"
PYTHON = str(ROOT / ".venv" / "bin" / "python")
TIMEOUT_S = 120

# A job that runs until cancelled: an endless sequence with event time, keyed sums, checkpoints
# every 200 ms. The source hands out 65,536 numbers per batch; the map pauses 0.2 s once per
# batch, so the job moves steadily without taking the machine. It starts with execute_async and
# prints its id, so the client exits and leaves it running on the gateway.
RUNNING_JOB = """
import sys, time
from pyflink.common import Types
from pyflink.common.watermark_strategy import TimestampAssigner, WatermarkStrategy
from pyflink.datastream import StreamExecutionEnvironment
from pyflink.datastream.connectors.number_seq import NumberSequenceSource


class ValueIsTime(TimestampAssigner):
    def extract_timestamp(self, value, record_timestamp):
        return value


def paced(x):
    if x % 65536 == 0:
        time.sleep(0.2)
    return x


env = StreamExecutionEnvironment.get_execution_environment()
env.set_parallelism(2)
env.enable_checkpointing(200)
watermarks = WatermarkStrategy.for_monotonous_timestamps().with_timestamp_assigner(ValueIsTime())
env.from_source(NumberSequenceSource(0, 10**12), watermarks, "numbers") \\
   .map(paced, Types.LONG()).key_by(lambda x: x % 4).reduce(lambda a, b: a + b) \\
   .filter(lambda total: total < 0).print()
print(env.execute_async(sys.argv[1]).get_job_id())
"""


@pytest.fixture(scope="module")
def gateway(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Gateway]:
    gateway = Gateway(tmp_path_factory.mktemp("gateway"))
    # The default mode (unless PYSTREAM_LOCAL_WORKERS says otherwise): the jobs' functions run on local workers.
    assert "jobs run on local workers" in "".join(gateway.log) or os.environ.get("PYSTREAM_LOCAL_WORKERS") in ("off", "0")
    yield gateway
    gateway.stop()


def run_client(gateway: Gateway, script: Path, *args: str, cwd: Path = ROOT, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([PYTHON, str(script), *args], cwd=cwd, env=gateway.client_env(**env),
                          capture_output=True, text=True, timeout=TIMEOUT_S)


def cli(gateway: Gateway, *args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([str(ROOT / "pystream"), *args], cwd=cwd, env=gateway.client_env(),
                          capture_output=True, text=True, timeout=TIMEOUT_S)


def start_running_job(gateway: Gateway, tmp_path: Path, name: str) -> str:
    script = tmp_path / "running_job.py"
    script.write_text(RUNNING_JOB)
    result = run_client(gateway, script, name)
    assert result.returncode == 0, result.stderr
    return result.stdout.split()[-1]


def follow_to_end(gateway: Gateway, job_id: str) -> gw.JobInfo:
    """Blocks on the job's event stream until its final status (bounded by the gRPC deadline)."""
    engine = RemoteEngine(gateway.rpc, gateway.token)
    final = None
    for event in engine.follow(job_id):
        if event.WhichOneof("kind") == "status":
            final = event.status
    assert final is not None
    return final


@pytest.mark.parametrize("name, script, ordered", [
    ("windows", SCRIPTS / "windows.py", False),
    ("parallel", SCRIPTS / "parallel.py", False),
    ("job_client", SCRIPTS / "job_client.py", False),
    ("word_count_streaming", ROOT / "examples" / "word_count.py", True),
])
def test_python_job_py_prints_what_the_embedded_run_prints(gateway: Gateway, name: str, script: Path, ordered: bool) -> None:
    result = run_client(gateway, script)
    assert result.returncode == 0, result.stderr
    lines, expected = result.stdout.splitlines(), (EXPECTED / f"{name}.txt").read_text().splitlines()
    assert (lines if ordered else sorted(lines)) == (expected if ordered else sorted(expected))


def test_add_python_file_directories_travel_with_the_job(gateway: Gateway) -> None:
    result = run_client(gateway, SCRIPTS / "partitioning.py")  # imports lib/shapes.py through add_python_file
    assert result.returncode == 0, result.stderr
    assert partitioning_lines(result.stdout) == sorted((EXPECTED / "partitioning.txt").read_text().splitlines())


def test_a_failing_user_function_shows_the_users_traceback_in_the_client(gateway: Gateway) -> None:
    result = run_client(gateway, SCRIPTS / "user_error.py")
    assert result.returncode == 1
    script = SCRIPTS / "user_error.py"
    # The user's frames first (where the function failed), then where the script started the job;
    # the client's own frames (job_client.py, ...) are left out.
    assert result.stderr.splitlines() == [
        "Traceback (most recent call last):",
        f'  File "{script}", line 7, in parse',
        "    return int(text)",
        "           ^^^^^^^^^",
        "ValueError: invalid literal for int() with base 10: 'three'",
        "",
        "The job was started here:",
        f'  File "{script}", line 12, in <module>',
        '    env.execute("user error")',
        "pystream.errors.JobExecutionError: user function in 'Map' failed",
    ]

    failed = next(j for j in gateway.get("/jobs/overview")["jobs"] if j["name"] == "user error")
    assert failed["state"] == "FAILED"
    exceptions = gateway.get(f"/jobs/{failed['jid']}/exceptions")
    [entry] = exceptions["exceptionHistory"]["entries"]
    assert entry["exceptionName"] == "ValueError: invalid literal for int() with base 10: 'three'"
    assert 'user_error.py", line 7, in parse' in entry["stacktrace"] and entry["restarted"] is False
    assert exceptions["root-exception"] == entry["stacktrace"]
    # The failing subtask, named as Flink names it: the chain holding the map, subtask 1 of its parallelism.
    [chain] = [v for v in gateway.get(f"/jobs/{failed['jid']}")["vertices"] if "Map" in v["name"]]
    assert entry["taskName"] == exceptions["root-task"] == f"{chain['name']} (1/{chain['parallelism']})"


def test_a_scripts_own_error_after_a_job_keeps_pythons_traceback(gateway: Gateway, tmp_path: Path) -> None:
    script = tmp_path / "own_error.py"
    script.write_text(
        "from pyflink.datastream import StreamExecutionEnvironment\n"
        "env = StreamExecutionEnvironment.get_execution_environment()\n"
        "env.from_collection([1]).print()\n"
        "env.execute('fine')\n"
        "raise RuntimeError('mine')\n")
    result = run_client(gateway, script)
    assert result.returncode == 1
    assert result.stdout == "1\n"
    assert result.stderr.splitlines() == ["Traceback (most recent call last):",
                                          f'  File "{script}", line 5, in <module>',
                                          "    raise RuntimeError('mine')",
                                          "RuntimeError: mine"]


def test_functions_from_the_scripts_own_modules_travel_with_the_job(gateway: Gateway, tmp_path: Path) -> None:
    """Also after the module changed: the gateway has imported the first version, yet runs the second."""
    (tmp_path / "job.py").write_text(
        "from pyflink.datastream import StreamExecutionEnvironment\n"
        "from shapes_helper import area\n"
        "env = StreamExecutionEnvironment.get_execution_environment()\n"
        "print(sorted(env.from_collection([1, 2, 3]).map(area).execute_and_collect(limit=3)))\n")
    for body, expected in [("side * side", "[1, 4, 9]"), ("side * 10", "[10, 20, 30]")]:
        (tmp_path / "shapes_helper.py").write_text(f"def area(side):\n    return {body}\n")
        result = run_client(gateway, tmp_path / "job.py", cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == expected


def test_the_cli_lists_savepoints_and_cancels_a_running_job(gateway: Gateway, tmp_path: Path) -> None:
    job_id = start_running_job(gateway, tmp_path, "endless")
    for _ in range(50):  # bounded: execute_async returns once the job is submitted, it may still be starting
        listed = cli(gateway, "list")
        assert listed.returncode == 0, listed.stderr
        if any(line.split()[:2] == [job_id, "RUNNING"] and line.endswith("endless") for line in listed.stdout.splitlines()):
            break
    else:
        pytest.fail(f"the job is not listed as running: {listed.stdout}")

    taken = cli(gateway, "savepoint", job_id, str(tmp_path / "savepoints"))
    assert taken.returncode == 0, taken.stderr
    savepoint = Path(taken.stdout.strip())
    assert savepoint.parent == tmp_path / "savepoints" and (savepoint / "_metadata").is_file()
    # A relative directory is where the user typed it, not under the gateway's working directory.
    relative = cli(gateway, "savepoint", job_id, "rel/sp", cwd=tmp_path)
    assert relative.returncode == 0, relative.stderr
    assert Path(relative.stdout.strip()).parent == tmp_path / "rel" / "sp"
    assert (Path(relative.stdout.strip()) / "_metadata").is_file()

    checkpoints = gateway.get(f"/jobs/{job_id}/checkpoints")
    assert checkpoints["latest"]["savepoint"]["is_savepoint"] is True
    assert checkpoints["counts"]["completed"] >= 1

    cancelled = cli(gateway, "cancel", job_id, "--wait")
    assert cancelled.returncode == 0, cancelled.stderr
    assert cancelled.stdout.splitlines()[-1] == f"{job_id} (endless): CANCELED"
    # As Flink's: the job is CANCELLING while its tasks wind down (the event log replays every change).
    statuses = [e.status.status for e in RemoteEngine(gateway.rpc, gateway.token).follow(job_id) if e.WhichOneof("kind") == "status"]
    assert statuses[-2:] == ["CANCELLING", "CANCELED"], statuses
    assert gateway.get("/overview")["jobs-cancelled"] >= 1


def test_a_remote_job_client_takes_a_savepoint_then_stops_with_one(gateway: Gateway, tmp_path: Path) -> None:
    script = tmp_path / "client.py"
    script.write_text(RUNNING_JOB.replace("print(env.execute_async(sys.argv[1]).get_job_id())", f"""
from pyflink.common import JobStatus
client = env.execute_async(sys.argv[1])
print("savepoint:", client.trigger_savepoint({str(tmp_path / 'sp')!r}).result())
print("stopped:", client.stop_with_savepoint(False, {str(tmp_path / 'stop')!r}).result())
print("finished:", client.get_job_status().result() == JobStatus.FINISHED)
print("result:", client.get_job_execution_result().result().get_job_id() == client.get_job_id())
"""))
    result = run_client(gateway, script, "stopped remotely")
    assert result.returncode == 0, result.stderr
    lines = dict(line.split(": ", 1) for line in result.stdout.splitlines())
    assert (Path(lines["savepoint"]) / "_metadata").is_file() and Path(lines["savepoint"]).parent == tmp_path / "sp"
    assert (Path(lines["stopped"]) / "_metadata").is_file() and Path(lines["stopped"]).parent == tmp_path / "stop"
    assert (lines["finished"], lines["result"]) == ("True", "True")


def test_the_cli_reports_an_unknown_job(gateway: Gateway) -> None:
    result = cli(gateway, "cancel", "no-such-job")
    assert result.returncode == 1
    assert "no job with id 'no-such-job'" in result.stderr


def test_rest_describes_a_running_job_and_metrics_reach_prometheus(gateway: Gateway, tmp_path: Path) -> None:
    job_id = start_running_job(gateway, tmp_path, "observed")
    try:
        details = gateway.get(f"/jobs/{job_id}")
        assert details["state"] == "RUNNING"
        assert [v["parallelism"] for v in details["vertices"]] == [2, 2]
        assert details["edges"] == [{"source": 0, "target": 1, "ship_strategy": "HASH"}]
        # Records and watermarks reached the keyed vertex (on workers, a job's first batches may come after a savepoint taken at
        # once): read from REST up to a deadline. Then a savepoint: its subtasks reported their figures before their acks.
        deadline = time.monotonic() + 60
        while (keyed := gateway.get(f"/jobs/{job_id}")["vertices"][-1])["metrics"]["read-records"] == 0 or keyed["watermark"] is None:
            assert time.monotonic() < deadline, f"no records and watermarks reached the keyed vertex within 60 s: {keyed}"
            time.sleep(0.1)
        RemoteEngine(gateway.rpc, None).savepoint(job_id, str(tmp_path / "sp"))
        status, metrics = gateway.request("GET", "/metrics")
        assert status == 200
        names = {line.split("{")[0].split(" ")[0] for line in metrics.splitlines() if line and not line.startswith("#")}
        from docker_files import EXPORTED_METRICS  # what the Grafana dashboard queries
        missing = [m for m in EXPORTED_METRICS if m not in names]
        # Counted only once it happened: a restart, a task blocked on a full queue.
        assert set(missing) <= {"pystream_job_restarts_total", "pystream_task_backpressured_time_milliseconds_total"}, missing
        assert f'job_id="{job_id}"' in metrics
    finally:
        RemoteEngine(gateway.rpc, None).cancel(job_id)
        follow_to_end(gateway, job_id)


def test_rest_refuses_malformed_requests_and_unknown_jobs(gateway: Gateway, tmp_path: Path) -> None:
    assert gateway.request("GET", "/jobs/no-such-job")[0] == 404
    assert gateway.request("GET", "/jobs/no-such-job/checkpoints")[0] == 404
    assert gateway.request("PATCH", "/jobs/no-such-job?mode=cancel")[0] == 404
    job_id = gateway.get("/jobs/overview")["jobs"][0]["jid"]
    status, answer = gateway.request("PATCH", f"/jobs/{job_id}?mode=explode")
    assert status == 400 and "mode must be 'cancel'" in answer["errors"][0]
    status, answer = gateway.request("POST", f"/jobs/{job_id}/savepoints", b"{not json", {"Content-Type": "application/json"})
    assert status == 400 and "must be JSON" in answer["errors"][0]
    status, answer = gateway.request("POST", f"/jobs/{job_id}/savepoints", b'{"target-directory": null}', {"Content-Type": "application/json"})
    assert status == 409 and "is not running" in answer["errors"][0]


def test_an_uploaded_script_runs_and_a_failing_one_reports_why(gateway: Gateway) -> None:
    body, headers = multipart("script", "parallel.py", (SCRIPTS / "parallel.py").read_bytes())
    status, answer = gateway.request("POST", "/jobs/submit", body, headers)
    assert status == 200, answer
    assert follow_to_end(gateway, answer["jobs"][0]).status == "FINISHED"

    body, headers = multipart("script", "broken.py", b"x = 1\nprint(1 / 0)\n")
    status, answer = gateway.request("POST", "/jobs/submit", body, headers)
    assert status == 400
    assert answer["errors"][0] == "broken.py failed before it started a job"
    assert 'broken.py", line 2' in answer["errors"][1] and "ZeroDivisionError: division by zero" in answer["errors"][1]


@pytest.mark.parametrize("filename", ["../escape.py", "job.txt", "a\\b.py", ".."])
def test_an_upload_name_cannot_escape_or_be_other_than_a_py_file(gateway: Gateway, filename: str) -> None:
    body, headers = multipart("script", filename, b"print('never runs')\n")
    status, answer = gateway.request("POST", "/jobs/submit", body, headers)
    assert status == 400
    assert "must be a plain file name ending in .py" in answer["errors"][0]


def test_an_upload_over_the_limit_is_refused(gateway: Gateway) -> None:
    body, headers = multipart("script", "big.py", b"#" * (16 * 1024 * 1024 + 512 * 1024))
    status, answer = gateway.request("POST", "/jobs/submit", body, headers)
    assert status == 413, answer


def test_grpc_refuses_bad_specs_bad_paths_unknown_jobs_and_oversized_messages(gateway: Gateway) -> None:
    engine = RemoteEngine(gateway.rpc, None)
    channel = grpc.insecure_channel(gateway.rpc, options=[("grpc.max_send_message_length", 64 << 20)])

    def call(method: str, request, response_type):
        stub = channel.unary_unary(f"/pystream.v1.JobGateway/{method}", request_serializer=type(request).SerializeToString,
                                   response_deserializer=response_type.FromString)
        with pytest.raises(grpc.RpcError) as raised:
            stub(request, timeout=60)
        return raised.value

    error = call("Submit", gw.SubmitRequest(spec=b"\xff\xff\xff"), gw.JobInfo)
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT and "not a pystream.v1.JobSpec" in error.details()

    valid = spec_pb.JobSpec(name="empty").SerializeToString()
    error = call("Submit", gw.SubmitRequest(spec=valid), gw.JobInfo)
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT and "no operators" in error.details()

    spec = _one_operator_spec()
    for bad in ["../outside.py", "/etc/passwd", "root0/../../x.py", ""]:
        request = gw.SubmitRequest(spec=spec, files=[gw.PythonFile(path=bad, content=b"")])
        error = call("Submit", request, gw.JobInfo)
        assert error.code() == grpc.StatusCode.INVALID_ARGUMENT and "must be relative" in error.details(), bad

    for method in ("GetJob", "Cancel"):
        error = call(method, gw.JobRequest(job_id="nope"), gw.JobDetails)
        assert error.code() == grpc.StatusCode.NOT_FOUND
    error = call("Savepoint", gw.SavepointRequest(job_id="nope"), gw.SavepointResponse)
    assert error.code() == grpc.StatusCode.NOT_FOUND

    huge = gw.SubmitRequest(spec=spec, files=[gw.PythonFile(path="root0/big.py", content=b"#" * (17 << 20))])
    error = call("Submit", huge, gw.JobInfo)
    assert error.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
    assert engine.list_jobs() is not None  # the gateway is still serving


def _one_operator_spec() -> bytes:
    """The spec a tiny PyFlink job builds, taken from the API layer as `python job.py` would."""
    code = ("from pyflink.datastream import StreamExecutionEnvironment\n"
            "env = StreamExecutionEnvironment.get_execution_environment()\n"
            "env.from_collection([1, 2]).print()\n"
            "import sys; sys.stdout.buffer.write(env._take_spec('tiny').SerializeToString())\n")
    return subprocess.run([PYTHON, "-c", code], check=True, capture_output=True, timeout=60).stdout


def test_with_a_token_every_call_needs_it(tmp_path: Path) -> None:
    gateway = Gateway(tmp_path / "data", token="s3cret", args=("--local-workers", "off"))  # the token's test; workers with one: test_cluster
    try:
        assert gateway.request("GET", "/overview", token=None)[0] == 401
        assert gateway.request("GET", "/overview", token="wrong")[0] == 401
        assert gateway.request("GET", "/metrics", token=None)[0] == 401
        body, headers = multipart("script", "job.py", b"print(1)\n")
        assert gateway.request("POST", "/jobs/submit", body, headers, token=None)[0] == 401
        assert gateway.request("GET", "/overview")[0] == 200
        # RFC 9110: the scheme is case-insensitive.
        assert gateway.request("GET", "/overview", headers={"Authorization": "bearer s3cret"}, token=None)[0] == 200
        status, page = gateway.request("GET", "/", token=None)  # the UI's files load, then ask for the token
        assert status == 200 and "<html" in page.lower()

        with pytest.raises(Exception) as refused:
            RemoteEngine(gateway.rpc, None).list_jobs()
        assert "UNAUTHENTICATED" in str(refused.value)
        assert RemoteEngine(gateway.rpc, "s3cret").list_jobs() == []
        result = run_client(gateway, SCRIPTS / "parallel.py")  # the client sends PYSTREAM_TOKEN
        assert result.returncode == 0, result.stderr
        body, headers = multipart("script", "parallel.py", (SCRIPTS / "parallel.py").read_bytes())
        status, answer = gateway.request("POST", "/jobs/submit", body, headers)  # its process gets the token
        assert status == 200, answer
    finally:
        gateway.stop()


def test_binding_beyond_loopback_needs_a_token(tmp_path: Path) -> None:
    env = dict(os.environ)
    env.pop("PYSTREAM_TOKEN", None)
    result = subprocess.run([str(ROOT / "pystream"), "gateway", "--host", "0.0.0.0", "--data", str(tmp_path)],
                            env=env, capture_output=True, text=True, timeout=TIMEOUT_S)
    assert result.returncode == 2
    assert "set PYSTREAM_TOKEN" in result.stderr


def test_a_token_of_only_whitespace_is_refused_at_start(tmp_path: Path) -> None:
    env = dict(os.environ, PYSTREAM_TOKEN=" \t ")
    result = subprocess.run([str(ROOT / "pystream"), "gateway", "--port", "0", "--rpc-port", "0", "--data", str(tmp_path)],
                            env=env, capture_output=True, text=True, timeout=TIMEOUT_S)
    assert result.returncode == 2
    assert "PYSTREAM_TOKEN is only whitespace" in result.stderr


def test_a_truncated_upload_gets_400_with_the_reason(gateway: Gateway) -> None:
    body, headers = multipart("script", "job.py", b"print(1)\n" * 100)
    status, answer = gateway.request("POST", "/jobs/submit", body[: len(body) // 2], headers)
    assert status == 400, answer
    assert "the upload is incomplete" in answer["errors"][0]


def test_without_a_gateway_address_the_client_starts_a_local_one_and_reuses_it(tmp_path: Path) -> None:
    env = dict(os.environ, PYSTREAM_LOCAL_GATEWAY_DIR=str(tmp_path / "local"), PYTHONUNBUFFERED="1")
    for variable in ("PYSTREAM_GATEWAY", "PYSTREAM_TOKEN"):
        env.pop(variable, None)
    address_file = tmp_path / "local" / "address.json"
    try:
        first = subprocess.run([PYTHON, str(SCRIPTS / "parallel.py")], env=env, capture_output=True, text=True, timeout=600)
        assert first.returncode == 0, first.stderr
        started = json.loads(address_file.read_text())
        second = subprocess.run([PYTHON, str(SCRIPTS / "parallel.py")], env=env, capture_output=True, text=True, timeout=TIMEOUT_S)
        assert second.returncode == 0, second.stderr
        assert sorted(second.stdout.splitlines()) == sorted((EXPECTED / "parallel.txt").read_text().splitlines())
        assert json.loads(address_file.read_text())["pid"] == started["pid"]
        listed = subprocess.run([PYTHON, "-m", "pystream.cli", "list"], env=env, capture_output=True, text=True, timeout=TIMEOUT_S)
        assert listed.stdout.count("FINISHED") == 2, listed.stdout
    finally:
        if address_file.exists():
            pid = json.loads(address_file.read_text())["pid"]
            os.kill(pid, signal.SIGTERM)
            _wait_for_exit(pid)


def _wait_for_exit(pid: int) -> None:
    """Blocks (bounded) until the process ends; it is not our child, so through a pidfd."""
    try:
        descriptor = os.pidfd_open(pid)
    except ProcessLookupError:
        return
    try:
        if not select.select([descriptor], [], [], 60)[0]:
            os.kill(pid, signal.SIGKILL)
    finally:
        os.close(descriptor)


def test_a_cep_job_runs_through_the_gateway(gateway: Gateway) -> None:
    """The gateway's engine has the CEP operators: the login example prints what its embedded run prints."""
    result = run_client(gateway, ROOT / "examples" / "cep_login_alerts.py")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "alert> alice logged in after 3 failures at 4000 ms" in lines
    assert sorted(line for line in lines if line.startswith("timed out> carol")) == [
        f"timed out> carol failed at {times} with no success by {by} ms"
        for times, by in (("[1000, 2000, 3000]", 11000), ("[2000, 3000]", 12000), ("[3000]", 13000))]
