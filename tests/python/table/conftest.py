"""A fake engine in ``_bridge``'s place: it records each SqlRequest and answers as a test scripts it.

Result rows travel in the fake as JSON (``[kind, values, texts]`` per row) and are decoded by a
stand-in for ``_wire.decode_rows``; ``print_table`` is recorded instead of printed, so these tests
pin what the table API sends and how it hands rows on, not the tableau's format.
"""

import json
from types import SimpleNamespace

import pytest

from pystream import _bridge
from pystream._proto import jobspec_pb2, sql_pb2
from pystream.table import table_result

OK = sql_pb2.SqlResponse.OK
ROWS = sql_pb2.SqlResponse.ROWS
JOB = sql_pb2.SqlResponse.JOB


def encode_rows(rows):
    """Rows as the fake wire carries them: (kind, values, texts) each."""
    return json.dumps([[kind, list(values), list(texts)] for kind, values, texts in rows]).encode()


def decode_rows(data):
    return [(kind, tuple(values), tuple(texts)) for kind, values, texts in json.loads(data)]


def query_job(collect_id):
    """A job spec whose collect sink delivers under ``collect_id`` (what the engine plans for a query)."""
    spec = jobspec_pb2.JobSpec(name="query")
    spec.transformations.add(id=1, sink=jobspec_pb2.SinkSpec(collect=jobspec_pb2.CollectSink(collect_id=collect_id)))
    return spec.SerializeToString()


class DotNetError(Exception):
    """What pythonnet raises for an engine exception: ``Message`` and ``GetType()``."""

    def __init__(self, full_name, message):
        super().__init__(message)
        self.Message = message
        self._type = SimpleNamespace(FullName=full_name, Name=full_name.rsplit(".", 1)[-1])

    def GetType(self):
        return self._type


class FakeJob:
    def __init__(self, spec, batches):
        self.job_id = "0" * 32
        self.spec = spec
        self._batches = list(batches)  # (collect id, rows) in delivery order, one per drain
        self.cancelled = False

    def status(self):
        return "CANCELED" if self.cancelled else ("FINISHED" if not self._batches else "RUNNING")

    def wait(self, timeout_ms):
        return not self._batches or self.cancelled

    def failure(self):
        return None

    def drain(self, collect_id):
        if not self._batches:
            return []
        wanted, rows = self._batches.pop(0)
        assert wanted == collect_id
        return [encode_rows(rows)]

    def cancel(self):
        self.cancelled = True


class FakeEngine:
    def __init__(self):
        self.requests = []
        self.answers = []  # callables (request) -> SqlResponse, one per statement; then OK for every statement
        self.jobs = []  # a test gives each its batches once the collect id is known

    def answer(self, *answers):
        self.answers.extend(answers)

    def sql(self, data):
        request = sql_pb2.SqlRequest.FromString(data)
        self.requests.append(request)
        response = self.answers.pop(0)(request) if self.answers else sql_pb2.SqlResponse(kind=OK)
        return response.SerializeToString()

    def start(self, spec):
        job = FakeJob(bytes(spec), [])
        self.jobs.append(job)
        return job


@pytest.fixture
def engine(monkeypatch):
    fake = FakeEngine()
    monkeypatch.setattr(_bridge, "_engine", fake)
    monkeypatch.setattr(table_result, "decode_rows", decode_rows)
    return fake


@pytest.fixture
def printed(monkeypatch):
    """The print_table calls, with the rows they were given (read as print_table reads them)."""
    calls = []

    def record(names, type_widths, rows, *, streaming, max_width, write, null_as_empty=False):
        calls.append(SimpleNamespace(names=names, type_widths=type_widths, rows=list(rows), streaming=streaming,
                                     max_width=max_width))

    monkeypatch.setattr(table_result, "print_table", record)
    return calls
