"""Python table and aggregate function calls over a batch, as the engine makes them: packed
columns in, rows with their input rows (table functions) or accumulators and values (aggregate
functions) out. Expected values computed by hand."""

from __future__ import annotations

import base64
import json
import pickle
from array import array
from typing import Any

import cloudpickle
import pytest

from pystream._runtime.sql_table_functions import AggregateCalls, TableCall
from pystream.common.types import Row


class Job:
    job_parameters: dict[str, str] = {}


def described(function: Any, argument_types: list[str], **rest: Any) -> dict[str, Any]:
    return {"name": "f", "function": base64.b64encode(cloudpickle.dumps(function)).decode(),
            "arguments": list(range(len(argument_types))), "argument_types": argument_types, **rest}


def bigints(*values: int) -> tuple:
    return array("q", values).tobytes(), None, None


def texts(*values: str) -> tuple:
    ends = array("q")
    total = 0
    for value in values:
        total += len(value)
        ends.append(total)
    return "".join(values).encode(), ends.tobytes(), None


def repeat(s: str, n: int):
    for i in range(n):
        yield Row(s, i) if i % 2 else (s, i)


def test_a_table_call_gives_each_row_with_its_input_row_and_outer_rows_of_nulls() -> None:
    for outer, expected_rows in ((False, [0, 0, 2]), (True, [0, 0, 1, 2])):
        call = TableCall(Job(), json.dumps(described(repeat, ["STRING", "BIGINT"], result_types=["STRING", "BIGINT"], outer=outer)))
        rows, (words, numbers) = call.evaluate(3, [texts("a", "b", "c"), bigints(2, 0, 1)])
        assert list(rows) == expected_rows
        assert list(numbers[0]) == ([0, 1, 0] if not outer else [0, 1, 0, 0])
        assert numbers[2] == (None if not outer else bytes([0, 0, 1, 0]))


def test_single_values_are_rows_of_one_column_and_a_wrong_width_is_named() -> None:
    call = TableCall(Job(), json.dumps(described(lambda n: range(n), ["BIGINT"], result_types=["BIGINT"], outer=False)))
    rows, (values,) = call.evaluate(2, [bigints(1, 2)])
    assert (list(rows), list(values[0])) == ([0, 1, 1], [0, 0, 1])
    wide = TableCall(Job(), json.dumps(described(lambda n: [(n, n, n)], ["BIGINT"], result_types=["BIGINT", "BIGINT"], outer=False)))
    with pytest.raises(TypeError, match=r"3 values, but its result has 2 \(BIGINT, BIGINT\)"):
        wide.evaluate(1, [bigints(1)])


class Sum:
    def create_accumulator(self):
        return [0]

    def accumulate(self, accumulator, n):
        accumulator[0] += n

    def retract(self, accumulator, n):
        accumulator[0] -= n

    def get_value(self, accumulator):
        return accumulator[0]


def test_aggregate_calls_accumulate_and_retract_each_groups_rows_from_its_stored_accumulator() -> None:
    calls = AggregateCalls(Job(), json.dumps({"calls": [described(Sum(), ["BIGINT"], result_type="BIGINT")], "retracts": True}))
    calls.open()
    # Group 0 is new and takes rows 0 and 2; group 1 had 10 and retracts row 1 (~1 = -2) then adds row 3.
    stored, (values,) = calls.aggregate([bigints(1, 4, 5, 7)], [None, pickle.dumps([[10]])],
                                        array("i", [0, 2, ~1, 3]).tobytes(), array("i", [2, 4]).tobytes())
    assert list(values[0]) == [6, 13]
    assert [pickle.loads(s) for s in stored] == [[[6]], [[13]]]


def test_a_changelog_input_needs_retract_named_at_open() -> None:
    class NoRetract:
        create_accumulator, accumulate, get_value = Sum.create_accumulator, Sum.accumulate, Sum.get_value

    calls = AggregateCalls(Job(), json.dumps({"calls": [described(NoRetract(), ["BIGINT"], result_type="BIGINT")], "retracts": True}))
    with pytest.raises(TypeError, match="Python aggregate function f \\(NoRetract\\) has no retract method"):
        calls.open()
