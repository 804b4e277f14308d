"""End-to-end: a gateway with ``--local-workers`` runs no job's Python itself (issue 16).

Each job attempt gets worker processes of its own, started by the gateway (or taken from its one
idle spare), so a job that kills its process, or holds the GIL for a long time, costs only its own
workers while another job keeps printing and completing checkpoints; and jobs never share an
interpreter's modules. One gateway serves every case here.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Iterator

import pytest

from gateway_process import ROOT, Gateway
from test_gateway import RUNNING_JOB, follow_to_end, run_client
from test_user_metrics import samples
from test_upload_isolation import EXPECTED, SCRIPTS, process_gone, progress, text, wait_for


# test_gateway's job that runs until cancelled (about 5 lines a second), its id printed by the client.
TICKING_JOB = RUNNING_JOB.replace("total < 0", "total % 65537 == 0")
assert "65537" in TICKING_JOB

# Exits its worker's process at the record 2; with a marker file, only the first time (the restarted attempt goes on).
EXITING_JOB = """
import os, sys
from pyflink.common import Types
from pyflink.datastream import StreamExecutionEnvironment
from pyflink.common.restart_strategy import RestartStrategies

marker = sys.argv[1]
restarts = int(sys.argv[2])


def times_ten(x):
    if x == 2 and not os.path.exists(marker):
        open(marker, "w").close()
        os._exit(1)
    return x * 10


env = StreamExecutionEnvironment.get_execution_environment()
env.set_parallelism(1)
if restarts:
    env.set_restart_strategy(RestartStrategies.fixed_delay_restart(restarts, 100))
else:
    env.set_restart_strategy(RestartStrategies.no_restart())
env.from_collection([1, 2, 3], Types.INT()).map(times_ten, Types.INT()).print()
env.execute("exits")
"""

# Catastrophic backtracking: `re` holds the GIL for the whole match (2**34 steps: hours), which says so first.
RUNAWAY_JOB = """
import re, sys
from pyflink.common import Types
from pyflink.datastream import StreamExecutionEnvironment


def runaway(x):
    print("matching", flush=True)
    return bool(re.match(r"(a+)+$", "a" * 34 + "b"))


env = StreamExecutionEnvironment.get_execution_environment()
env.set_parallelism(1)
env.from_collection([1], Types.INT()).map(runaway, Types.BOOLEAN()).print()
print(env.execute_async("runaway").get_job_id())
"""

# A module named `helper` in each job's directory, and a map that changes the interpreter it runs in.
SAME_MODULE_JOB = """
import json
from pyflink.common import Types
from pyflink.datastream import StreamExecutionEnvironment
import helper


def tag(x):
    print("printed by", helper.NAME, x)
    if helper.PATCH:
        json.dumps = lambda value, **kwargs: "patched"
    return helper.NAME + ":" + json.dumps([x])


env = StreamExecutionEnvironment.get_execution_environment()
env.set_parallelism(1)
env.from_collection([1, 2], Types.INT()).map(tag, Types.STRING()).print()
env.execute("same module")
"""

# A source at parallelism 1, a map counting odd numbers in a user counter, a keyed reduce (both at 2): three vertices.
COUNTED = 1000
COUNTED_JOB = f"""
from pyflink.common import Types
from pyflink.datastream import StreamExecutionEnvironment
from pyflink.datastream.functions import MapFunction


class CountOdd(MapFunction):
    def open(self, ctx):
        self.odd = ctx.get_metrics_group().counter("odd")

    def map(self, x):
        if x % 2:
            self.odd.inc()
        return x


env = StreamExecutionEnvironment.get_execution_environment()
env.set_parallelism(2)
env.from_collection(list(range({COUNTED})), Types.LONG()).set_parallelism(1) \\
   .map(CountOdd(), Types.LONG()).key_by(lambda x: x % 3).reduce(lambda a, b: a + b).filter(lambda x: x < 0).print()
print(env.execute_async("counted").get_job_id())
"""


# Reactive mode: each subtask of its map says at which parallelism it runs; the numbers 1..100 are summed.
REACTIVE_JOB = """
from pyflink.common import Configuration, Types, WatermarkStrategy
from pyflink.datastream import MapFunction, StreamExecutionEnvironment
from pyflink.datastream.connectors.number_seq import NumberSequenceSource


class Tagged(MapFunction):
    def open(self, ctx):
        self.parallelism = ctx.get_number_of_parallel_subtasks()

    def map(self, n):
        return (self.parallelism, n)


configuration = Configuration()
configuration.set_string("scheduler-mode", "reactive")
env = StreamExecutionEnvironment.get_execution_environment(configuration)
numbers = env.from_source(NumberSequenceSource(1, 100), WatermarkStrategy.no_watermarks(), "numbers")
seen = list(numbers.map(Tagged(), Types.TUPLE([Types.INT(), Types.LONG()])).execute_and_collect())
print(sorted({p for p, _ in seen}), sum(n for _, n in seen))
"""


@pytest.fixture(scope="module")
def gateway(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Gateway]:
    gateway = Gateway(tmp_path_factory.mktemp("gateway"), args=("--local-workers", "1"))
    yield gateway
    log = gateway.stop()
    assert "local worker" in log


def run_in_its_directory(gateway: Gateway, script: Path, *args: str) -> subprocess.CompletedProcess:
    """``python SCRIPT`` against the gateway, from the script's directory (its modules ship with its job)."""
    return run_client(gateway, script, *args, cwd=script.parent)


def start_ticking(gateway: Gateway, tmp_path: Path) -> str:
    script = tmp_path / "ticking.py"
    script.write_text(TICKING_JOB)
    started = run_in_its_directory(gateway, script, "ticking")
    assert started.returncode == 0, started.stderr
    return started.stdout.split()[-1]


def job_state(gateway: Gateway, job_id: str) -> str:
    return gateway.get(f"/jobs/{job_id}")["state"]


def worker_pids(gateway: Gateway) -> set[int]:
    """The local workers' process ids, from the gateway's log ("local worker PID started")."""
    return {int(line.split("local worker ")[1].split()[0]) for line in gateway.log if "local worker" in line and " started (for" in line}


def test_os_exit_in_a_map_costs_only_that_jobs_worker(gateway: Gateway, tmp_path: Path) -> None:
    ticking = start_ticking(gateway, tmp_path)
    try:
        before = wait_for("output and a checkpoint", lambda: (p := progress(gateway, ticking))[0] > 0 and p[1] > 0 and p)
        script = tmp_path / "exits.py"
        script.write_text(EXITING_JOB)

        failed = run_in_its_directory(gateway, script, str(tmp_path / "failed-once"), "0")
        assert failed.returncode != 0
        assert "was lost" in failed.stderr, failed.stderr  # its worker's connection dropped with the process
        assert (tmp_path / "failed-once").exists()

        restarted = run_in_its_directory(gateway, script, str(tmp_path / "restarted-once"), "1")
        assert restarted.returncode == 0, restarted.stderr
        assert (tmp_path / "restarted-once").exists()
        assert restarted.stdout.splitlines() == [str(x * 10) for x in [1, 2, 3]]  # the model: the second attempt's output

        after = wait_for("more output and checkpoints", lambda: (p := progress(gateway, ticking))[0] > before[0]
                         and p[1] > before[1] and p)
        assert after > before
        assert job_state(gateway, ticking) == "RUNNING"
        assert gateway.process.poll() is None
    finally:
        gateway.request("PATCH", f"/jobs/{ticking}?mode=cancel")
    wait_for("the ticking job to be cancelled", lambda: job_state(gateway, ticking) == "CANCELED")


def test_a_runaway_regex_holding_the_gil_stalls_only_its_own_job(gateway: Gateway, tmp_path: Path) -> None:
    ticking = start_ticking(gateway, tmp_path)
    script = tmp_path / "runaway.py"
    script.write_text(RUNAWAY_JOB)
    result = run_in_its_directory(gateway, script)
    assert result.returncode == 0, result.stderr
    runaway = result.stdout.split()[-1]
    try:
        wait_for("the runaway match to start", lambda: "matching" in text(gateway, f"/jobs/{runaway}/stdout"))
        before = progress(gateway, ticking)
        after = wait_for("two more checkpoints of the other job", lambda: (p := progress(gateway, ticking))[1] >= before[1] + 2
                         and p[0] > before[0] and p)
        assert after > before
        assert job_state(gateway, runaway) == "RUNNING"  # still matching: 2**34 steps
    finally:
        gateway.request("PATCH", f"/jobs/{runaway}?mode=cancel")
        gateway.request("PATCH", f"/jobs/{ticking}?mode=cancel")
    # Its share cannot stop while the match holds the GIL: the gateway kills its worker after a grace period.
    wait_for("the runaway job to be cancelled", lambda: job_state(gateway, runaway) == "CANCELED")
    wait_for("the ticking job to be cancelled", lambda: job_state(gateway, ticking) == "CANCELED")
    assert any("killed: its cancelled share did not stop" in line for line in gateway.log)


def test_the_workers_task_and_user_metrics_reach_the_gateways_rest_views_and_prometheus(gateway: Gateway, tmp_path: Path) -> None:
    script = tmp_path / "counted.py"
    script.write_text(COUNTED_JOB)
    started = run_in_its_directory(gateway, script)
    assert started.returncode == 0, started.stderr
    job_id = started.stdout.split()[-1]
    assert follow_to_end(gateway, job_id).status == "FINISHED"

    # The model: every number leaves the source, passes the map and reaches the reduce, whose output stays in its task.
    records = [(0, COUNTED), (COUNTED, COUNTED), (COUNTED, 0)]
    vertices = gateway.get(f"/jobs/{job_id}")["vertices"]
    assert [(v["metrics"]["read-records"], v["metrics"]["write-records"]) for v in vertices] == records
    for vertex, (read, written) in zip(vertices, records):
        subtasks = gateway.get(f"/jobs/{job_id}/vertices/{vertex['id']}")["subtasks"]
        assert sum(s["metrics"]["read-records"] for s in subtasks) == read
        assert sum(s["metrics"]["write-records"] for s in subtasks) == written
    status, metrics = gateway.request("GET", "/metrics")
    assert status == 200
    odd = [value for labels, value in samples(metrics, "pystream_user_odd").items() if f'job_id="{job_id}"' in labels]
    assert sum(odd) == sum(1 for x in range(COUNTED) if x % 2)  # over the subtasks that saw numbers
    records_in = [value for labels, value in samples(metrics, "pystream_records_in_total").items() if f'job_id="{job_id}"' in labels]
    assert sum(records_in) == sum(read for read, _ in records)


def test_jobs_never_share_modules_or_monkeypatches(gateway: Gateway, tmp_path: Path) -> None:
    outputs = {}
    for name, patch in [("first", True), ("second", False)]:
        directory = tmp_path / name
        directory.mkdir()
        (directory / "helper.py").write_text(f"NAME = {name!r}\nPATCH = {patch}\n")
        (directory / "job.py").write_text(SAME_MODULE_JOB)
        result = run_in_its_directory(gateway, directory / "job.py")
        assert result.returncode == 0, result.stderr
        outputs[name] = sorted(result.stdout.splitlines())

    import json

    def model(name: str, patch: bool) -> list[str]:
        dumps = (lambda value: "patched") if patch else json.dumps
        return sorted([f"printed by {name} {x}" for x in [1, 2]] + [f"{name}:{dumps([x])}" for x in [1, 2]])

    assert outputs == {"first": model("first", True), "second": model("second", False)}
    # Each job had a worker of its own, and it is gone with the job; the spare stays.
    pids = worker_pids(gateway)
    assert len(pids) >= 3
    wait_for("the jobs' workers to stop", lambda: sum(not process_gone(pid) for pid in pids) == 1)


def test_a_reactive_job_runs_at_one_subtask_per_local_worker_not_at_their_slots(gateway: Gateway, tmp_path: Path) -> None:
    """A local worker offers 128 slots; counted as free, reactive mode would run at 128. With --local-workers 1: 1."""
    script = tmp_path / "reactive.py"
    script.write_text(REACTIVE_JOB)
    result = run_in_its_directory(gateway, script)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["[1]", str(sum(range(1, 101)))]


def test_pystream_run_with_local_workers_runs_the_script_on_them(tmp_path: Path) -> None:
    """`./pystream run` with PYSTREAM_LOCAL_WORKERS: a gateway of its own, the job on its local workers."""
    env = dict(os.environ, PYSTREAM_LOCAL_WORKERS="2", TMPDIR=str(tmp_path))
    result = subprocess.run([str(ROOT / "pystream"), "run", str(SCRIPTS / "parallel.py")], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "running " + str(SCRIPTS / "parallel.py") + " on local workers (PYSTREAM_LOCAL_WORKERS=2" in result.stderr
    assert sorted(result.stdout.splitlines()) == sorted((EXPECTED / "parallel.txt").read_text().splitlines())
    assert list(tmp_path.glob("pystream-run-*")) == []  # its gateway's directory is gone with it

    refused = subprocess.run([str(ROOT / "pystream"), "run", "-s", "/tmp/sp", "job.py"], cwd=ROOT, env=env,
                             capture_output=True, text=True, timeout=60)
    assert refused.returncode == 2
    assert "with PYSTREAM_LOCAL_WORKERS set, run takes SCRIPT.py [ARGS...] only (unset it for -s)" in refused.stderr
