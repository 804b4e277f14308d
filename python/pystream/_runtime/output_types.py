"""Whether a function's results fit its declared ``output_type``, checked where PyFlink encodes them.

PyFlink writes each result of a Python function with the coder of the function's
``output_type``, so a result the coder cannot write fails at that function. PyStream keeps
results as Python objects, so nothing would fail until a sink reads them, far from the
user's code. ``output_check_for`` builds, once per type, a check of a whole batch made of
C-level bulk conversions (``array`` of the batch, the set of its element types); only when
a batch fails does ``check_outputs`` look for the first record that does not fit, to name it.

The rules are those of PyFlink's coders: ints for BYTE, SHORT, INT and LONG within their
range (a bool is an int); ints or floats for FLOAT and DOUBLE; a str for STRING and CHAR;
a bool for BOOLEAN (or an int from 0 to 255: the coder writes one byte);
a tuple or list of the right arity for TUPLE, fields not None; a Row (or tuple or list) of
the right arity for ROW, fields may be None. Other types are not checked.
"""

from __future__ import annotations

import linecache
from array import array
from operator import attrgetter, itemgetter
from typing import Any, Callable, Iterable

from pystream.common.typeinfo import BasicType, BasicTypeInfo, RowTypeInfo, TupleTypeInfo, TypeInformation
from pystream.common.types import Row

__all__ = ["Check", "output_check_for", "check_outputs"]

Check = Callable[[Iterable[Any]], None]

_ROW_VALUES = attrgetter("_values")
_ARRAY_CODES = {BasicType.BYTE: "b", BasicType.SHORT: "h", BasicType.INT: "i", BasicType.LONG: "q",
                BasicType.FLOAT: "d", BasicType.DOUBLE: "d"}


class _Misfit(Exception):
    """A batch holds a value that does not fit; ``reason`` says why, for a batch of one."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def output_check_for(type_info: TypeInformation | None) -> Check | None:
    """The batch check of ``type_info``; None when nothing is checked (untyped, or a type not covered)."""
    return _check_for(type_info, "")


def check_outputs(check: Check, records: list, type_info: TypeInformation, operation: str, function: Any) -> None:
    """Raises a TypeError (as PyFlink's coders do) naming the first record of ``records`` that does not fit."""
    try:
        check(records)
        return
    except _Misfit:
        pass
    for record in records:
        try:
            check([record])
        except _Misfit as misfit:
            raise TypeError(f"{operation} returned {_shown(record)}, which does not fit its output_type "
                            f"{type_info!r}: {misfit.reason}{_location(function)}") from None


def _check_for(type_info: TypeInformation | None, path: str) -> Check | None:
    """``path`` is where a field sits in the record (``1``, ``1.0``), empty for the record itself."""
    field = f"field {path} ({type_info!r}) " if path else ""
    if isinstance(type_info, BasicTypeInfo):
        kind = type_info.basic_type
        if kind in _ARRAY_CODES:
            return _array_check(_ARRAY_CODES[kind], field)
        if kind in (BasicType.STRING, BasicType.CHAR):
            return _types_check((str,), field, "a str")
        if kind is BasicType.BOOLEAN:  # PyFlink's coder writes it as one byte
            return _array_check("B", field)
        return None
    if isinstance(type_info, TupleTypeInfo):
        return _fields_check(type_info.get_field_types(), (tuple, list), "a tuple", path, nullable=False)
    if isinstance(type_info, RowTypeInfo):
        return _fields_check(type_info.get_field_types(), (Row, tuple, list), "a Row", path, nullable=True)
    return None


def _array_check(code: str, field: str) -> Check:
    if code == "d":
        wanted = "a float or an int"
    elif code == "B":
        wanted = "a bool (or an int from 0 to 255)"
    else:
        bits = array(code).itemsize * 8
        wanted = f"an int from {-2 ** (bits - 1)} to {2 ** (bits - 1) - 1}"

    def check(values: Iterable[Any]) -> None:
        try:
            array(code, values)  # converts in C, as the coder would; the result is dropped
        except (TypeError, OverflowError):
            raise _Misfit(_reason(field, wanted, _first_misfit(code, values))) from None
    return check


def _first_misfit(code: str, values: Iterable[Any]) -> Any:
    for value in values:
        try:
            array(code, (value,))
        except (TypeError, OverflowError):
            return value
    return None


def _types_check(allowed: tuple[type, ...], field: str, wanted: str) -> Check:
    def check(values: Iterable[Any]) -> None:
        for kind in set(map(type, values)):  # the distinct types of the batch, found in C
            if not issubclass(kind, allowed):
                # (``values`` may be a column read once; the record is then named from a list, by the caller)
                raise _Misfit(_reason(field, wanted, next((v for v in values if type(v) is kind), None)))
    return check


def _fields_check(field_types: list, containers: tuple[type, ...], wanted: str, path: str, nullable: bool) -> Check:
    arity = len(field_types)
    field = f"field {path} " if path else ""
    wanted = f"{wanted} of {arity} fields"
    fields = []
    for i, field_type in enumerate(field_types):
        check_field = _check_for(field_type, f"{path}.{i}" if path else str(i))
        if check_field is not None:
            fields.append((itemgetter(i), check_field))

    def check(values: Iterable[Any]) -> None:
        records = values if isinstance(values, list) else list(values)
        if not records:
            return
        kinds = set(map(type, records))
        for kind in kinds:
            if not issubclass(kind, containers):
                raise _Misfit(_reason(field, wanted, next(v for v in records if type(v) is kind)))
        rows = records
        if Row in kinds:  # a Row's fields by position, without its Python-level __getitem__
            rows = list(map(_ROW_VALUES, records)) if len(kinds) == 1 else \
                [v._values if isinstance(v, Row) else v for v in records]
        if set(map(len, rows)) != {arity}:
            index = next(i for i, v in enumerate(rows) if len(v) != arity)
            raise _Misfit(_reason(field, wanted, records[index]) + f" (it has {len(rows[index])})")
        for get, check_field in fields:
            try:
                check_field(map(get, rows))  # one pass over the column, in C
            except _Misfit:
                column = list(map(get, rows))
                check_field([v for v in column if v is not None] if nullable else column)  # a Row's fields may be null
    return check


def _reason(field: str, wanted: str, value: Any) -> str:
    """``needs X`` for the record itself; ``field i (T) needs X, got v`` for a field of it."""
    return f"needs {wanted}" if not field else f"{field}needs {wanted}, got {_shown(value)}"


def _shown(value: Any) -> str:
    text = repr(value)
    if len(text) > 80:
        text = text[:77] + "..."
    return f"{text} ({type(value).__name__})"


def _location(function: Any) -> str:
    """Where the user's function is defined, as a traceback line (with its source when readable)."""
    target = getattr(function, "__func__", function)
    code = getattr(target, "__code__", None)
    if code is None:
        code = getattr(getattr(type(target), "__call__", None), "__code__", None)
    if code is None:
        return ""
    source = linecache.getline(code.co_filename, code.co_firstlineno).strip()
    return f'\n  File "{code.co_filename}", line {code.co_firstlineno}, in {code.co_name}' + (
        f"\n    {source}" if source else "")
