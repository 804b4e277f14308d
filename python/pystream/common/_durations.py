"""Durations given to typed API arguments, as whole milliseconds.

Scripts give them as PyFlink does (an int of milliseconds, a ``datetime.timedelta``, a
``Duration`` or ``Time``). Durations in a configuration's text (``"10 s"``) are the engine's to read.
"""
from __future__ import annotations

from datetime import timedelta

from pystream.common.time import Duration, Time

__all__ = ["to_millis"]


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
