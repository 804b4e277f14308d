"""``TimeCharacteristic`` (deprecated in Flink since 1.12: event time is always on)."""

from enum import Enum

__all__ = ["TimeCharacteristic"]


class TimeCharacteristic(Enum):
    ProcessingTime = 0
    IngestionTime = 1
    EventTime = 2
