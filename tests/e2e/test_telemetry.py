"""Spans and metrics of ./pystream run reach a real OTLP receiver (the Aspire dashboard) when OTEL_* variables say where."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import urllib.request
from pathlib import Path
from typing import Iterator

import pytest

ROOT = Path(__file__).resolve().parents[2]
RECEIVER = ROOT / "tests" / "tools" / "otlp-receiver" / "otlp-receiver.csproj"
VERSION = "13.6.5"

JOB = '''
from pyflink.common import Types
from pyflink.datastream import StreamExecutionEnvironment

env = StreamExecutionEnvironment.get_execution_environment()
env.set_parallelism(2)
env.from_collection(list(range(100)), Types.INT()).map(lambda x: x * 2, Types.INT()) \\
   .key_by(lambda x: x % 3).reduce(lambda a, b: a + b).print()
env.execute("traced job")
'''


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def dashboard_binary() -> Path:
    """The Aspire dashboard from the NuGet cache, restored there on first use."""
    subprocess.run(["dotnet", "restore", str(RECEIVER), "-v", "quiet"], check=True, capture_output=True, timeout=600)
    packages = subprocess.run(["dotnet", "nuget", "locals", "global-packages", "-l"], check=True, capture_output=True, text=True).stdout
    root = Path(packages.split("global-packages:", 1)[1].strip())
    return root / "aspire.dashboard.sdk.linux-x64" / VERSION / "tools" / "Aspire.Dashboard"


class Receiver:
    def __init__(self) -> None:
        self.ui = f"http://127.0.0.1:{free_port()}"
        self.otlp = f"http://127.0.0.1:{free_port()}"
        env = dict(os.environ, ASPNETCORE_URLS=self.ui, ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL=self.otlp,
                   ASPIRE_DASHBOARD_UNSECURED_ALLOW_ANONYMOUS="true")
        self.process = subprocess.Popen([str(dashboard_binary())], env=env, stdout=subprocess.PIPE, text=True)
        # It is ready once it has printed its OTLP endpoint; a bounded read of its start-up lines.
        for _ in range(200):
            line = self.process.stdout.readline()
            if not line or "OTLP/gRPC" in line:
                break
        assert self.process.poll() is None, "the OTLP receiver did not start"

    def get(self, path: str) -> object:
        with urllib.request.urlopen(self.ui + path, timeout=30) as response:
            return json.load(response)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    started = Receiver()
    yield started
    started.stop()


def test_a_jobs_spans_and_metrics_reach_an_otlp_receiver(receiver: Receiver, tmp_path: Path) -> None:
    script = tmp_path / "traced_job.py"
    script.write_text(JOB)
    env = dict(os.environ, OTEL_EXPORTER_OTLP_ENDPOINT=receiver.otlp, OTEL_SERVICE_NAME="pystream-e2e")
    result = subprocess.run([str(ROOT / "pystream"), "run", str(script)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stderr

    # The host flushes before it exits, so everything is there now.
    spans = [span for batch in receiver.get("/api/telemetry/traces")["data"]["resourceSpans"]
             for scope in batch["scopeSpans"] if scope["scope"]["name"] == "PyStream" for span in scope["spans"]]
    by_name = {span["name"]: span for span in spans}
    assert {"job", "job run"} <= by_name.keys()
    assert by_name["job run"]["parentSpanId"] == by_name["job"]["spanId"]
    job_attributes = {a["key"]: a["value"].get("stringValue") for a in by_name["job"]["attributes"]}
    assert job_attributes["pystream.job"] == "traced job" and job_attributes["pystream.job.status"] == "Finished"
    resources = {r["name"]: r for r in receiver.get("/api/telemetry/resources")}
    assert resources["pystream-e2e"]["hasMetrics"]



def test_the_clients_trace_context_flows_through_the_gateway_into_the_job_spans(receiver: Receiver, tmp_path: Path) -> None:
    from gateway_process import Gateway

    script = tmp_path / "traced_job.py"
    script.write_text(JOB)
    trace_id, client_span = "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7"
    # Its subject is the trace context, not where functions run: one process, which starts faster (docs/cluster.md).
    gateway = Gateway(tmp_path / "gateway", env={"OTEL_EXPORTER_OTLP_ENDPOINT": receiver.otlp, "OTEL_SERVICE_NAME": "pystream-gateway-e2e"},
                      args=("--local-workers", "off"))
    try:
        env = gateway.client_env(TRACEPARENT=f"00-{trace_id}-{client_span}-01")
        result = subprocess.run([str(ROOT / ".venv" / "bin" / "python"), str(script)], env=env, capture_output=True, text=True, timeout=180)
        assert result.returncode == 0, result.stderr
    finally:
        gateway.stop()  # stopping flushes its exporters

    spans = [span for batch in receiver.get("/api/telemetry/traces")["data"]["resourceSpans"]
             for scope in batch["scopeSpans"] for span in scope["spans"] if span["traceId"] == trace_id]
    by_name = {span["name"]: span for span in spans}
    assert {"submit job", "job", "job run"} <= by_name.keys(), sorted(by_name)
    request = next(s for s in spans if s["spanId"] == by_name["submit job"]["parentSpanId"])
    assert request["parentSpanId"] == client_span  # the gRPC call's span continues the client's trace
    assert by_name["job"]["parentSpanId"] == by_name["submit job"]["spanId"]
    assert by_name["job run"]["parentSpanId"] == by_name["job"]["spanId"]
