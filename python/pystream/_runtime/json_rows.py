"""Rows to JSON text and back, as Flink's ``JsonRowSerializationSchema`` and
``JsonRowDeserializationSchema`` do.

Writing is compact (``{"a":1,"b":"x"}``), fields in the row type's order, numbers in
Java's text (``1.0``, ``1.0E7``), dates and times in ISO-8601 / RFC 3339. Reading follows
Jackson's node conversions: a number declared STRING becomes its text, a string declared
INT is parsed, a missing field is null unless ``fail_on_missing_field``.
"""

from __future__ import annotations

import base64
import datetime
import json
from decimal import Decimal
from typing import Any, Callable

from pystream._runtime.formatting import java_double_str, java_float_str, java_text_for, row_field_values
from pystream._runtime.java_text import (
    bool_text, checked_number, int_text, iso_local_time, rfc3339_time, scalar_parser, to_float32, wrong_value)
from pystream.common._type_classes import SEQUENCE_TYPES, is_byte_array
from pystream.common.typeinfo import (
    BasicType, BasicTypeInfo, DateTypeInfo, LocalTimeType, LocalTimeTypeInfo, MapTypeInfo, RowTypeInfo,
    TimestampTypeInfo, TimeTypeInfo, TypeInformation)
from pystream.common.types import Row, _restore_row
from pystream.datastream.formats._row_types import require_json_supported

__all__ = ["json_row_encoder", "json_row_decoder", "row_values"]

Writer = Callable[[Any], str]
Reader = Callable[[Any], Any]

# json's C string encoder: quotes and escapes as Jackson does (non-ASCII stays as is).
_quote: Callable[[str], str] = \
    json.encoder.c_encode_basestring or json.encoder.py_encode_basestring  # type: ignore[attr-defined]
_compact = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
_NON_FINITE = frozenset({"NaN", "Infinity", "-Infinity"})


# ---- writing -------------------------------------------------------------------------

def json_row_encoder(row_type: RowTypeInfo) -> Writer:
    """One row (a Row, tuple, list or dict) to its JSON text."""
    require_json_supported(row_type)
    return _row_writer(row_type)


def _nullable(write: Writer) -> Writer:
    return lambda value: "null" if value is None else write(value)


def row_values(value: Any, names: list[str]) -> list:
    """The field values of a record written as a row: a Row (by name when named), dict, tuple or list."""
    values = row_field_values(value, names)
    if isinstance(values, (tuple, list)):
        return values  # type: ignore[return-value]
    return wrong_value(value, "a Row")  # type: ignore[return-value]


def _row_writer(row_type: RowTypeInfo) -> Writer:
    names = row_type.get_field_names()
    keys = [_quote(name) + ":" for name in names]
    writers = [_nullable(_writer(t)) for t in row_type.get_field_types()]
    arity = len(names)

    def write(value: Any) -> str:
        values = row_values(value, names)
        if len(values) != arity:
            raise ValueError(f"Number of elements in the row '{value}' is different from number of field names: "
                             f"{arity}")
        return "{" + ",".join([key + w(v) for key, w, v in zip(keys, writers, values)]) + "}"
    return write


def _string(value: Any) -> str:
    return _quote(value) if type(value) is str else wrong_value(value, "a str")


def _number(text_of: Callable[[Any], str]) -> Writer:
    # Jackson quotes the non-finite numbers by default (QUOTE_NON_NUMERIC_NUMBERS).
    checked = checked_number(text_of, "a float")

    def write(value: Any) -> str:
        text = checked(value)
        return '"' + text + '"' if text in _NON_FINITE else text
    return write


def _decimal(value: Any) -> str:
    if isinstance(value, (Decimal, int)) and type(value) is not bool:
        return str(value)
    return wrong_value(value, "a Decimal")


def _date(value: Any) -> str:
    return '"' + (value.date() if isinstance(value, datetime.datetime) else value).isoformat() + '"'


_BASIC_WRITERS: dict[BasicType, Writer] = {
    BasicType.STRING: _string, BasicType.BOOLEAN: bool_text,
    BasicType.BYTE: int_text, BasicType.SHORT: int_text, BasicType.INT: int_text, BasicType.LONG: int_text,
    BasicType.BIG_INT: int_text, BasicType.BIG_DEC: _decimal,
    BasicType.FLOAT: _number(java_float_str), BasicType.DOUBLE: _number(java_double_str),
}
_LOCAL_WRITERS: dict[LocalTimeType, Writer] = {
    LocalTimeType.LOCAL_DATE: _date,
    LocalTimeType.LOCAL_TIME: lambda v: '"' + iso_local_time(v) + '"',
    LocalTimeType.LOCAL_DATE_TIME: lambda v: '"' + v.date().isoformat() + "T" + iso_local_time(v.time()) + '"',
}


def _writer(type_info: TypeInformation) -> Writer:
    if isinstance(type_info, BasicTypeInfo):
        return _BASIC_WRITERS[type_info.basic_type]
    if isinstance(type_info, RowTypeInfo):
        return _row_writer(type_info)
    if is_byte_array(type_info):
        return lambda v: '"' + base64.b64encode(bytes(v)).decode("ascii") + '"'
    if isinstance(type_info, SEQUENCE_TYPES):
        element = _nullable(_writer(type_info.get_element_type()))
        return lambda v: "[" + ",".join(map(element, v)) + "]"
    if isinstance(type_info, MapTypeInfo):
        key_text = java_text_for(type_info.get_key_type())
        value = _nullable(_writer(type_info.get_value_type()))
        return lambda v: "{" + ",".join([_quote(key_text(k)) + ":" + value(x) for k, x in v.items()]) + "}"
    if isinstance(type_info, LocalTimeTypeInfo):
        return _LOCAL_WRITERS[type_info.time_type]
    if isinstance(type_info, DateTypeInfo):
        return _date
    if isinstance(type_info, TimeTypeInfo):
        return lambda v: '"' + rfc3339_time(v) + '"'
    if isinstance(type_info, TimestampTypeInfo):
        return lambda v: '"' + v.date().isoformat() + "T" + rfc3339_time(v.time()) + '"'
    raise ValueError(f"Unsupported type information '{type_info!r}' in the JSON format")


# ---- reading -------------------------------------------------------------------------

def json_row_decoder(row_type: RowTypeInfo, fail_on_missing_field: bool) -> Callable[[str], Row | None]:
    """JSON text to a Row with the type's field names; a JSON ``null`` is no record (None)."""
    require_json_supported(row_type)
    read = _row_reader(row_type, fail_on_missing_field)
    loads = json.loads

    def decode(text: str) -> Row | None:
        node = loads(text)
        return None if node is None else read(node)
    return decode


def _text_of(node: Any) -> str:
    """Jackson's ``asText()``: what a string parser sees of any JSON value."""
    if type(node) is str:
        return node
    if type(node) is bool:
        return "true" if node else "false"
    if type(node) is float:
        return java_double_str(node)
    return str(node) if type(node) is int else ""


def _row_reader(row_type: RowTypeInfo, fail_on_missing_field: bool) -> Reader:
    names = row_type.get_field_names()
    fields = list(zip(names, [_reader(t, fail_on_missing_field) for t in row_type.get_field_types()]))
    missing = object()

    def read(node: Any) -> Row:
        if type(node) is not dict:
            node = {}  # Jackson finds no field in a non-object: every field is missing
        values = []
        for name, convert in fields:
            value = node.get(name, missing)
            if value is None:
                values.append(None)
            elif value is missing:
                if fail_on_missing_field:
                    raise ValueError(f"Could not find field with name '{name}'.")
                values.append(None)
            else:
                values.append(convert(value))
        return _restore_row(values, names, 0)
    return read


def _parsed(parse: Callable[[str], Any]) -> Reader:
    return lambda node: parse(_text_of(node))


def _int_reader(bits: int, parse: Callable[[str], Any]) -> Reader:
    # Jackson's canConvertToInt/Long: numbers in range convert (floats truncate), the rest is parsed as text.
    low, high = -(1 << (bits - 1)), (1 << (bits - 1)) - 1

    def read(node: Any) -> int:
        kind = type(node)
        if (kind is int or kind is float) and low <= node <= high:
            return int(node)
        return parse(_text_of(node))
    return read


def _double_reader(parse: Callable[[str], Any]) -> Reader:
    return lambda node: float(node) if type(node) is float or type(node) is int else parse(_text_of(node))


def _string_reader(node: Any) -> str:
    # Objects and arrays declared STRING keep their JSON text.
    return _compact(node) if type(node) is dict or type(node) is list else _text_of(node)


def _sequence_reader(element: Reader) -> Reader:
    def read(node: Any) -> list:
        if type(node) is not list:
            raise ValueError(f"expected a JSON array, got {_compact(node)}")
        return [None if x is None else element(x) for x in node]
    return read


def _map_reader(key: Callable[[str], Any], value: Reader) -> Reader:
    def read(node: Any) -> dict:
        if type(node) is not dict:
            raise ValueError(f"expected a JSON object, got {_compact(node)}")
        return {key(k): None if x is None else value(x) for k, x in node.items()}
    return read


def _reader(type_info: TypeInformation, fail_on_missing_field: bool) -> Reader:
    if isinstance(type_info, RowTypeInfo):
        return _row_reader(type_info, fail_on_missing_field)
    if is_byte_array(type_info):
        return lambda node: base64.b64decode(_text_of(node), validate=True)
    if isinstance(type_info, SEQUENCE_TYPES):
        return _sequence_reader(_reader(type_info.get_element_type(), fail_on_missing_field))
    if isinstance(type_info, MapTypeInfo):
        key = scalar_parser(type_info.get_key_type(), csv=False) or str
        return _map_reader(key, _reader(type_info.get_value_type(), fail_on_missing_field))
    parse = scalar_parser(type_info, csv=False)
    if parse is None:
        raise ValueError(f"Unsupported type information '{type_info!r}' in the JSON format")
    if isinstance(type_info, BasicTypeInfo):
        kind = type_info.basic_type
        if kind is BasicType.STRING:
            return _string_reader
        if kind is BasicType.BOOLEAN:
            return lambda node: node if type(node) is bool else parse(_text_of(node))
        if kind is BasicType.INT or kind is BasicType.LONG:
            return _int_reader(32 if kind is BasicType.INT else 64, parse)
        if kind is BasicType.DOUBLE:
            return _double_reader(parse)
        if kind is BasicType.FLOAT:
            return lambda node: to_float32(node) if type(node) is float or type(node) is int else parse(_text_of(node))
        if kind is BasicType.BIG_INT:
            return lambda node: node if type(node) is int else parse(_text_of(node))
    return _parsed(parse)
