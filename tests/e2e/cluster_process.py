"""A cluster worker for a test: `./pystream worker` on loopback, its log read as it runs."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import threading
import time

from gateway_process import ROOT


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
