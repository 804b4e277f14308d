"""Durations, window sizes and instants with PyFlink's API.

``Duration`` keeps exact nanoseconds (as ``java.time.Duration`` does); ``Time`` is the
millisecond window-size type of PyFlink's ``common.time``; ``Instant`` is seconds plus
nanoseconds since the epoch.
"""
from __future__ import annotations

__all__ = ["Duration", "Time", "Instant"]

_NANOS_PER_MILLI = 1_000_000
_NANOS_PER_SECOND = 1_000_000_000
_SECONDS_PER_MINUTE = 60
_SECONDS_PER_HOUR = 3600
_SECONDS_PER_DAY = 86400


class Duration:
    """An exact amount of time, stored as an integer number of nanoseconds."""

    __slots__ = ("_nanos",)

    def __init__(self, nanos: int = 0) -> None:
        self._nanos = int(nanos)

    @staticmethod
    def of_nanos(nanos: int) -> "Duration":
        return Duration(nanos)

    @staticmethod
    def of_millis(millis: int) -> "Duration":
        return Duration(int(millis) * _NANOS_PER_MILLI)

    @staticmethod
    def of_seconds(seconds: int) -> "Duration":
        return Duration(int(seconds) * _NANOS_PER_SECOND)

    @staticmethod
    def of_minutes(minutes: int) -> "Duration":
        return Duration(int(minutes) * _SECONDS_PER_MINUTE * _NANOS_PER_SECOND)

    @staticmethod
    def of_hours(hours: int) -> "Duration":
        return Duration(int(hours) * _SECONDS_PER_HOUR * _NANOS_PER_SECOND)

    @staticmethod
    def of_days(days: int) -> "Duration":
        return Duration(int(days) * _SECONDS_PER_DAY * _NANOS_PER_SECOND)

    def to_milliseconds(self) -> int:
        # Floors, as java.time.Duration.toMillis does for negative durations.
        return self._nanos // _NANOS_PER_MILLI

    def to_nanos(self) -> int:
        return self._nanos

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Duration) and other._nanos == self._nanos

    def __ne__(self, other: object) -> bool:
        return not self == other

    def __lt__(self, other: "Duration") -> bool:
        return self._nanos < other._nanos

    def __hash__(self) -> int:
        return hash(("Duration", self._nanos))

    def __reduce__(self) -> object:
        return Duration, (self._nanos,)

    def __repr__(self) -> str:
        # ISO-8601 like java.time.Duration.toString: PT1H30M, PT0.5S, PT-1.5S.
        if self._nanos == 0:
            return "PT0S"
        sign = "-" if self._nanos < 0 else ""
        total_seconds, fraction = divmod(abs(self._nanos), _NANOS_PER_SECOND)
        hours, rest = divmod(total_seconds, _SECONDS_PER_HOUR)
        minutes, seconds = divmod(rest, _SECONDS_PER_MINUTE)
        parts = ["PT"]
        if hours:
            parts.append("%s%dH" % (sign, hours))
        if minutes:
            parts.append("%s%dM" % (sign, minutes))
        if seconds or fraction:
            parts.append("%s%d" % (sign, seconds))
            if fraction:
                parts.append("." + ("%09d" % fraction).rstrip("0"))
            parts.append("S")
        return "".join(parts)


class Time:
    """A window size or interval in milliseconds (PyFlink's ``common.time.Time``)."""

    __slots__ = ("_milliseconds",)

    def __init__(self, milliseconds: int) -> None:
        self._milliseconds = int(milliseconds)

    @staticmethod
    def milliseconds(milliseconds: int) -> "Time":
        return Time(milliseconds)

    @staticmethod
    def seconds(seconds: int) -> "Time":
        return Time(int(seconds) * 1000)

    @staticmethod
    def minutes(minutes: int) -> "Time":
        return Time(int(minutes) * _SECONDS_PER_MINUTE * 1000)

    @staticmethod
    def hours(hours: int) -> "Time":
        return Time(int(hours) * _SECONDS_PER_HOUR * 1000)

    @staticmethod
    def days(days: int) -> "Time":
        return Time(int(days) * _SECONDS_PER_DAY * 1000)

    def to_milliseconds(self) -> int:
        return self._milliseconds

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Time) and other._milliseconds == self._milliseconds

    def __ne__(self, other: object) -> bool:
        return not self == other

    def __hash__(self) -> int:
        return hash(("Time", self._milliseconds))

    def __reduce__(self) -> object:
        return Time, (self._milliseconds,)

    def __str__(self) -> str:
        return "%d ms" % self._milliseconds

    def __repr__(self) -> str:
        return "Time(%d ms)" % self._milliseconds


class Instant:
    """A point on the UTC time line: whole seconds plus nanoseconds (0..999,999,999)."""

    __slots__ = ("seconds", "nanos")

    def __init__(self, seconds: int, nanos: int = 0) -> None:
        extra_seconds, nanos = divmod(int(nanos), _NANOS_PER_SECOND)
        self.seconds = int(seconds) + extra_seconds
        self.nanos = nanos

    @staticmethod
    def of_epoch_milli(epoch_milli: int) -> "Instant":
        seconds, millis = divmod(int(epoch_milli), 1000)
        return Instant(seconds, millis * _NANOS_PER_MILLI)

    @staticmethod
    def of_epoch_second(epoch_second: int, nano_adjustment: int = 0) -> "Instant":
        return Instant(epoch_second, nano_adjustment)

    def to_epoch_milli(self) -> int:
        # Floors sub-millisecond parts, like java.time.Instant.toEpochMilli.
        return self.seconds * 1000 + self.nanos // _NANOS_PER_MILLI

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, Instant)
                and other.seconds == self.seconds and other.nanos == self.nanos)

    def __ne__(self, other: object) -> bool:
        return not self == other

    def __lt__(self, other: "Instant") -> bool:
        return (self.seconds, self.nanos) < (other.seconds, other.nanos)

    def __hash__(self) -> int:
        return hash(("Instant", self.seconds, self.nanos))

    def __reduce__(self) -> object:
        return Instant, (self.seconds, self.nanos)

    def __repr__(self) -> str:
        return "Instant<%d, %d>" % (self.seconds, self.nanos)
