"""User metrics of `./pystream run` reach an OTLP receiver (OTLP/HTTP protobuf, decoded here from
the wire format, since the Aspire dashboard's HTTP API does not read metrics back)."""

from __future__ import annotations

import os
import struct
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Iterator

import pytest

ROOT = Path(__file__).resolve().parents[2]

JOB = '''
from pyflink.common import Types
from pyflink.datastream import StreamExecutionEnvironment
from pyflink.datastream.functions import MapFunction


class Metered(MapFunction):
    def open(self, ctx):
        group = ctx.get_metrics_group().add_group("shop", "eu")
        self.seen = group.counter("seen")
        self.sizes = group.distribution("sizes")

    def map(self, x):
        self.seen.inc(x)
        self.sizes.update(x * 10)
        return x


env = StreamExecutionEnvironment.get_execution_environment()
env.set_parallelism(1)
env.from_collection(list(range(1, 11)), Types.INT()).map(Metered(), Types.INT()).name("metered").print()
env.execute("metered over otlp")
'''

# By hand: seen adds 1..10 (55); sizes sees 10, 20, ..., 100 (10 values, sum 550).
SEEN, SIZES_COUNT, SIZES_SUM = 55, 10, 550


# ---- the protobuf wire format, as far as OTLP metrics need it ----------------------------------

def fields(data: bytes) -> Iterator[tuple[int, int, object]]:
    """(field number, wire type, value) of a message: ints for varints, bytes for the others."""
    i = 0
    while i < len(data):
        key, i = varint(data, i)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, i = varint(data, i)
        elif wire == 1:
            value, i = data[i:i + 8], i + 8
        elif wire == 2:
            length, i = varint(data, i)
            value, i = data[i:i + length], i + length
        elif wire == 5:
            value, i = data[i:i + 4], i + 4
        else:
            raise ValueError(f"wire type {wire}")
        yield number, wire, value


def varint(data: bytes, i: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        byte = data[i]
        i += 1
        result |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return result, i


def attributes(point: bytes, number: int) -> dict[str, object]:
    """KeyValue attributes (field `number` of a data point): string and int values."""
    found: dict[str, object] = {}
    for field, _, kv in fields(point):
        if field != number:
            continue
        parts = dict((f, v) for f, _, v in fields(kv))
        value = dict((f, v) for f, _, v in fields(parts.get(2, b"")))
        found[parts[1].decode()] = value[1].decode() if 1 in value else value.get(3)
    return found


def data_points(request: bytes) -> list[tuple[str, str, dict, dict]]:
    """(metric name, kind, attributes, values) of every data point in an ExportMetricsServiceRequest."""
    points = []
    for _, _, resource_metrics in ((f, w, v) for f, w, v in fields(request) if f == 1):
        for _, _, scope_metrics in ((f, w, v) for f, w, v in fields(resource_metrics) if f == 2):
            for _, _, metric in ((f, w, v) for f, w, v in fields(scope_metrics) if f == 2):
                parts = list(fields(metric))
                name = next(v for f, _, v in parts if f == 1).decode()
                for field, _, body in parts:
                    kind = {5: "gauge", 7: "sum", 9: "histogram"}.get(field)
                    if kind is None:
                        continue
                    for _, _, point in ((f, w, v) for f, w, v in fields(body) if f == 1):
                        values = {f: v for f, _, v in fields(point)}
                        if kind == "histogram":
                            numbers = {"count": struct.unpack("<Q", values[4])[0], "sum": struct.unpack("<d", values[5])[0]}
                            points.append((name, kind, attributes(point, 9), numbers))
                        else:
                            number = struct.unpack("<d", values[4])[0] if 4 in values else struct.unpack("<q", values[6])[0]
                            points.append((name, kind, attributes(point, 7), {"value": number}))
    return points


class Receiver:
    """Takes OTLP/HTTP exports; keeps the metric requests' bodies."""

    def __init__(self) -> None:
        self.metric_requests: list[bytes] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers["Content-Length"]))
                if self.path == "/v1/metrics":
                    receiver.metric_requests.append(body)
                self.send_response(200)
                self.send_header("Content-Type", "application/x-protobuf")
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.endpoint = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    started = Receiver()
    yield started
    started.stop()


def test_user_metrics_reach_an_otlp_receiver_with_their_scope(receiver: Receiver, tmp_path: Path) -> None:
    script = tmp_path / "metered.py"
    script.write_text(JOB)
    env = dict(os.environ, OTEL_EXPORTER_OTLP_ENDPOINT=receiver.endpoint, OTEL_EXPORTER_OTLP_PROTOCOL="http/protobuf",
               OTEL_SERVICE_NAME="pystream-user-metrics")
    result = subprocess.run([str(ROOT / "pystream"), "run", str(script)], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=180)
    assert result.returncode == 0, result.stderr

    # The host flushes before it exits: the last export holds the final values (cumulative).
    points = [p for body in receiver.metric_requests for p in data_points(body) if p[0].startswith("pystream.user.")]
    seen = [p for p in points if p[0] == "pystream.user.shop.seen"]
    sizes = [p for p in points if p[0] == "pystream.user.shop.sizes"]
    assert seen and sizes, sorted({p[0] for p in points})
    name, kind, tags, values = seen[-1]
    assert (kind, values["value"]) == ("sum", SEEN)
    assert {"job": "metered over otlp", "operator": "metered", "shop": "eu", "subtask": 0}.items() <= tags.items()
    assert sizes[-1][1] == "histogram" and sizes[-1][3] == {"count": SIZES_COUNT, "sum": SIZES_SUM}
