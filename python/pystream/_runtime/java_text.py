"""Scalars read from and written as text the way Flink's JSON and CSV row formats do.

Flink parses field text with Java's ``Integer.valueOf``, ``Double.valueOf``, ``new
BigDecimal`` and the ``java.time`` / ``java.sql`` parsers; Python's ``int`` and ``float``
accept more (underscores, ``inf``, ``nan``), so the forms Java refuses are refused here
too. Each ``*_parser`` returns one function per field type, built once per format.
"""

from __future__ import annotations

import datetime
import math
import re
import struct
from decimal import Decimal
from typing import Any, Callable

from pystream.common.typeinfo import (
    BasicType, BasicTypeInfo, DateTypeInfo, LocalTimeType, LocalTimeTypeInfo, TimestampTypeInfo,
    TimeTypeInfo, TypeInformation)

__all__ = ["TextParser", "scalar_parser", "iso_local_time", "rfc3339_time", "to_float32", "wrong_value", "int_text",
           "bool_text", "checked_number"]

TextParser = Callable[[str], Any]

_INT_BITS = {BasicType.BYTE: 8, BasicType.SHORT: 16, BasicType.INT: 32, BasicType.LONG: 64}
_JAVA_INTEGER = re.compile(r"[+-]?[0-9]+")
_JAVA_DOUBLE = re.compile(r"[+-]?(NaN|Infinity|([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?)[fFdD]?")
_JAVA_DECIMAL = re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?")
_DATE = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})")
_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_SQL_TIME = re.compile(r"([0-9]{1,2}):([0-9]{1,2}):([0-9]{1,2})")
_ISO_TIME = r"([0-9]{2}):([0-9]{2})(?::([0-9]{2})(?:\.([0-9]{1,9}))?)?"
_SQL_TIMESTAMP = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2}) "
                            r"([0-9]{1,2}):([0-9]{1,2}):([0-9]{1,2})(?:\.([0-9]{1,9}))?")
_FLOAT32 = struct.Struct("f")


def to_float32(value: float) -> float:
    """The float narrowed to 32 bits, as Java's ``(float)`` conversion does."""
    try:
        return _FLOAT32.unpack(_FLOAT32.pack(value))[0]
    except OverflowError:  # Java's float conversion saturates to infinity
        return math.copysign(math.inf, value)


def _integer(bits: int, name: str) -> TextParser:
    low, high = -(1 << (bits - 1)), (1 << (bits - 1)) - 1

    def parse(text: str) -> int:
        text = text.strip()
        if not _JAVA_INTEGER.fullmatch(text):
            raise ValueError(f'For input string: "{text}" ({name} expected)')
        value = int(text)
        if not low <= value <= high:
            raise ValueError(f'Value out of range. Value:"{text}" ({name} expected)')
        return value
    return parse


def _double(text: str) -> float:
    text = text.strip()
    if not _JAVA_DOUBLE.fullmatch(text):
        raise ValueError(f'For input string: "{text}" (a number expected)')
    return float(text.rstrip("fFdD").replace("Infinity", "inf"))


def _big_decimal(text: str) -> Decimal:
    text = text.strip()
    if not _JAVA_DECIMAL.fullmatch(text):
        raise ValueError(f'"{text}" is not a decimal number')
    return Decimal(text)


def _big_integer(text: str) -> int:
    text = text.strip()
    if not _JAVA_INTEGER.fullmatch(text):
        raise ValueError(f'For input string: "{text}" (an integer expected)')
    return int(text)


def _match(pattern: re.Pattern[str], text: str, what: str) -> re.Match[str]:
    match = pattern.fullmatch(text)
    if match is None:
        raise ValueError(f"'{text}' is not a {what}")
    return match


def _micros(fraction: str | None) -> int:
    # Python keeps microseconds; Java's nanosecond digits beyond six are dropped.
    return int((fraction or "0").ljust(6, "0")[:6])


def _time_of(groups: tuple[str | None, ...]) -> datetime.time:
    hour, minute, second, fraction = groups
    return datetime.time(int(hour), int(minute), int(second or 0), _micros(fraction))  # type: ignore[arg-type]


def sql_date(text: str) -> datetime.date:
    """``java.sql.Date.valueOf``: ``yyyy-[m]m-[d]d``."""
    year, month, day = _match(_DATE, text, "date (yyyy-mm-dd)").groups()
    return datetime.date(int(year), int(month), int(day))


def sql_time(text: str) -> datetime.time:
    """``java.sql.Time.valueOf``: ``hh:mm:ss``."""
    hour, minute, second = _match(_SQL_TIME, text, "time (hh:mm:ss)").groups()
    return datetime.time(int(hour), int(minute), int(second))


def sql_timestamp(text: str) -> datetime.datetime:
    """``java.sql.Timestamp.valueOf``: ``yyyy-[m]m-[d]d hh:mm:ss[.f...]``."""
    groups = _match(_SQL_TIMESTAMP, text, "timestamp (yyyy-mm-dd hh:mm:ss[.fffffffff])").groups()
    year, month, day, hour, minute, second, fraction = groups
    return datetime.datetime(int(year), int(month), int(day), int(hour), int(minute), int(second), _micros(fraction))


def iso_date(text: str) -> datetime.date:
    year, month, day = _match(_ISO_DATE, text, "date (yyyy-MM-dd)").groups()
    return datetime.date(int(year), int(month), int(day))


_ISO_LOCAL_TIME = re.compile(_ISO_TIME)


def iso_time(text: str) -> datetime.time:
    return _time_of(_match(_ISO_LOCAL_TIME, text, "time (HH:mm[:ss[.fffffffff]])").groups())


def date_time_parser(separator: str, suffix: str = "") -> TextParser:
    """``yyyy-MM-dd<separator>HH:mm[:ss[.f]]<suffix>``: the ISO and RFC 3339 date-times."""
    pattern = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})" + re.escape(separator) + _ISO_TIME + re.escape(suffix))
    what = f"date-time (yyyy-MM-dd{separator}HH:mm:ss{suffix})"

    def parse(text: str) -> datetime.datetime:
        year, month, day, *time = _match(pattern, text, what).groups()
        return datetime.datetime.combine(datetime.date(int(year), int(month), int(day)), _time_of(tuple(time)))
    return parse


def time_parser(suffix: str) -> TextParser:
    pattern = re.compile(_ISO_TIME + re.escape(suffix))
    return lambda text: _time_of(_match(pattern, text, f"time (HH:mm:ss{suffix})").groups())


def _boolean(text: str) -> bool:
    # Boolean.valueOf: anything but "true" (any case) is false; it never fails.
    return text.strip().lower() == "true"


def _float(text: str) -> float:
    return to_float32(_double(text))


_BASIC_PARSERS: dict[BasicType, TextParser] = {
    BasicType.STRING: str,
    BasicType.BOOLEAN: _boolean,
    BasicType.DOUBLE: _double,
    BasicType.FLOAT: _float,
    BasicType.BIG_DEC: _big_decimal,
    BasicType.BIG_INT: _big_integer,
}


def scalar_parser(type_info: TypeInformation, csv: bool) -> TextParser | None:
    """How a field of this type is read from its text; None for non-scalar types.

    The date-time forms differ: Flink's CSV format reads ``java.sql`` and ``yyyy-MM-dd
    HH:mm:ss`` text, its JSON format RFC 3339 (``12:00:00Z``) and ISO-8601 text.
    """
    if isinstance(type_info, BasicTypeInfo):
        kind = type_info.basic_type
        if kind in _INT_BITS:
            return _integer(_INT_BITS[kind], kind.name)
        return _BASIC_PARSERS.get(kind)
    if isinstance(type_info, DateTypeInfo):
        return sql_date if csv else iso_date
    if isinstance(type_info, TimeTypeInfo):
        return sql_time if csv else time_parser("Z")
    if isinstance(type_info, TimestampTypeInfo):
        return sql_timestamp if csv else date_time_parser("T", "Z")
    if isinstance(type_info, LocalTimeTypeInfo):
        if type_info.time_type is LocalTimeType.LOCAL_DATE:
            return iso_date
        if type_info.time_type is LocalTimeType.LOCAL_TIME:
            return iso_time
        return date_time_parser(" " if csv else "T")
    return None


def _fraction(microseconds: int) -> str:
    # java.time's appendFraction(NANO_OF_SECOND, 0, 9, true): as few digits as hold the value.
    return ("." + ("%06d" % microseconds).rstrip("0")) if microseconds else ""


def iso_local_time(value: datetime.time) -> str:
    """``DateTimeFormatter.ISO_LOCAL_TIME`` (seconds always written)."""
    return "%02d:%02d:%02d%s" % (value.hour, value.minute, value.second, _fraction(value.microsecond))


def rfc3339_time(value: datetime.time) -> str:
    return iso_local_time(value) + "Z"


# ---- field text the row formats write ---------------------------------------------

def wrong_value(value: Any, what: str) -> str:
    """Refuses a record field whose Python value does not fit its declared type."""
    raise TypeError(f"{value!r} ({type(value).__name__}) is not {what}")


def int_text(value: Any) -> str:
    return str(value) if type(value) is int else wrong_value(value, "an int")


def bool_text(value: Any) -> str:
    return "true" if value is True else "false" if value is False else wrong_value(value, "a bool")


def checked_number(text_of: Callable[[Any], str], what: str) -> Callable[[Any], str]:
    """``text_of`` for ints and floats; anything else is refused as not ``what``."""
    def text(value: Any) -> str:
        return text_of(value) if type(value) is float or type(value) is int else wrong_value(value, what)
    return text
