"""The local gateway that `python job.py` starts by itself: it says where its Web UI is and stops by itself."""

from __future__ import annotations

import json
import os
import re
import select
import signal
import subprocess
from pathlib import Path

from gateway_process import ROOT

PYTHON = str(ROOT / ".venv" / "bin" / "python")
TIMEOUT_S = 600  # the first start of a gateway may build the engine

# 16 records at 0.25 s each: the job runs at least 4 s, longer than the 2 s idle timeout below.
SLOW_JOB = """
import time
from pyflink.common import Types
from pyflink.datastream import StreamExecutionEnvironment


def slow_square(n):
    time.sleep(0.25)
    return n * n


env = StreamExecutionEnvironment.get_execution_environment()
env.set_parallelism(1)
env.from_collection(list(range(16)), Types.INT()).map(slow_square, Types.INT()).print()
env.execute("slow squares")
"""

# A stand-in for a notebook kernel: the client tells a kernel by ipykernel being imported.
KERNEL_JOB = """
import ipykernel
from pyflink.common import Types
from pyflink.datastream import StreamExecutionEnvironment

env = StreamExecutionEnvironment.get_execution_environment()
env.from_collection([1, 2, 3], Types.INT()).print()
env.execute("in a kernel")
"""


def _client_env(tmp_path: Path, **extra: str) -> dict:
    env = dict(os.environ, PYSTREAM_LOCAL_GATEWAY_DIR=str(tmp_path / "local"), PYTHONUNBUFFERED="1", **extra)
    for variable in ("PYSTREAM_GATEWAY", "PYSTREAM_TOKEN", "PYSTREAM_LOCAL_GATEWAY_KEEP"):
        if variable not in extra:
            env.pop(variable, None)
    return env


def _run(tmp_path: Path, source: str, **extra: str) -> subprocess.CompletedProcess:
    script = tmp_path / "job.py"
    script.write_text(source)
    return subprocess.run([PYTHON, str(script)], env=_client_env(tmp_path, **extra), capture_output=True, text=True,
                          timeout=TIMEOUT_S)


def _gateway(tmp_path: Path) -> dict:
    return json.loads((tmp_path / "local" / "address.json").read_text())


def _exits_within(pid: int, seconds: float) -> bool:
    """Whether the process (not our child) ends within the bound; watched through a pidfd."""
    try:
        descriptor = os.pidfd_open(pid)
    except ProcessLookupError:
        return True
    try:
        return bool(select.select([descriptor], [], [], seconds)[0])
    finally:
        os.close(descriptor)


def _stop(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    if not _exits_within(pid, 60):
        os.kill(pid, signal.SIGKILL)


def test_the_local_gateway_says_where_its_web_ui_is_outlives_a_long_job_and_then_stops_when_idle(tmp_path: Path) -> None:
    result = _run(tmp_path, SLOW_JOB, PYSTREAM_LOCAL_GATEWAY_IDLE_TIMEOUT="2 s")
    gateway = _gateway(tmp_path)
    try:
        # The job ran longer than the idle timeout: a running job kept the gateway alive.
        assert result.returncode == 0, result.stderr
        assert sorted(int(line) for line in result.stdout.split()) == sorted(n * n for n in range(16))
        log = tmp_path / "local" / "gateway.log"
        assert result.stderr.splitlines() == [
            f"pystream: started a local gateway, Web UI at {gateway['rest']} (stops after 2 s without jobs or requests; log: {log})"]
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+", gateway["rest"])
        assert _exits_within(gateway["pid"], 60), "the idle gateway did not stop"
        assert "pystream gateway: stopping: no job and no request for 2 s (--idle-timeout)" in log.read_text()
    finally:
        _stop(gateway["pid"])


def test_a_kernels_gateway_stops_when_the_kernel_exits(tmp_path: Path) -> None:
    result = _run(tmp_path, KERNEL_JOB, PYSTREAM_LOCAL_GATEWAY_IDLE_TIMEOUT="10 min")
    gateway = _gateway(tmp_path)
    try:
        assert result.returncode == 0, result.stderr
        assert "(stops when this kernel exits or after 10 min without jobs or requests;" in result.stderr
        assert _exits_within(gateway["pid"], 60), "the gateway outlived the kernel that started it"
        assert "has exited and no job is running" in (tmp_path / "local" / "gateway.log").read_text()
    finally:
        _stop(gateway["pid"])


def test_a_kernels_gateway_stays_when_asked(tmp_path: Path) -> None:
    result = _run(tmp_path, KERNEL_JOB, PYSTREAM_LOCAL_GATEWAY_KEEP="1", PYSTREAM_LOCAL_GATEWAY_IDLE_TIMEOUT="10 min")
    gateway = _gateway(tmp_path)
    try:
        assert result.returncode == 0, result.stderr
        assert "(stops after 10 min without jobs or requests;" in result.stderr
        command_line = Path(f"/proc/{gateway['pid']}/cmdline").read_bytes().split(b"\0")
        assert b"--idle-timeout" in command_line and b"--owner-pid" not in command_line
    finally:
        _stop(gateway["pid"])
