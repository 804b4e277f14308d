"""``KeyedStream.sum/min/max/min_by/max_by`` as reduce functions, with PyFlink's semantics.

``sum/min/max(field)`` keep the first record of the key and replace only ``field``;
``min_by/max_by(field)`` keep the whole record holding the extreme (the first on ties).
A field is a position (tuples, lists, rows) or a name (rows); plain numbers aggregate
as themselves.
"""

from __future__ import annotations

from typing import Any, Callable

from pystream.common.types import Row
from pystream.datastream.functions import ReduceFunction

__all__ = ["FieldAggregation"]


def _field_getter(field: int | str) -> Callable[[Any], Any]:
    def get(record: Any) -> Any:
        if isinstance(record, (int, float)) and not isinstance(record, bool):
            return record
        if isinstance(field, str):
            if isinstance(record, Row):
                return record[field]
            raise TypeError(f"field '{field}' needs Row records, got {type(record).__name__}")
        return record[field]
    return get


def _with_field(record: Any, field: int | str, value: Any) -> Any:
    if isinstance(record, (int, float)) and not isinstance(record, bool):
        return value
    if isinstance(record, tuple):
        return record[:field] + (value,) + record[field + 1:]
    if isinstance(record, list):
        copy = list(record)
        copy[field] = value
        return copy
    if isinstance(record, Row):
        copy = Row(*record._values)
        if record._names is not None:
            copy.set_field_names(record._names)
        copy.set_row_kind(record.get_row_kind())
        copy[field] = value
        return copy
    raise TypeError(f"cannot aggregate a field of {type(record).__name__} records")


class FieldAggregation(ReduceFunction):
    """One of sum, min, max, min_by, max_by over one field."""

    def __init__(self, kind: str, field: int | str) -> None:
        if kind not in ("sum", "min", "max", "min_by", "max_by"):
            raise ValueError(f"unknown aggregation {kind}")
        if not isinstance(field, (int, str)) or isinstance(field, bool):
            raise TypeError("the field to aggregate is a position (int) or a field name (str)")
        self.kind = kind
        self.field = field

    def open(self, runtime_context: Any) -> None:
        self._get = _field_getter(self.field)

    def reduce(self, value1: Any, value2: Any) -> Any:
        get = self._get
        a, b = get(value1), get(value2)
        kind = self.kind
        if kind == "sum":
            return _with_field(value1, self.field, a + b)
        if kind == "min":
            return value1 if a <= b else _with_field(value1, self.field, b)
        if kind == "max":
            return value1 if a >= b else _with_field(value1, self.field, b)
        if kind == "min_by":
            return value2 if b < a else value1
        return value2 if b > a else value1
