"""Python table and aggregate functions of a SQL query (``pyflink.table.udf.udtf`` and ``udaf``),
called over whole batches.

Columns cross packed as for scalar functions (``sql_functions``). A table function's call gives
back every row the batch's input rows produced, with the index of each one's input row; an
aggregate call gets every group the batch touched, each with its pickled accumulators and its
rows, and gives back the new accumulators and one value per group and function.
"""

from __future__ import annotations

import json
import pickle
from array import array
from collections.abc import Iterable
from typing import Any, Sequence

from pystream._runtime.sql_functions import (FunctionCall, Packed, call_arguments, close_functions, encode_column, guarded,
                                             open_functions)
from pystream.common.types import Row

__all__ = ["TableCall", "AggregateCalls"]


def _produced(result: Any) -> Iterable:
    """What one ``eval`` produced: a generator or collection of rows, or one value (None: nothing)."""
    if result is None:
        return ()
    if isinstance(result, (str, bytes, Row)) or not isinstance(result, Iterable):
        return (result,)
    return result


class TableCall:
    """A Python table function call of one SQL correlate in one subtask."""

    def __init__(self, job: Any, description: str) -> None:
        parsed = json.loads(description)
        self._call = FunctionCall(parsed)
        self._result_types: list[str] = parsed["result_types"]
        self._outer: bool = parsed["outer"]
        self._job_parameters = dict(getattr(job, "job_parameters", {}))

    def open(self) -> None:
        open_functions([self._call], self._job_parameters)

    def close(self) -> None:
        close_functions([self._call])

    def evaluate(self, count: int, columns: list[Packed]) -> tuple[array, list[Packed]]:
        call = self._call
        arguments = call_arguments(call, columns, {})
        inputs = zip(*arguments) if arguments else (() for _ in range(count))
        rows = array("i")
        outputs: list[list] = [[] for _ in self._result_types]
        guarded(call, self._run, inputs, rows, outputs)
        return rows, [guarded(call, encode_column, t, values) for t, values in zip(self._result_types, outputs)]

    def _run(self, inputs: Iterable[tuple], rows: array, outputs: list[list]) -> None:
        evaluate, width, outer = self._call.evaluate, len(outputs), self._outer
        for index, args in enumerate(inputs):
            before = len(rows)
            for item in _produced(evaluate(*args)):
                values = item if width > 1 or isinstance(item, Row) else (item,)
                if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
                    raise TypeError(f"the table function produced {item!r}, not a row of {width} values")
                values = tuple(values)
                if len(values) != width:
                    raise TypeError(f"the table function produced {item!r}: {len(values)} values, but its result has "
                                    f"{width} ({', '.join(self._result_types)})")
                rows.append(index)
                for output, value in zip(outputs, values):
                    output.append(value)
            if outer and len(rows) == before:
                rows.append(index)
                for output in outputs:
                    output.append(None)


class AggregateCalls:
    """The Python aggregate function calls of one SQL GROUP BY in one subtask."""

    def __init__(self, job: Any, description: str) -> None:
        parsed = json.loads(description)
        self._calls = [FunctionCall(call) for call in parsed["calls"]]
        self._retracts: bool = parsed["retracts"]
        self._job_parameters = dict(getattr(job, "job_parameters", {}))

    def open(self) -> None:
        if self._retracts:
            for call in self._calls:
                if not callable(getattr(call.function, "retract", None)):
                    raise TypeError(f"Python aggregate function {call.name} ({type(call.function).__name__}) has no "
                                    "retract method, and its input is a changelog that retracts rows: define "
                                    "retract(accumulator, *args)")
        open_functions(self._calls, self._job_parameters)

    def close(self) -> None:
        close_functions(self._calls)

    def aggregate(self, columns: list[Packed], accumulators: list[bytes | None], rows: bytes,
                  ends: bytes) -> tuple[list[bytes], list[Packed]]:
        decoded: dict[tuple[int, str], Sequence] = {}
        arguments = [call_arguments(call, columns, decoded) if columns else [] for call in self._calls]
        row_indices = array("i")
        row_indices.frombytes(rows)
        group_ends = array("i")
        group_ends.frombytes(ends)
        values: list[list] = [[] for _ in self._calls]
        stored: list[bytes] = []
        start = 0
        for group, accumulator_bytes in enumerate(accumulators):
            end = group_ends[group]
            if accumulator_bytes is None:
                states = [guarded(call, call.function.create_accumulator) for call in self._calls]
            else:
                states = pickle.loads(accumulator_bytes)
            group_rows = row_indices[start:end]
            for call, state, call_values, call_arguments_ in zip(self._calls, states, values, arguments):
                guarded(call, _apply, call.function, state, group_rows, call_arguments_)
                call_values.append(guarded(call, call.function.get_value, state))
            stored.append(pickle.dumps(states, pickle.HIGHEST_PROTOCOL))
            start = end
        return stored, [guarded(call, encode_column, call.result_type, call_values)
                        for call, call_values in zip(self._calls, values)]


def _apply(function: Any, state: Any, rows: array, arguments: list[Sequence]) -> None:
    """Each row accumulated into ``state``, or retracted from it (a row index's complement)."""
    accumulate = function.accumulate
    retract = getattr(function, "retract", None)
    for row in rows:
        if row >= 0:
            accumulate(state, *[column[row] for column in arguments])
        else:
            retract(state, *[column[~row] for column in arguments])  # type: ignore[misc]
