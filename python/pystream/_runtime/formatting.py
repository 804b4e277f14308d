"""What PyFlink's ``DataStream.print()`` prints for one record, per declared type.

PyFlink prints typed records on the Java side (``String.valueOf``, ``Tuple.toString``),
except for ``Types.ROW``, where a Python map renders ``+I[a,1]`` from the row as it comes
back from Java, and for untyped (pickled) records, which print with Python ``str``.
``printer_for`` builds one closure per type so the per-record path does no type search.

Doubles print with Java's shortest round-trip digits (``Double.toString`` from JDK 19
on; older JDKs sometimes print a longer tail of digits). Maps print in the iteration
order of the ``HashMap`` Flink's MapSerializer deserializes them into.
"""
from __future__ import annotations

import datetime
import math
import struct
from typing import Any, Callable, Dict, List, Optional, Sequence

from pystream._runtime.java_text import to_float32
from pystream.common._type_classes import SEQUENCE_TYPES, is_byte_array
from pystream.common.time import Instant
from pystream.common.typeinfo import (
    BasicType, BasicTypeInfo, DateTypeInfo, LocalTimeType, LocalTimeTypeInfo, MapTypeInfo,
    PickledBytesTypeInfo, RowTypeInfo, TimestampTypeInfo, TimeTypeInfo, TupleTypeInfo, TypeInformation)
from pystream.common.types import Row, RowKind, _restore_row

__all__ = ["Printer", "printer_for", "java_text_for", "java_double_str", "java_float_str", "row_field_values"]

Printer = Callable[[Any], str]

_NULL = "null"
_KIND_PREFIX: Dict[RowKind, str] = {kind: str(kind) for kind in RowKind}
_INSERT = RowKind.INSERT
_FLOAT32_BE = struct.Struct(">f")


def printer_for(type_info: Optional[TypeInformation]) -> Printer:
    """Return a function rendering one record of ``type_info`` as PyFlink prints it."""
    if type_info is None or isinstance(type_info, PickledBytesTypeInfo):
        return str
    if isinstance(type_info, RowTypeInfo) and not getattr(type_info, "java_printed", False):
        return _python_row_printer(type_info)
    return _java_printer(type_info)


def java_text_for(type_info: Optional[TypeInformation]) -> Printer:
    """``String.valueOf`` of a record of ``type_info`` on the Java side (what a file sink's
    SimpleStringEncoder writes); untyped records are Python objects there and print with ``str``."""
    if type_info is None or isinstance(type_info, PickledBytesTypeInfo):
        return str
    return _java_printer(type_info)


# ---- Java number text -------------------------------------------------------------

def java_double_str(value: Any) -> str:
    """``Double.toString``: ``2.5``, ``100.0``, ``2.5E7``, ``1.0E-5``, ``NaN``."""
    if value is None:
        return _NULL
    if type(value) is not float:
        value = float(value)
    magnitude = abs(value)
    # Python's repr is plain decimal in exactly this range, with the same digits.
    if 1e-3 <= magnitude < 1e7:
        return repr(value)
    special = _special_float(value)
    if special is not None:
        return special
    # Java picks the closest of the 1- and 2-digit candidates when one digit would do,
    # which only differs from Python's repr for subnormals: 4.9E-324, not 5.0E-324.
    text = "%.1e" % magnitude
    if float(text) != magnitude:
        text = repr(magnitude)
    return _java_decimal(text, value < 0, magnitude)


def java_float_str(value: Any) -> str:
    """``Float.toString`` of the value narrowed to 32 bits: shortest digits that read
    back as the same float."""
    if value is None:
        return _NULL
    value = to_float32(float(value))
    special = _special_float(value)
    if special is not None:
        return special
    magnitude = abs(value)
    text = repr(magnitude)
    # From two digits up, for the same reason as in java_double_str (1.4E-45).
    for precision in range(1, 9):
        text = "%.*e" % (precision, magnitude)
        if to_float32(float(text)) == magnitude:
            break
    return _java_decimal(text, value < 0, magnitude)


def _special_float(value: float) -> Optional[str]:
    if value == 0.0:
        return "-0.0" if math.copysign(1.0, value) < 0 else "0.0"
    if value != value:
        return "NaN"
    if value in (math.inf, -math.inf):
        return "Infinity" if value > 0 else "-Infinity"
    return None


def _java_decimal(text: str, negative: bool, magnitude: float) -> str:
    """Lay out the digits of ``text`` (a positive number) by Java's rules: plain when
    1e-3 <= x < 1e7, else ``d.dddEn``; always at least one digit after the point."""
    mantissa, _, exponent = text.partition("e")
    whole, _, fraction = mantissa.partition(".")
    all_digits = whole + fraction
    digits = all_digits.lstrip("0")
    # The value is 0.<digits> * 10**point.
    point = len(whole) + int(exponent or 0) - (len(all_digits) - len(digits))
    digits = digits.rstrip("0") or "0"
    sign = "-" if negative else ""
    if 1e-3 <= magnitude < 1e7:
        if point <= 0:
            return sign + "0." + "0" * -point + digits
        if point >= len(digits):
            return sign + digits + "0" * (point - len(digits)) + ".0"
        return sign + digits[:point] + "." + digits[point:]
    return "%s%s.%sE%d" % (sign, digits[0], digits[1:] or "0", point - 1)


# ---- Java renderers: String.valueOf of the Java object --------------------------

def _java_string(value: Any) -> str:
    if type(value) is str:
        return value
    return _NULL if value is None else str(value)


def _java_integer(value: Any) -> str:
    if type(value) is int:
        return str(value)
    return _NULL if value is None else "%d" % value


def _java_boolean(value: Any) -> str:
    if value is None:
        return _NULL
    return "true" if value else "false"


def _java_generic(value: Any) -> str:
    # For fields whose Java type is unknown here (pickled objects inside a tuple).
    if value is None:
        return _NULL
    if type(value) is bool:
        return "true" if value else "false"
    if type(value) is float:
        return java_double_str(value)
    return str(value)


def _null_as_text(render: Printer) -> Printer:
    # For the rarer types; the hot renderers test for None inline instead.
    return lambda value: _NULL if value is None else render(value)


def _fraction_in_threes(nanos: int) -> str:
    # java.time prints 0, 3, 6 or 9 fraction digits, as few as hold the value.
    if nanos % 1_000_000 == 0:
        return ".%03d" % (nanos // 1_000_000) if nanos else ""
    return ".%06d" % (nanos // 1000) if nanos % 1000 == 0 else ".%09d" % nanos


def _local_time_text(value: datetime.time) -> str:
    text = "%02d:%02d" % (value.hour, value.minute)
    if value.second or value.microsecond:
        text += ":%02d" % value.second
    return text + _fraction_in_threes(value.microsecond * 1000)


def _instant_text(value: Any) -> str:
    if isinstance(value, datetime.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(datetime.timezone.utc).replace(tzinfo=None)
        seconds, nanos = (value - _EPOCH) // _SECOND, value.microsecond * 1000
    else:
        seconds, nanos = value.seconds, value.nanos
    moment = _EPOCH + datetime.timedelta(seconds=seconds)
    return moment.strftime("%Y-%m-%dT%H:%M:%S") + _fraction_in_threes(nanos) + "Z"


_EPOCH = datetime.datetime(1970, 1, 1)
_SECOND = datetime.timedelta(seconds=1)
_java_local_time = _null_as_text(_local_time_text)
_java_local_date_time = _null_as_text(
    lambda v: v.date().isoformat() + "T" + _local_time_text(v.time()))
_java_date = _null_as_text(
    lambda v: (v.date() if isinstance(v, datetime.datetime) else v).isoformat())
_java_sql_time = _null_as_text(lambda v: "%02d:%02d:%02d" % (v.hour, v.minute, v.second))
# java.sql.Timestamp keeps at least one fraction digit: "2020-01-01 10:00:00.0".
_java_sql_timestamp = _null_as_text(lambda v: v.strftime("%Y-%m-%d %H:%M:%S.")
                                    + (("%06d" % v.microsecond).rstrip("0") or "0"))
_java_instant = _null_as_text(_instant_text)
# A Java byte[] is signed: Python's 200 prints as -56.
_java_signed_bytes = _null_as_text(
    lambda v: "[" + ", ".join([str(b - 256 if b > 127 else b) for b in v]) + "]")

_JAVA_BASIC: Dict[BasicType, Printer] = {
    BasicType.STRING: _java_string,
    BasicType.CHAR: _java_string,
    BasicType.BOOLEAN: _java_boolean,
    BasicType.BYTE: _java_integer,
    BasicType.SHORT: _java_integer,
    BasicType.INT: _java_integer,
    BasicType.LONG: _java_integer,
    BasicType.BIG_INT: _java_integer,
    BasicType.FLOAT: java_float_str,
    BasicType.DOUBLE: java_double_str,
    BasicType.BIG_DEC: _java_string,  # Python's Decimal str follows BigDecimal.toString
    BasicType.INSTANT: _java_instant,
}
_JAVA_LOCAL: Dict[LocalTimeType, Printer] = {
    LocalTimeType.LOCAL_DATE: _java_date,
    LocalTimeType.LOCAL_TIME: _java_local_time,
    LocalTimeType.LOCAL_DATE_TIME: _java_local_date_time,
}
# Field types whose Java text equals Python's %s of a non-None value.
_PLAIN_PERCENT_S = frozenset({BasicType.STRING, BasicType.CHAR, BasicType.INT, BasicType.LONG,
                              BasicType.SHORT, BasicType.BYTE, BasicType.BIG_INT})


def _java_printer(type_info: TypeInformation) -> Printer:
    if isinstance(type_info, BasicTypeInfo):
        return _JAVA_BASIC[type_info.basic_type]
    if isinstance(type_info, TupleTypeInfo):
        return _java_tuple_printer(type_info.get_field_types())
    if isinstance(type_info, RowTypeInfo):
        return _java_row_printer(type_info)
    if is_byte_array(type_info):
        return _java_signed_bytes
    if isinstance(type_info, SEQUENCE_TYPES):
        return _java_sequence_printer(_java_printer(type_info.get_element_type()))
    if isinstance(type_info, MapTypeInfo):
        return _java_map_printer(type_info)
    if isinstance(type_info, LocalTimeTypeInfo):
        return _JAVA_LOCAL[type_info.time_type]
    if isinstance(type_info, DateTypeInfo):
        return _java_date
    if isinstance(type_info, TimeTypeInfo):
        return _java_sql_time
    if isinstance(type_info, TimestampTypeInfo):
        return _java_sql_timestamp
    return _java_generic


def _java_tuple_printer(field_types: Sequence[TypeInformation]) -> Printer:
    """``Tuple.toString``: ``(a,1)``, fields by their Java text, no spaces."""
    fields = [_java_printer(t) for t in field_types]
    arity = len(fields)

    def render(value: Any) -> str:
        if value is None:
            return _NULL
        return "(" + ",".join([f(v) for f, v in zip(fields, value)]) + ")"

    if not all(isinstance(t, BasicTypeInfo) and t.basic_type in _PLAIN_PERCENT_S
               for t in field_types):
        return render
    # Strings and integers only: one %-format does the whole tuple.
    template = "(" + ",".join(["%s"] * arity) + ")"

    def render_plain(value: Any) -> str:
        if type(value) is tuple and len(value) == arity and None not in value:
            return template % value
        return render(value)

    return render_plain


def _java_row_printer(row_type: RowTypeInfo) -> Printer:
    """``Row.toString`` for a row nested in a Java value: ``+I[a, 1]``."""
    fields = [_java_printer(t) for t in row_type.get_field_types()]
    names = row_type.get_field_names()

    def render(value: Any) -> str:
        if value is None:
            return _NULL
        kind, values = _row_parts(value, names)
        return kind + "[" + ", ".join([f(v) for f, v in zip(fields, values)]) + "]"

    return render


def _java_sequence_printer(element: Printer) -> Printer:
    """``Arrays.deepToString`` / ``List.toString``: ``[1, 2, 3]``."""

    def render(value: Any) -> str:
        if value is None:
            return _NULL
        return "[" + ", ".join(map(element, value)) + "]"

    return render


def _java_map_printer(map_type: MapTypeInfo) -> Printer:
    """``AbstractMap.toString``: ``{a=1, b=2}`` in HashMap iteration order."""
    key_printer = _java_printer(map_type.get_key_type())
    value_printer = _java_printer(map_type.get_value_type())
    key_hash = _java_hash_for(map_type.get_key_type())

    def render(value: Any) -> str:
        if value is None:
            return _NULL
        items = _java_hash_map_order(list(value.items()), key_hash)
        return "{" + ", ".join([key_printer(k) + "=" + value_printer(v) for k, v in items]) + "}"

    return render


# ---- Java HashMap iteration order -----------------------------------------------

def _java_string_hash(value: str) -> int:
    units = value.encode("utf-16-be", "surrogatepass")
    h = 0
    for unit in struct.unpack(">%dH" % (len(units) // 2), units):
        h = (31 * h + unit) & 0xFFFFFFFF
    return h


def _java_long_hash(value: int) -> int:
    bits = value & 0xFFFFFFFFFFFFFFFF
    return (bits ^ (bits >> 32)) & 0xFFFFFFFF


def _java_double_hash(value: float) -> int:
    # Java hashes the bits, with every NaN folded into the canonical one.
    bits = struct.pack(">d", math.nan if value != value else float(value))
    return _java_long_hash(int.from_bytes(bits, "big"))


def _java_float_hash(value: float) -> int:
    return int.from_bytes(_FLOAT32_BE.pack(to_float32(float(value))), "big")


_JAVA_HASHES: Dict[BasicType, Callable[[Any], int]] = {
    BasicType.STRING: _java_string_hash,
    BasicType.CHAR: lambda c: ord(c),
    BasicType.BOOLEAN: lambda b: 1231 if b else 1237,
    BasicType.BYTE: lambda i: i & 0xFFFFFFFF,
    BasicType.SHORT: lambda i: i & 0xFFFFFFFF,
    BasicType.INT: lambda i: i & 0xFFFFFFFF,
    BasicType.LONG: _java_long_hash,
    BasicType.DOUBLE: _java_double_hash,
    BasicType.FLOAT: _java_float_hash,
}


def _java_hash_for(key_type: TypeInformation) -> Optional[Callable[[Any], int]]:
    if isinstance(key_type, BasicTypeInfo):
        return _JAVA_HASHES.get(key_type.basic_type)
    return None


def _java_hash_map_order(items: List[Any], key_hash: Optional[Callable[[Any], int]]) -> List[Any]:
    """Order (key, value) pairs as a ``new HashMap<>(n)`` filled in this order iterates."""
    if key_hash is None or len(items) < 2:
        return items
    count = len(items)
    capacity = 1
    while capacity < count:
        capacity <<= 1
    # put() doubles the table whenever the size passes three quarters of it.
    while count > capacity * 3 // 4:
        capacity <<= 1
    mask = capacity - 1

    def bucket(item: Any) -> int:
        if item[0] is None:
            return 0
        h = key_hash(item[0])
        return (h ^ (h >> 16)) & mask

    # Resizing keeps insertion order within a bucket, and sorted() is stable.
    return sorted(items, key=bucket)


# ---- Types.ROW: Python rendering of the row as it comes back from Java ----------

def _kind_prefix(kind: RowKind) -> str:
    # Enum hashing runs Python code, so the common case skips the dict.
    return "+I" if kind is _INSERT else _KIND_PREFIX[kind]


def row_field_values(value: Any, names: List[str]) -> Any:
    """The field values of a record of a row type, in the type's field order: a Row's (by
    name when it is named differently, as PyFlink's coders read it), a dict's by name, and
    anything else (a tuple, a list) as it is."""
    if isinstance(value, Row):
        row_names = value._names
        if row_names is not None and row_names != names:
            return [value[n] for n in names]
        return value._values
    if isinstance(value, dict):
        return [value.get(n) for n in names]
    return value


def _row_parts(value: Any, names: List[str]) -> Any:
    """The row kind prefix and the field values in the type's field order."""
    kind = _kind_prefix(value._row_kind) if isinstance(value, Row) else "+I"
    return kind, row_field_values(value, names)


def _python_row_printer(row_type: RowTypeInfo) -> Printer:
    """``'{}[{}]'.format(kind, ','.join(str(f) ...))``: ``+I[ann,3,1.5]``."""
    names = row_type.get_field_names()
    fields = [_python_field_printer(t) for t in row_type.get_field_types()]
    plain = all(f is str for f in fields)

    def render(value: Any) -> str:
        if type(value) is Row and value._names is None:
            kind = value._row_kind
            prefix, values = ("+I" if kind is _INSERT else _KIND_PREFIX[kind]), value._values
        else:
            prefix, values = _row_parts(value, names)
        if plain:
            return prefix + "[" + ",".join(map(str, values)) + "]"
        return prefix + "[" + ",".join([f(v) for f, v in zip(fields, values)]) + "]"

    return render


def _python_field_printer(type_info: TypeInformation) -> Printer:
    if type_info == BasicTypeInfo.DOUBLE_TYPE_INFO():
        return _python_double_str
    convert = _python_converter(type_info)
    return str if convert is None else (lambda v: str(convert(v)))


def _python_double_str(value: Any) -> str:
    # Ints declared DOUBLE come back from Java as floats: 2 prints as 2.0.
    if type(value) is float:
        return repr(value)
    return "None" if value is None else repr(float(value))


Converter = Callable[[Any], Any]


def _python_converter(type_info: TypeInformation) -> Optional[Converter]:
    """How a value of this type changes on its way through Java and back to Python;
    None when it comes back as it went. Converters pass None through."""
    convert: Optional[Converter] = None
    if isinstance(type_info, BasicTypeInfo):
        kind = type_info.basic_type
        if kind is BasicType.FLOAT:
            convert = lambda v: to_float32(float(v))  # noqa: E731
        elif kind is BasicType.DOUBLE:
            convert = float
        elif kind is BasicType.INSTANT:  # PyFlink ships instants as epoch milliseconds
            convert = lambda v: Instant.of_epoch_milli(v.to_epoch_milli())  # noqa: E731
    elif isinstance(type_info, RowTypeInfo):
        convert = _python_row_converter(type_info)
    elif isinstance(type_info, TupleTypeInfo):
        inner = [_python_converter(t) for t in type_info.get_field_types()]
        convert = lambda v: tuple(_convert_all(inner, v))  # noqa: E731
    elif is_byte_array(type_info):
        convert = lambda v: v if type(v) is bytes else bytes(b & 0xFF for b in v)  # noqa: E731
    elif isinstance(type_info, SEQUENCE_TYPES):
        element = [_python_converter(type_info.get_element_type())]
        convert = lambda v: _convert_all(element * len(v), v)  # noqa: E731
    elif isinstance(type_info, MapTypeInfo):
        convert = _python_map_converter(type_info)
    if convert is None:
        return None
    return lambda v: None if v is None else convert(v)  # type: ignore[misc]


def _python_row_converter(row_type: RowTypeInfo) -> Converter:
    names = row_type.get_field_names()
    inner = [_python_converter(t) for t in row_type.get_field_types()]

    def convert(value: Any) -> Row:
        kind = value.get_row_kind().value if isinstance(value, Row) else 0
        return _restore_row(_convert_all(inner, row_field_values(value, names)), names, kind)

    return convert


def _python_map_converter(map_type: MapTypeInfo) -> Converter:
    inner = [_python_converter(map_type.get_key_type()),
             _python_converter(map_type.get_value_type())]
    key_hash = _java_hash_for(map_type.get_key_type())
    return lambda v: dict(_java_hash_map_order(
        [tuple(_convert_all(inner, item)) for item in v.items()], key_hash))


def _convert_all(converters: List[Optional[Converter]], values: Any) -> List[Any]:
    return [v if c is None else c(v) for c, v in zip(converters, values)]
