"""A cluster for a test or a benchmark: `./pystream worker` processes on loopback, their logs read as they run, and
`Cluster`, a coordinator with its workers and job clients that one `stop()` ends."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Callable

from gateway_process import ROOT, Gateway

TIMEOUT_S = 120


def poll(what: str, check: Callable[[], object], timeout_s: float = 60, logs: Callable[[], str] = str) -> object:
    """check()'s first truthy answer (a missing file counts as none), asked every 100 ms up to the deadline."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            answer = check()
        except FileNotFoundError:
            answer = None
        if answer:
            return answer
        assert time.monotonic() < deadline, f"{what}: not within {timeout_s} s\n{logs()}"
        time.sleep(0.1)


def listed(gateway: Gateway) -> dict[str, dict]:
    return {tm["id"]: tm for tm in gateway.get("/taskmanagers")["taskmanagers"]}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Worker:
    def __init__(self, coordinator: str, slots: int, token: str | None = None) -> None:
        environment = dict(os.environ)
        environment.pop("PYSTREAM_TOKEN", None)
        if token:
            environment["PYSTREAM_TOKEN"] = token
        self.process = subprocess.Popen(
            [str(ROOT / "pystream"), "worker", "--coordinator", coordinator, "--slots", str(slots)],
            cwd=ROOT, env=environment, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        self._lines: list[str] = []
        self._changed = threading.Condition()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        for line in self.process.stderr:
            with self._changed:
                self._lines.append(line)
                self._changed.notify_all()
        with self._changed:
            self._changed.notify_all()

    @property
    def log(self) -> str:
        with self._changed:
            return "".join(self._lines)

    def wait_for_log(self, pattern: str, timeout_s: float = 60) -> re.Match:
        """The first match of pattern in the log, waiting for it up to timeout_s (or until the worker ends)."""
        deadline = time.monotonic() + timeout_s
        with self._changed:
            while True:
                match = re.search(pattern, "".join(self._lines))
                if match:
                    return match
                left = deadline - time.monotonic()
                assert left > 0 and (self.process.poll() is None or self._reader.is_alive()), \
                    f"no {pattern!r} in the worker's log:\n{''.join(self._lines)}"
                self._changed.wait(min(left, 1.0))

    def registered_id(self, timeout_s: float = 60) -> str:
        """The id the coordinator gave this worker at its latest registration so far."""
        self.wait_for_log(r"registered with the coordinator at \S+ as \S+", timeout_s)
        return re.findall(r"registered with the coordinator at \S+ as (\S+)", self.log)[-1]

    def signal(self, number: int) -> None:
        self.process.send_signal(number)

    def stop(self) -> str:
        """Kills it if it still runs; returns what it logged."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGCONT)  # a stopped process would not see SIGTERM
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._reader.join(timeout=10)
        return self.log


class Cluster:
    """A coordinator (`./pystream gateway`, by default with `--cluster`), its workers and the job clients started
    through it. A coordinator that replaces a killed one (`replace_gateway`) becomes `gateway`; `stop()` ends every
    process of the cluster: clients still running, workers, gateways."""

    def __init__(self, data: Path, args: tuple[str, ...] = ("--cluster",)) -> None:
        self.gateway = Gateway(data, args=args)
        self.gateways = [self.gateway]
        self.workers: list[Worker] = []
        self.clients: list[subprocess.Popen] = []

    def replace_gateway(self, data: Path, args: tuple[str, ...]) -> Gateway:
        self.gateway = Gateway(data, args=args)
        self.gateways.append(self.gateway)
        return self.gateway

    def add_workers(self, count: int, slots: int = 2, coordinator: str | None = None) -> list[Worker]:
        """Starts them together (each starts its own Python), then waits until the coordinator lists all."""
        started = [Worker(coordinator or self.gateway.rpc, slots=slots) for _ in range(count)]
        self.workers.extend(started)
        ids = [worker.registered_id() for worker in started]
        poll("the workers listed", lambda: set(ids) <= set(listed(self.gateway)))
        return started

    def run(self, script: Path, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, str(script), *args], cwd=ROOT, env=self.gateway.client_env(),
                              capture_output=True, text=True, timeout=TIMEOUT_S)

    def start(self, script: Path | str, *args: str, stdout: int = subprocess.PIPE) -> subprocess.Popen:
        """`python script args` against the coordinator, running on; stopped with the cluster."""
        client = subprocess.Popen([sys.executable, str(script), *args], cwd=ROOT, env=self.gateway.client_env(),
                                  stdout=stdout, stderr=subprocess.PIPE, text=True)
        self.clients.append(client)
        return client

    def job(self, name: str) -> dict:
        jobs = [j for j in self.gateway.get("/jobs/overview")["jobs"] if j["name"] == name]
        return self.gateway.get(f"/jobs/{jobs[0]['jid']}") if jobs else {}

    def stop(self) -> None:
        for client in self.clients:
            if client.poll() is None:
                client.kill()
                client.wait()
        for worker in self.workers:
            worker.stop()
        for gateway in self.gateways:
            gateway.stop()
