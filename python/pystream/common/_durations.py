"""Durations as the engine reads them: whole milliseconds.

Scripts give durations as PyFlink does (an int of milliseconds or a ``datetime.timedelta``)
and configurations as Flink's files do (``"10 s"``, ``"1 min"``, ``"500"``); both become an int.
"""
from __future__ import annotations

import re
from datetime import timedelta

from pystream.common.time import Duration, Time

__all__ = ["to_millis", "parse_millis"]

_NANOS_PER_UNIT = {
    "d": 86_400 * 10**9, "day": 86_400 * 10**9, "days": 86_400 * 10**9,
    "h": 3_600 * 10**9, "hour": 3_600 * 10**9, "hours": 3_600 * 10**9,
    "m": 60 * 10**9, "min": 60 * 10**9, "mins": 60 * 10**9, "minute": 60 * 10**9, "minutes": 60 * 10**9,
    "s": 10**9, "sec": 10**9, "secs": 10**9, "second": 10**9, "seconds": 10**9,
    "ms": 10**6, "milli": 10**6, "millis": 10**6, "millisecond": 10**6, "milliseconds": 10**6,
    "µs": 10**3, "us": 10**3, "micro": 10**3, "micros": 10**3, "microsecond": 10**3, "microseconds": 10**3,
    "ns": 1, "nano": 1, "nanos": 1, "nanosecond": 1, "nanoseconds": 1,
}
_DURATION_TEXT = re.compile(r"^\s*(-?\d+)\s*([a-zµ]*)\s*$")


def to_millis(value: object, parameter: str) -> int:
    """An int (milliseconds), ``timedelta``, ``Duration`` or ``Time`` as whole milliseconds."""
    if isinstance(value, bool):
        raise TypeError(f"The parameter '{parameter}' only supports integer and datetime.timedelta, "
                        f"current input type is {type(value)}.")
    if isinstance(value, int):
        return value
    if isinstance(value, timedelta):
        return value // timedelta(milliseconds=1)
    if isinstance(value, (Duration, Time)):
        return value.to_milliseconds()
    raise TypeError(f"The parameter '{parameter}' only supports integer and datetime.timedelta, "
                    f"current input type is {type(value)}.")


def parse_millis(key: str, text: str) -> int:
    """Flink's duration syntax (a number and an optional unit, milliseconds without one)."""
    match = _DURATION_TEXT.match(text.lower())
    if match is None or match.group(2) not in _NANOS_PER_UNIT and match.group(2) != "":
        raise ValueError(f"Could not parse value '{text}' for key '{key}': expected a duration such as "
                         f"'500', '500 ms', '10 s' or '1 min'")
    amount, unit = int(match.group(1)), match.group(2) or "ms"
    return amount * _NANOS_PER_UNIT[unit] // 10**6
