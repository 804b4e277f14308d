"""Python scalar functions of a SQL query (``pyflink.table.udf``), evaluated over whole batches.

The engine sends the argument columns of a batch as packed bytes, once each: fixed-width
values as their memory, strings and bytes concatenated with int64 end offsets, decimals as
text, null masks as one byte per row. A fixed-width column without nulls is a ``memoryview`` of
its bytes, other columns become lists in a few C-level steps; each function is mapped over its
arguments with ``map``, and each result list is packed the same way (numbers by ``struct``). Nothing here loops in Python per row but
the user's function itself, and the conversions of values that have no packed form in C
(strings with non-ASCII characters, decimals, dates and times).
"""

from __future__ import annotations

import base64
import json
import struct
from array import array
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from functools import lru_cache
from itertools import accumulate
from typing import Any, Callable, Sequence

import cloudpickle

from pystream._runtime.errors import OPERATOR_ATTRIBUTE

__all__ = ["ScalarCalls", "decode_column", "encode_column"]

# (data, ends, nulls): bytes or arrays, whose buffers C# reads.
Packed = tuple[Any, Any, "bytes | None"]

_FIXED = {"BIGINT": "q", "INT": "i", "SMALLINT": "h", "TINYINT": "b", "DOUBLE": "d", "FLOAT": "f", "BOOLEAN": "?"}
_EPOCH = datetime(1970, 1, 1)
_EPOCH_UTC = datetime(1970, 1, 1, tzinfo=timezone.utc)
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
_MICROSECOND = timedelta(microseconds=1)


def _kind(type_text: str) -> str:
    """The type's name without parameters or nullability: ``DECIMAL(10, 2) NOT NULL`` -> ``DECIMAL``."""
    for stop in ("(", " "):
        cut = type_text.find(stop)
        if cut >= 0:
            type_text = type_text[:cut]
    return "STRING" if type_text in ("VARCHAR", "CHAR") else "BYTES" if type_text in ("VARBINARY", "BINARY") else type_text


def _scale(type_text: str) -> int:
    inside = type_text[type_text.find("(") + 1:type_text.find(")")]
    return int(inside.split(",")[1]) if "," in inside else 0


def _slices(data: bytes, ends: bytes) -> list[bytes]:
    stops = array("q")
    stops.frombytes(ends)
    return [data[start:stop] for start, stop in zip([0, *stops], stops)]


def _texts(data: bytes, ends: bytes) -> list[str]:
    text = data.decode("utf-8")
    if len(text) == len(data):  # ASCII: byte offsets are character offsets
        stops = array("q")
        stops.frombytes(ends)
        return [text[start:stop] for start, stop in zip([0, *stops], stops)]
    return [piece.decode("utf-8") for piece in _slices(data, ends)]


def _null_rows(nulls: bytes) -> list[int]:
    rows, at = [], nulls.find(1)
    while at >= 0:
        rows.append(at)
        at = nulls.find(1, at + 1)
    return rows


def decode_column(type_text: str, data: bytes, ends: bytes | None, nulls: bytes | None) -> Sequence:
    """A packed column as a sequence of Python values of PyFlink's types (None for null). Without nulls, a
    fixed-width column is a view of the bytes: its values are made as a function reads them, and freed as it
    goes on, which costs a third of making them all first."""
    kind = _kind(type_text)
    code = _FIXED.get(kind)
    if code is not None:
        view = memoryview(data).cast(code)
        if nulls is None:
            return view
        result = view.tolist()
    elif kind == "STRING":
        result = _texts(data, ends or b"")
    elif kind == "BYTES":
        result = _slices(data, ends or b"")
    elif kind == "DECIMAL":
        result = [Decimal(text) for text in _texts(data, ends or b"")]
    else:
        result = _decode_temporal(kind, data, nulls)
    if nulls is not None:
        for row in _null_rows(nulls):
            result[row] = None
    return result


def _decode_temporal(kind: str, data: bytes, nulls: bytes | None) -> list:
    numbers = array("q" if kind.startswith("TIMESTAMP") else "i")
    numbers.frombytes(data)
    if nulls is not None:
        for row in _null_rows(nulls):
            numbers[row] = 0
    if kind == "DATE":
        return [date.fromordinal(_EPOCH_ORDINAL + days) for days in numbers]
    if kind == "TIME":
        return [(_EPOCH + timedelta(milliseconds=ms)).time() for ms in numbers]
    if kind == "TIMESTAMP":
        return [_EPOCH + timedelta(microseconds=us) for us in numbers]
    if kind == "TIMESTAMP_LTZ":
        # PyFlink's TIMESTAMP_LTZ is a naive datetime on the Python process's clock.
        return [(_EPOCH_UTC + timedelta(microseconds=us)).astimezone().replace(tzinfo=None) for us in numbers]
    raise TypeError(f"a Python function cannot take values of type {kind}")


def encode_column(type_text: str, values: list) -> Packed:
    """Python values as the packed column of a type: ``(data, ends, nulls)``."""
    kind = _kind(type_text)
    try:
        # Packing fails on a None: only then are the nulls looked for (a scan costs as much as packing).
        return _pack(kind, type_text, values, None)
    except (TypeError, OverflowError, ValueError, AttributeError, struct.error) as error:
        if None not in values:
            raise TypeError(f"{_first_wrong(kind, values)} is not a value of the result type {type_text}: {error}") from None
    nulls = bytes(value is None for value in values)
    filler: Any = "" if kind == "STRING" else b"" if kind == "BYTES" else 0
    values = [filler if value is None else value for value in values]
    try:
        return _pack(kind, type_text, values, nulls)
    except (TypeError, OverflowError, ValueError, AttributeError, struct.error) as error:
        raise TypeError(f"{_first_wrong(kind, values)} is not a value of the result type {type_text}: {error}") from None


def _pack(kind: str, type_text: str, values: list, nulls: bytes | None) -> Packed:
    code = _FIXED.get(kind)
    if code == "?":
        if None in values:  # bool(None) would pass as False
            raise TypeError("None is not a BOOLEAN")
        return bytes(map(bool, values)), None, nulls
    if code == "f":  # array('f') rounds a too large double to inf as C# does; struct would refuse it
        return array(code, values), None, nulls
    if code is not None:
        return memoryview(_packer(code, len(values)).pack(*values)).cast(code), None, nulls
    if kind == "STRING":
        joined = "".join(values)
        if joined.isascii():
            return joined.encode("ascii"), array("q", accumulate(map(len, values))), nulls
        return _joined([value.encode("utf-8") for value in values], nulls)
    if kind == "BYTES":
        return _joined([bytes(value) for value in values], nulls)
    if kind == "DECIMAL":
        quantum = Decimal(1).scaleb(-_scale(type_text))
        return _joined([format(Decimal(value).quantize(quantum), "f").encode("ascii") for value in values], nulls)
    return array(_temporal_code(kind), _encode_temporal(kind, values)), None, nulls


@lru_cache(maxsize=64)
def _packer(code: str, count: int) -> struct.Struct:
    """Packs ``count`` numbers of an array type code in native order: twice as fast as ``array(code, values)``,
    whose items are each parsed by a format string."""
    return struct.Struct(f"={count}{code}")


def _joined(pieces: list[bytes], nulls: bytes | None) -> Packed:
    return b"".join(pieces), array("q", accumulate(map(len, pieces))), nulls


def _temporal_code(kind: str) -> str:
    return "q" if kind.startswith("TIMESTAMP") else "i"


def _encode_temporal(kind: str, values: list) -> list:
    if kind == "DATE":
        return [0 if v == 0 else v.toordinal() - _EPOCH_ORDINAL for v in values]
    if kind == "TIME":
        return [0 if v == 0 else ((v.hour * 60 + v.minute) * 60 + v.second) * 1000 + v.microsecond // 1000 for v in values]
    if kind == "TIMESTAMP":
        return [0 if v == 0 else (v.replace(tzinfo=None) - _EPOCH) // _MICROSECOND for v in values]
    if kind == "TIMESTAMP_LTZ":
        return [0 if v == 0 else (v.astimezone(timezone.utc) - _EPOCH_UTC) // _MICROSECOND for v in values]
    raise TypeError(f"a Python function cannot return values of type {kind}")


def _first_wrong(kind: str, values: list) -> str:
    """The first value that does not fit a result kind, for the error message."""
    expected: tuple[type, ...] = {
        "STRING": (str,), "BYTES": (bytes, bytearray), "BOOLEAN": (bool,), "DOUBLE": (int, float), "FLOAT": (int, float),
        "DECIMAL": (int, Decimal, str), "DATE": (date,), "TIME": (time,), "TIMESTAMP": (datetime,), "TIMESTAMP_LTZ": (datetime,),
    }.get(kind, (int,))
    for value in values:
        if not isinstance(value, expected) or (kind in _FIXED and kind not in ("DOUBLE", "FLOAT", "BOOLEAN") and isinstance(value, bool)):
            return f"the function's result {value!r}"
    return "a result"


class _Call:
    """One call of a function: its argument columns (by position among those sent) and its types."""

    def __init__(self, description: dict[str, Any]) -> None:
        self.name: str = description["name"]
        self.function = cloudpickle.loads(base64.b64decode(description["function"]))
        self.arguments: list[int] = description["arguments"]
        self.argument_types: list[str] = description["argument_types"]
        self.result_type: str = description["result_type"]
        evaluate = getattr(self.function, "eval", None)
        self.evaluate: Callable[..., Any] = evaluate if callable(evaluate) and not isinstance(self.function, type) else self.function

    def name_error(self, error: BaseException) -> None:
        if not hasattr(error, OPERATOR_ATTRIBUTE):
            try:
                setattr(error, OPERATOR_ATTRIBUTE, f"Python function {self.name}")
            except AttributeError:  # exceptions with __slots__ cannot carry it
                pass


class ScalarCalls:
    """The Python scalar function calls of one SQL operator in one subtask."""

    def __init__(self, job: Any, description: str) -> None:
        parsed = json.loads(description)
        self._calls = [_Call(call) for call in parsed["calls"]]
        self._job_parameters = dict(getattr(job, "job_parameters", {}))

    def open(self) -> None:
        from pystream.table.udf import FunctionContext

        for call in self._calls:
            opener = getattr(call.function, "open", None)
            if callable(opener):
                self._guarded(call, opener, FunctionContext(self._job_parameters))

    def close(self) -> None:
        for call in self._calls:
            closer = getattr(call.function, "close", None)
            if callable(closer):
                self._guarded(call, closer)

    def evaluate(self, count: int, columns: list[Packed]) -> list[Packed]:
        decoded: dict[tuple[int, str], Sequence] = {}
        results = []
        for call in self._calls:
            arguments = []
            for position, type_text in zip(call.arguments, call.argument_types):
                values = decoded.get((position, type_text))
                if values is None:
                    values = decoded[position, type_text] = decode_column(type_text, *columns[position])
                arguments.append(values)
            if arguments:
                outputs = self._guarded(call, lambda: list(map(call.evaluate, *arguments)))
            else:
                outputs = self._guarded(call, lambda: [call.evaluate() for _ in range(count)])
            results.append(self._guarded(call, encode_column, call.result_type, outputs))
        return results

    @staticmethod
    def _guarded(call: _Call, method: Callable[..., Any], *args: Any) -> Any:
        try:
            return method(*args)
        except BaseException as error:
            call.name_error(error)
            raise
