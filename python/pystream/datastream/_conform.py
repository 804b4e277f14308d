"""Collection elements in the Python shape of their declared type, as PyFlink's coders give them.

PyFlink encodes ``from_collection`` elements with the declared type's coder and decodes
them for the first function: an int declared DOUBLE arrives as a float, a FLOAT is
rounded to 32 bits, tuples and rows are rebuilt, and a value the type cannot hold is an
error. This does the same, once per element, when the job is built.
"""

from __future__ import annotations

import struct
from typing import Any

from pystream.common.typeinfo import BasicType, BasicTypeInfo, RowTypeInfo, TupleTypeInfo, TypeInformation
from pystream.common.types import Row

__all__ = ["conform"]

_INT_BITS = {BasicType.BYTE: 8, BasicType.SHORT: 16, BasicType.INT: 32, BasicType.LONG: 64}
_FLOAT32 = struct.Struct("f")


def conform(value: Any, type_info: TypeInformation | None) -> Any:
    if type_info is None or value is None:
        return value
    if isinstance(type_info, BasicTypeInfo):
        return _basic(value, type_info)
    if isinstance(type_info, TupleTypeInfo):
        fields = type_info.get_field_types()
        values = _fields(value, len(fields), type_info)
        return tuple(conform(v, t) for v, t in zip(values, fields))
    if isinstance(type_info, RowTypeInfo):
        fields = type_info.get_field_types()
        row = Row(*[conform(v, t) for v, t in zip(_fields(value, len(fields), type_info), fields)])
        row.set_field_names(type_info.get_field_names())
        if isinstance(value, Row):
            row.set_row_kind(value.get_row_kind())
        return row
    return value


def _fields(value: Any, arity: int, type_info: TypeInformation) -> list:
    values = value._values if isinstance(value, Row) else value
    if not isinstance(values, (tuple, list)) or len(values) != arity:
        raise TypeError(f"{value!r} does not fit {type_info!r}: expected {arity} fields")
    return list(values)


def _basic(value: Any, type_info: BasicTypeInfo) -> Any:
    kind = type_info.basic_type
    if kind in _INT_BITS:
        if not isinstance(value, int) or isinstance(value, bool):
            raise TypeError(f"{value!r} is not an integer, as {type_info!r} needs")
        bits = _INT_BITS[kind]
        if not -(2 ** (bits - 1)) <= value < 2 ** (bits - 1):
            raise TypeError(f"{value!r} is out of range for {type_info!r}")
        return value
    if kind in (BasicType.DOUBLE, BasicType.FLOAT):
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            raise TypeError(f"{value!r} is not a number, as {type_info!r} needs")
        return _FLOAT32.unpack(_FLOAT32.pack(value))[0] if kind is BasicType.FLOAT else float(value)
    if kind is BasicType.STRING and not isinstance(value, str):
        raise TypeError(f"{value!r} is not a string, as {type_info!r} needs")
    if kind is BasicType.BOOLEAN and not isinstance(value, bool):
        raise TypeError(f"{value!r} is not a bool, as {type_info!r} needs")
    return value
