"""A gateway for a test: `./pystream gateway` on free loopback ports, stopped with SIGTERM."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import threading
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
STARTED = re.compile(r"Web UI and REST on (http://\S+), gRPC on (\S+)")


class Gateway:
    def __init__(self, data: Path, token: str | None = None, env: dict | None = None, args: tuple[str, ...] = ()) -> None:
        environment = dict(os.environ, **(env or {}))
        environment.pop("PYSTREAM_TOKEN", None)
        if token:
            environment["PYSTREAM_TOKEN"] = token
        self.token = token
        self.process = subprocess.Popen(
            [str(ROOT / "pystream"), "gateway", "--port", "0", "--rpc-port", "0", "--data", str(data), *args],
            cwd=ROOT, env=environment, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        # Ready once it printed where it listens; a bounded read of its first lines.
        self.log: list[str] = []
        match = None
        for _ in range(50):
            line = self.process.stderr.readline()
            if not line:
                break
            self.log.append(line)
            match = STARTED.search(line)
            if match:
                break
        assert match, f"the gateway did not start: {''.join(self.log)}"
        self.url, self.rpc = match.group(1), match.group(2)
        # Keep reading its log, so a full pipe never holds it up.
        self._reader = threading.Thread(target=lambda: self.log.extend(self.process.stderr), daemon=True)
        self._reader.start()

    def client_env(self, **extra: str) -> dict:
        """Environment for `python job.py` against this gateway."""
        env = dict(os.environ, PYSTREAM_GATEWAY=self.rpc, PYTHONUNBUFFERED="1", **extra)
        env.pop("PYSTREAM_TOKEN", None)
        if self.token:
            env["PYSTREAM_TOKEN"] = self.token
        return env

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None,
                token: str | None = "default") -> tuple[int, object]:
        """An HTTP call; the status and the JSON answer (or text, when it is not JSON)."""
        all_headers = dict(headers or {})
        use = self.token if token == "default" else token
        if use:
            all_headers["Authorization"] = f"Bearer {use}"
        request = urllib.request.Request(self.url + path, data=body, method=method, headers=all_headers)
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                status, text = response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            status, text = error.code, error.read().decode()
        try:
            return status, json.loads(text)
        except json.JSONDecodeError:
            return status, text

    def get(self, path: str) -> object:
        status, answer = self.request("GET", path)
        assert status == 200, (path, status, answer)
        return answer

    def stop(self) -> str:
        """Stops it as an operator would; returns what it logged."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._reader.join(timeout=10)
        return "".join(self.log)


def multipart(field: str, filename: str, content: bytes) -> tuple[bytes, dict]:
    """A multipart/form-data body with one file."""
    boundary = "pystream-test-boundary"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{filename}\"\r\n"
            f"Content-Type: text/x-python\r\n\r\n").encode() + content + f"\r\n--{boundary}--\r\n".encode()
    return body, {"Content-Type": f"multipart/form-data; boundary={boundary}"}


def run_through_a_gateway(script: Path, data: Path, timeout_s: float) -> subprocess.CompletedProcess:
    """``python SCRIPT`` against a gateway of its own (started in ``data``, stopped afterwards): one user's gateway,
    which runs its jobs in its own process, as the local gateway ``python job.py`` starts does (docs/cluster.md)."""
    gateway = Gateway(data, args=("--local-workers", "off"))
    try:
        return subprocess.run([str(ROOT / ".venv" / "bin" / "python"), str(script)], cwd=ROOT,
                              env=gateway.client_env(), capture_output=True, text=True, timeout=timeout_s)
    finally:
        gateway.stop()
