"""``TableResult``, as in ``pyflink.table.table_result``: what a statement returned.

An OK statement (DDL, SET) prints ``OK``; rows the engine computed (SHOW, DESCRIBE) and a query's
rows print as Flink's tableau (``_tableau.print_table``). A query's rows arrive from its job's
collect sink in the engine's row encoding (``_wire.decode_rows``); in streaming mode ``print()``
shows each row as it arrives, with the ``op`` column.
"""

from __future__ import annotations

import sys
import time
from typing import Any, Callable, Iterable, Iterator

from pystream import _bridge
from pystream._proto import sql_pb2
from pystream._pyflink_api import install_unsupported
from pystream.common.types import Row, RowKind
from pystream.datastream.job_client import JobClient
from pystream.datastream.stream_execution_environment import _CollectIterator
from pystream.table._tableau import print_table
from pystream.table._wire import decode_rows
from pystream.table.result_kind import ResultKind
from pystream.table.table_schema import TableSchema
from pystream.table.types import DataTypes, _parse_type

__all__ = ["TableResult", "CloseableIterator"]

_DEFAULT_MAX_COLUMN_WIDTH = 30
_ROW_KINDS = tuple(RowKind)


def _response_rows(response: sql_pb2.SqlResponse) -> list[tuple[int, tuple, tuple]]:
    """The rows the engine computed and sent in its response (SHOW, DESCRIBE, EXPLAIN)."""
    return decode_rows(response.rows) if response.rows else []


def _now_ms() -> int:
    return time.monotonic_ns() // 1_000_000


class CloseableIterator(Iterator[Row]):
    """The rows of a result as PyFlink ``Row``s (their row kind set); ``close()`` (or leaving a ``with``
    block) cancels a query's job that is still running."""

    def __init__(self, records: Iterator[tuple[int, tuple, tuple]], close: Callable[[], None]) -> None:
        self._records = records
        self._close = close

    def __next__(self) -> Row:
        kind, values, _ = next(self._records)
        row = Row(*values)
        row.set_row_kind(_ROW_KINDS[kind])
        return row

    def __iter__(self) -> "CloseableIterator":
        return self

    def close(self) -> None:
        self._close()

    def __enter__(self) -> "CloseableIterator":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


class TableResult:
    def __init__(self, response: sql_pb2.SqlResponse, collect_id: str, batch: bool,
                 build_job: Callable[[], bytes] | None = None) -> None:
        """``build_job``: the job to run instead of the response's as it is (a job that reads DataStreams
        joined with their nodes; built when the job starts, after the engine said how functions travel)."""
        self._response = response
        self._collect_id = collect_id
        self._batch = batch
        self._client: JobClient | None = None
        if response.kind == sql_pb2.SqlResponse.JOB:
            started = _now_ms()
            self._client = JobClient(_bridge.start_job(build_job or (lambda: response.job)), started, _now_ms)
        self._is_query = self._client is not None and response.query
        self._collecting = False

    def get_job_client(self) -> JobClient | None:
        return self._client

    def wait(self, timeout_ms: int | None = None) -> None:
        """Waits until the statement's job ended (a query: until its rows are all there); raises its failure."""
        if self._client is None:
            return
        future = self._client.get_job_execution_result()
        future.result(None if timeout_ms is None else timeout_ms / 1000)

    def get_table_schema(self) -> TableSchema:
        columns = self._columns()
        return TableSchema([c.name for c in columns], [_parse_type(c.type) for c in columns])

    def get_result_kind(self) -> ResultKind:
        if self._response.kind == sql_pb2.SqlResponse.OK:
            return ResultKind.SUCCESS
        return ResultKind.SUCCESS_WITH_CONTENT

    def collect(self) -> CloseableIterator:
        """The result's rows as ``Row``s; for a query, as its job produces them (once: the rows are not kept)."""
        if not self._is_query:
            return CloseableIterator(iter(self._fixed_rows()), lambda: None)
        records = self._query_records()
        return CloseableIterator(records, records.close)

    def print(self) -> None:
        """Prints the result as Flink does: ``OK``, or a tableau of the rows (streaming: as they arrive)."""
        if self._response.kind == sql_pb2.SqlResponse.OK:
            print("OK")
            return
        columns = self._columns()
        names = [c.name for c in columns]
        max_width = self._response.max_column_width or _DEFAULT_MAX_COLUMN_WIDTH
        write = sys.stdout.write
        if self._response.raw_content:  # EXPLAIN: the text as it is
            for _, values, _ in self._fixed_rows():
                print(*values)
            return
        if not self._is_query:
            # Rows the engine computed (SHOW, DESCRIBE, an INSERT's -1): widths from the values, nulls empty, no cap.
            rows = [(kind, texts) for kind, _, texts in self._fixed_rows()]
            print_table(names, None, rows, streaming=False, max_width=sys.maxsize, write=write, null_as_empty=True)
            return
        # A query: widths from the types in both modes; the op column in streaming mode only.
        records = self._query_records()
        try:
            print_table(names, [c.type_width for c in columns], ((kind, texts) for kind, _, texts in records),
                         streaming=not self._batch, max_width=max_width, write=_flushing(write))
        finally:
            records.close()

    def _columns(self) -> list[sql_pb2.ResultColumn]:
        if self._response.columns:
            return list(self._response.columns)
        return [sql_pb2.ResultColumn(name="result", type=str(DataTypes.STRING()))]  # Flink's OK result

    def _fixed_rows(self) -> list[tuple[int, tuple, tuple]]:
        if self._response.kind == sql_pb2.SqlResponse.OK:
            return [(0, ("OK",), ("OK",))]
        return _response_rows(self._response)

    def _query_records(self) -> _CollectIterator:
        if self._collecting:
            raise RuntimeError("a query's result can be read once: its rows were read already "
                               "(by collect() or print()); run the query again for them")
        self._collecting = True
        assert self._client is not None
        return _CollectIterator(self._client, self._collect_id, None, decode=decode_rows)


def _flushing(write: Callable[[str], Any]) -> Callable[[str], None]:
    """Streaming rows show as they arrive, so each write is flushed."""
    def write_now(text: str) -> None:
        write(text)
        sys.stdout.flush()
    return write_now


install_unsupported(TableResult)
