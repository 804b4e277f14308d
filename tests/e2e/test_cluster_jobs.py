"""Jobs on a cluster: `./pystream gateway --cluster` and three `./pystream worker --slots 2` processes on
loopback; `python job.py` against the gateway runs the job's subtasks in the workers' slots and prints
what `./pystream run` prints."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Iterator

import pytest

from cluster_process import TIMEOUT_S, Cluster, listed, poll
from gateway_process import ROOT

SCRIPTS = Path(__file__).parent / "scripts"
EXPECTED = Path(__file__).parent / "expected"


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    started = Cluster(tmp_path_factory.mktemp("cluster") / "data")
    try:
        started.add_workers(3, slots=2)
        yield started
    finally:
        started.stop()


def single_process_run(script: Path, *args: str) -> list[str]:
    result = subprocess.run([str(ROOT / "pystream"), "run", str(script), *args], cwd=ROOT, capture_output=True, text=True, timeout=TIMEOUT_S)
    assert result.returncode == 0, result.stderr
    return sorted(result.stdout.splitlines())


def cluster_job_model() -> list[str]:
    """cluster_job.py's lines without their sink subtask, from a plain-Python model: 600 events, key k{i % 13}
    at i * 100 ms, mapped to 2 * i; a running count per key, the sum per key and 10 s window."""
    keys = Counter(f"k{i % 13}" for i in range(600))
    counts = [f"{key} #{n}" for key, total in keys.items() for n in range(1, total + 1)]
    sums: Counter[tuple[str, int]] = Counter()
    for i in range(600):
        sums[(f"k{i % 13}", i * 100 // 10_000 * 10_000)] += 2 * i
    windows = [f"{key} [{start},{start + 10_000}) {total}" for (key, start), total in sums.items()]
    return sorted(counts + windows)


def test_a_job_at_parallelism_6_runs_on_three_workers_and_prints_what_one_process_prints(cluster: Cluster) -> None:
    result = cluster.run(SCRIPTS / "cluster_job.py")
    assert result.returncode == 0, result.stderr
    lines = sorted(result.stdout.splitlines())

    assert sorted(line.split("> ", 1)[1] for line in lines) == cluster_job_model()
    assert lines == single_process_run(SCRIPTS / "cluster_job.py")

    # Every worker ran a share; REST names the worker of each subtask, two subtasks of each vertex per worker.
    for worker in cluster.workers:
        assert "of job 'cluster job'" in worker.log
    job = cluster.job("cluster job")
    assert job["state"] == "FINISHED" and job["pending-reason"] is None
    ids = set(listed(cluster.gateway))
    for vertex in job["vertices"]:
        subtasks = cluster.gateway.get(f"/jobs/{job['jid']}/vertices/{vertex['id']}")["subtasks"]
        assert {s["taskmanager-id"] for s in subtasks} <= ids
        if vertex["parallelism"] == 6:
            assert sorted(Counter(s["taskmanager-id"] for s in subtasks).values()) == [2, 2, 2]
    assert all(tm["freeSlots"] == 2 for tm in listed(cluster.gateway).values())  # the ended job gave its slots back


def job_workers(cluster: Cluster, name: str) -> set[str] | None:
    """The workers running the subtasks of job `name` once it runs placed (REST's taskmanager-id), else None."""
    job = cluster.job(name)
    if job.get("state") != "RUNNING" or job.get("pending-reason") is not None:
        return None
    return {s["taskmanager-id"] for vertex in job["vertices"]
            for s in cluster.gateway.get(f"/jobs/{job['jid']}/vertices/{vertex['id']}")["subtasks"]}


def test_jobs_run_on_workers_of_their_own_unless_both_share_them(cluster: Cluster, tmp_path: Path) -> None:
    """Three workers of 2 slots. `own` takes 2 slots, spread over two workers; `shared 1` and `shared 2` (1 slot each,
    both setting pystream.cluster.shared-workers) may use only the third, which they share whichever job comes first;
    `late` (1 slot, its workers its own) then finds no worker running no other job, though two slots are free, and
    waits until `own` ended. Each prints its ten numbers doubled."""
    go = {name: tmp_path / name for name in ("own", "shared", "late")}
    jobs = {"own": cluster.start(SCRIPTS / "cluster_isolation.py", "own", "2", str(go["own"]), "own"),
            "shared 1": cluster.start(SCRIPTS / "cluster_isolation.py", "shared 1", "1", str(go["shared"]), "shared"),
            "shared 2": cluster.start(SCRIPTS / "cluster_isolation.py", "shared 2", "1", str(go["shared"]), "shared")}
    placed = {name: poll(f"job '{name}' placed", lambda name=name: job_workers(cluster, name)) for name in jobs}
    assert len(placed["own"]) == 2 and len(placed["shared 1"]) == 1
    assert placed["shared 1"] == placed["shared 2"]
    assert placed["own"].isdisjoint(placed["shared 1"])
    assert placed["own"] | placed["shared 1"] == set(listed(cluster.gateway))

    jobs["late"] = cluster.start(SCRIPTS / "cluster_isolation.py", "late", "1", str(go["late"]), "own")
    reason = poll("the late job waiting", lambda: cluster.job("late").get("pending-reason"), timeout_s=30)
    assert reason == ("waiting for slots: 1 slots needed, 0 free of 0 on 0 workers running no other job; 3 workers run other jobs "
                      "(2 slots free there), and jobs share workers only when each sets pystream.cluster.shared-workers: true")
    go["own"].touch()
    late = poll("the late job placed", lambda: job_workers(cluster, "late"))
    assert len(late) == 1 and late <= placed["own"]  # a worker the ended job left
    go["shared"].touch()
    go["late"].touch()
    for name, client in jobs.items():
        stdout, stderr = client.communicate(timeout=TIMEOUT_S)
        assert client.returncode == 0, f"{name}: {stderr}"
        assert sorted(int(line.split("> ", 1)[-1]) for line in stdout.splitlines()) == [2 * n for n in range(10)], name
    poll("every slot free again", lambda: all(tm["freeSlots"] == 2 for tm in listed(cluster.gateway).values()))


@pytest.mark.parametrize("name", ["windows_parallel", "state_types", "event_time"])
def test_e2e_scripts_print_their_expected_output_on_the_cluster(cluster: Cluster, name: str) -> None:
    result = cluster.run(SCRIPTS / f"{name}.py")
    assert result.returncode == 0, result.stderr
    assert sorted(result.stdout.splitlines()) == sorted((EXPECTED / f"{name}.txt").read_text().splitlines())


def test_a_failing_user_function_on_a_worker_reaches_the_client_with_its_traceback(cluster: Cluster) -> None:
    result = cluster.run(SCRIPTS / "user_error.py")
    assert result.returncode != 0
    assert "ValueError: invalid literal for int() with base 10: 'three'" in result.stderr
    assert "user_error.py\", line 7, in parse" in result.stderr
    # The worker names the failed subtask by its vertex and index: REST names it as Flink does, as for a job in one process.
    failed = cluster.job("user error")
    exceptions = cluster.gateway.get(f"/jobs/{failed['jid']}/exceptions")
    [entry] = exceptions["exceptionHistory"]["entries"]
    [chain] = [v for v in failed["vertices"] if "Map" in v["name"]]
    assert entry["taskName"] == exceptions["root-task"] == f"{chain['name']} (1/{chain['parallelism']})"


def test_a_restarted_job_on_workers_knows_its_attempt_number(cluster: Cluster, tmp_path: Path) -> None:
    """Attempt 0 fails in its map, the one restart the strategy allows is attempt 1: had the workers counted attempts
    of their own (each share starting at 0), the restart would fail again and the job with it."""
    script = tmp_path / "attempts.py"
    script.write_text(
        "from pyflink.common import Types\n"
        "from pyflink.common.restart_strategy import RestartStrategies\n"
        "from pyflink.datastream import StreamExecutionEnvironment\n"
        "from pyflink.datastream.functions import MapFunction\n"
        "class Attempt(MapFunction):\n"
        "    def open(self, ctx):\n"
        "        self.attempt = ctx.get_attempt_number()\n"
        "    def map(self, n):\n"
        "        if self.attempt == 0:\n"
        "            raise RuntimeError('attempt 0 fails')\n"
        "        return (n, self.attempt)\n"
        "env = StreamExecutionEnvironment.get_execution_environment()\n"
        "env.set_parallelism(2)\n"
        "env.set_restart_strategy(RestartStrategies.fixed_delay_restart(1, 0))\n"
        "print(sorted(env.from_collection(list(range(4)), Types.INT()).map(Attempt()).execute_and_collect()))\n")
    result = cluster.run(script)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str([(n, 1) for n in range(4)])


def test_a_collect_limit_reached_on_one_worker_finishes_the_job_on_every_worker(cluster: Cluster) -> None:
    result = cluster.run(SCRIPTS / "cluster_collect.py")
    assert result.returncode == 0, result.stderr
    # 2 * (0 + ... + 999) = 999000.
    assert result.stdout.splitlines() == ["limited: 5 True", "all: 1000 999000"]
    assert cluster.job("collect with a limit")["state"] == "FINISHED"


def test_a_job_needing_more_slots_than_the_cluster_has_waits_then_fails_after_the_slot_request_timeout(cluster: Cluster) -> None:
    result = cluster.run(SCRIPTS / "cluster_job.py", "1 s", "7")
    assert result.returncode != 0
    assert ("Could not acquire the minimum required resources for job 'cluster job' within 1 s (slot.request.timeout): "
            "7 slots needed, 6 free of 6 on 3 workers") in result.stderr


def test_a_waiting_job_shows_why_and_starts_when_a_worker_joins(cluster: Cluster) -> None:
    client = cluster.start(SCRIPTS / "cluster_job.py", "60 s", "7")
    try:
        reason = poll("the job waiting", lambda: cluster.job("cluster job").get("pending-reason"), timeout_s=30)
        assert reason == "waiting for slots: 7 slots needed, 6 free of 6 on 3 workers"
        cluster.add_workers(1, slots=1)
        stdout, stderr = client.communicate(timeout=TIMEOUT_S)
    finally:
        client.kill()
    assert client.returncode == 0, stderr
    assert sorted(line.split("> ", 1)[1] for line in stdout.splitlines()) == cluster_job_model()
    assert "of job 'cluster job'" in cluster.workers[-1].log


def test_a_jobs_python_files_reach_the_workers_and_leave_with_the_share(cluster: Cluster) -> None:
    result = cluster.run(SCRIPTS / "cluster_files.py")
    assert result.returncode == 0, result.stderr
    lines = sorted(result.stdout.splitlines())

    # n spelled digit by digit, and the area n * (n + 1).
    digits = "zero one two three four five six seven eight nine".split()
    model = sorted(f"{'-'.join(digits[int(d)] for d in str(n))}: {n * (n + 1)}" for n in range(12))
    assert sorted(line.split("> ", 1)[1] for line in lines) == model
    assert lines == single_process_run(SCRIPTS / "cluster_files.py")

    # Each worker wrote the shipped files (the script's own module and lib/shapes.py) to a directory of its own, gone once its share ended.
    written = [re.search(r"of job 'cluster files': (\d+) Python files in (\S+)", worker.log) for worker in cluster.workers]
    directories = [Path(match[2]) for match in written if match]
    assert len(directories) == len(cluster.workers) and all(match[1] == "2" for match in written if match)
    assert len(set(directories)) == len(directories)
    poll("the shares' files removed", lambda: not any(d.exists() for d in directories), timeout_s=30)


def test_two_jobs_bringing_a_module_of_the_same_name_each_import_their_own_on_the_workers(cluster: Cluster, tmp_path: Path) -> None:
    """The worker's interpreter outlives a job: the first job's module, imported inside its map, must not serve the second."""
    script = tmp_path / "job.py"
    script.write_text(
        "import sys\n"
        "from pyflink.common import Types\n"
        "from pyflink.datastream import StreamExecutionEnvironment\n"
        "env = StreamExecutionEnvironment.get_execution_environment()\n"
        "env.set_parallelism(4)\n"
        "env.add_python_file(sys.argv[1])\n"
        "def scaled(n):\n"
        "    from scale_helper import scale\n"
        "    return scale(n)\n"
        "print(sorted(env.from_collection(list(range(8)), Types.INT()).map(scaled, Types.INT()).execute_and_collect()))\n")
    for factor in (10, 100):
        helper = tmp_path / f"v{factor}" / "scale_helper.py"
        helper.parent.mkdir()
        helper.write_text(f"def scale(n):\n    return n * {factor}\n")
        result = cluster.run(script, str(helper))
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == str([n * factor for n in range(8)])


def test_a_killed_worker_fails_the_attempt_and_the_job_restarts_on_the_workers_that_remain(cluster: Cluster, tmp_path: Path) -> None:
    # Last in this module: it kills a worker of the shared cluster.
    go = tmp_path / "go"
    client = cluster.start(SCRIPTS / "cluster_failover.py", str(go))
    try:
        def source_worker() -> str | None:
            job = cluster.job("cluster failover")
            if job.get("state") != "RUNNING" or job.get("pending-reason") is not None:
                return None
            return cluster.gateway.get(f"/jobs/{job['jid']}/vertices/0")["subtasks"][0]["taskmanager-id"]

        victim_id = poll("the job placed", source_worker, timeout_s=60)
        victim = next(w for w in cluster.workers if w.registered_id() == victim_id)
        victim.signal(signal.SIGKILL)
        poll("the attempt failed", lambda: "was lost" in json.dumps(cluster.gateway.get(f"/jobs/{cluster.job('cluster failover')['jid']}/exceptions")),
             timeout_s=30)
        go.touch()
        stdout, stderr = client.communicate(timeout=TIMEOUT_S)
    finally:
        client.kill()
    assert client.returncode == 0, stderr
    # Per key k of 0..199 (k = n % 7): the sum and count of its numbers, once: the first attempt printed nothing.
    expected = sorted(f"{k}: {sum(range(k, 200, 7))} in {len(range(k, 200, 7))}" for k in range(7))
    assert sorted(line.split("> ", 1)[-1] for line in stdout.splitlines()) == expected
    job = cluster.job("cluster failover")
    assert job["state"] == "FINISHED"
    history = cluster.gateway.get(f"/jobs/{job['jid']}/exceptions")["exceptionHistory"]["entries"]
    assert [e["restarted"] for e in history] == [True]
    assert f"worker {victim_id} was lost" in history[0]["stacktrace"]
    assert victim_id not in {s["taskmanager-id"] for s in cluster.gateway.get(f"/jobs/{job['jid']}/vertices/1")["subtasks"]}
