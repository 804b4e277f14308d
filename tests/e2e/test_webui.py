"""The Web UI in a real headless Chromium (Debian's, driven by npm playwright-core): see a running
job's graph and counters move, cancel it; submit a script by upload; see a script's error."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
from pathlib import Path
from typing import Iterator

import pytest

from cluster_process import Worker
from gateway_process import ROOT, Gateway
from test_cluster import listed, poll
from test_gateway import run_client, start_running_job

WEBUI = ROOT / "tests" / "webui"
SCRIPTS = Path(__file__).parent / "scripts"


@pytest.fixture(scope="module")
def gateway(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Gateway]:
    # The pages' subject is the UI; the REST numbers it shows are tested on local workers (test_rest_views.py), and
    # its cluster pages below run on workers. One process starts each job faster (docs/cluster.md).
    gateway = Gateway(tmp_path_factory.mktemp("webui-gateway"), args=("--local-workers", "off"))
    yield gateway
    gateway.stop()


def node(script: str, *args: str) -> subprocess.CompletedProcess:
    assert (WEBUI / "node_modules" / "playwright-core").is_dir(), "run the tests through ./pystream test, which installs playwright-core"
    return subprocess.run([shutil.which("node") or "node", str(WEBUI / script), *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=180)


def test_a_running_jobs_graph_and_counters_move_and_cancel_stops_it(gateway: Gateway, tmp_path: Path) -> None:
    job_id = start_running_job(gateway, tmp_path, "watched in a browser")
    result = node("webui-check.mjs", gateway.url, job_id)
    assert result.returncode == 0, result.stdout + result.stderr
    assert gateway.get(f"/jobs/{job_id}")["state"] == "CANCELED"


def test_the_job_pages_subtasks_checkpoints_output_configuration_and_stop(gateway: Gateway, tmp_path: Path) -> None:
    running = start_running_job(gateway, tmp_path, "deeper views")
    assert run_client(gateway, SCRIPTS / "parallel.py").returncode == 0
    assert run_client(gateway, SCRIPTS / "user_error.py").returncode == 1
    jobs = {j["name"]: j["jid"] for j in gateway.get("/jobs/overview")["jobs"]}
    printed = (SCRIPTS.parent / "expected" / "parallel.txt").read_text().splitlines()[0]
    result = node("webui-views.mjs", gateway.url, running, jobs["parallel"], printed, jobs["user error"])
    assert result.returncode == 0, result.stdout + result.stderr
    assert gateway.get(f"/jobs/{running}")["state"] == "FINISHED"
    assert gateway.get(f"/jobs/{running}/checkpoints")["latest"]["savepoint"]["is_savepoint"] is True


def test_a_script_submitted_by_upload_runs(gateway: Gateway) -> None:
    result = node("webui-upload.mjs", gateway.url, str(SCRIPTS / "parallel.py"))
    assert result.returncode == 0, result.stdout + result.stderr
    job_id = next(line.split()[1] for line in result.stdout.splitlines() if line.startswith("job: "))
    assert gateway.get(f"/jobs/{job_id}")["name"] == "parallel"


def test_an_uploaded_scripts_error_is_shown(gateway: Gateway, tmp_path: Path) -> None:
    broken = tmp_path / "broken.py"
    broken.write_text("total = 1 / 0\n")
    result = node("webui-upload.mjs", gateway.url, str(broken), "--expect-error", "ZeroDivisionError")
    assert result.returncode == 0, result.stdout + result.stderr


def test_an_uploaded_script_that_starts_no_job_is_listed_and_cancelled(gateway: Gateway, tmp_path: Path) -> None:
    endless = tmp_path / "endless.py"
    endless.write_text("while True:\n    pass\n")
    result = node("webui-uploads.mjs", gateway.url, str(endless))
    assert result.returncode == 0, result.stdout + result.stderr
    upload_id = next(line.split()[1] for line in result.stdout.splitlines() if line.startswith("upload: "))
    cancelled = gateway.get(f"/jobs/uploads/{upload_id}")
    assert (cancelled["name"], cancelled["state"]) == ("endless.py", "CANCELED")
    assert not Path(f"/proc/{cancelled['pid']}").exists()


def test_an_uploaded_script_on_a_cluster_shows_its_worker_and_is_cancelled_there(tmp_path: Path) -> None:
    assert (WEBUI / "node_modules" / "playwright-core").is_dir(), "run the tests through ./pystream test, which installs playwright-core"
    gateway = Gateway(tmp_path / "cluster", args=("--cluster",))
    worker = Worker(gateway.rpc, slots=1)
    try:
        worker_id = worker.registered_id()
        poll("the worker listed", lambda: worker_id in listed(gateway))
        endless = tmp_path / "endless.py"
        endless.write_text("while True:\n    pass\n")
        result = node("webui-uploads.mjs", gateway.url, str(endless), "--runs-on", worker_id)
        assert result.returncode == 0, result.stdout + result.stderr
        upload_id = next(line.split()[1] for line in result.stdout.splitlines() if line.startswith("upload: "))
        cancelled = gateway.get(f"/jobs/uploads/{upload_id}")
        assert (cancelled["state"], cancelled["worker"]) == ("CANCELED", worker_id)
        poll("its process gone", lambda: not Path(f"/proc/{cancelled['pid']}").exists())
    finally:
        worker.stop()
        gateway.stop()


def test_the_ui_names_its_icon_and_the_gateway_serves_it(gateway: Gateway) -> None:
    status, page = gateway.request("GET", "/")
    assert status == 200 and '<link rel="icon" href="favicon.svg"' in page
    status, icon = gateway.request("GET", "/favicon.svg")
    assert status == 200 and str(icon).startswith("<svg")


def test_the_workers_page_lists_a_clusters_workers_and_drops_a_stopped_one(tmp_path: Path) -> None:
    assert (WEBUI / "node_modules" / "playwright-core").is_dir(), "run the tests through ./pystream test, which installs playwright-core"
    gateway = Gateway(tmp_path / "cluster", args=("--cluster", "--heartbeat-interval", "200 ms", "--heartbeat-timeout", "3 s"))
    workers = [Worker(gateway.rpc, slots=2), Worker(gateway.rpc, slots=3)]
    browser = None
    try:
        ids = [worker.registered_id() for worker in workers]
        browser = subprocess.Popen([shutil.which("node") or "node", str(WEBUI / "webui-workers.mjs"), gateway.url, f"{ids[0]}:2", f"{ids[1]}:3"],
                                   cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        printed = []
        for line in browser.stdout:  # bounded: the check fails by itself within its step timeouts
            printed.append(line)
            if line.startswith(f"waiting: {ids[0]} gone"):
                workers[0].signal(signal.SIGKILL)
        assert browser.wait(timeout=180) == 0, "".join(printed)
    finally:
        if browser is not None and browser.poll() is None:
            browser.kill()
        for worker in workers:
            worker.stop()
        gateway.stop()


def test_a_cluster_jobs_page_says_why_it_waits_and_names_the_worker_of_each_subtask(tmp_path: Path) -> None:
    assert (WEBUI / "node_modules" / "playwright-core").is_dir(), "run the tests through ./pystream test, which installs playwright-core"
    gateway = Gateway(tmp_path / "cluster", args=("--cluster",))
    workers = [Worker(gateway.rpc, slots=2)]
    client = browser = None
    try:
        first = workers[0].registered_id()
        poll("the worker listed", lambda: first in listed(gateway))
        # Parallelism 3 on 2 slots: the job waits (up to a minute) until a worker with a third slot joins.
        client = subprocess.Popen([sys.executable, str(SCRIPTS / "cluster_job.py"), "60 s", "3"], cwd=ROOT, env=gateway.client_env(),
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        job_id = poll("the job submitted", lambda: next((j["jid"] for j in gateway.get("/jobs/overview")["jobs"]), None))
        reason = "waiting for slots: 3 slots needed, 2 free of 2 on 1 workers"
        vertex = next(v["id"] for v in gateway.get(f"/jobs/{job_id}")["vertices"] if v["parallelism"] == 3)
        browser = subprocess.Popen([shutil.which("node") or "node", str(WEBUI / "webui-cluster-job.mjs"), gateway.url, job_id, str(vertex), reason],
                                   cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        printed = []
        for line in browser.stdout:  # bounded: the check fails by itself within its step timeouts
            printed.append(line)
            if line.startswith("waiting: a worker"):
                workers.append(Worker(gateway.rpc, slots=1))
        assert browser.wait(timeout=180) == 0, "".join(printed)
        second = workers[1].registered_id()
        # Slots spread over the workers before any fills up, in the order they registered: subtask i in the i-th slot taken.
        shown = next(line for line in printed if line.startswith("workers: ")).split(": ", 1)[1].strip()
        assert shown == f"1={first},2={second},3={first}"
        assert client.wait(timeout=120) == 0, client.stderr.read()
    finally:
        for process in (browser, client):
            if process is not None and process.poll() is None:
                process.kill()
        for worker in workers:
            worker.stop()
        gateway.stop()
