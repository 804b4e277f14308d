"""``RuntimeExecutionMode``, as in ``pyflink.datastream.execution_mode``."""

from __future__ import annotations

from enum import Enum

__all__ = ["RuntimeExecutionMode"]


class RuntimeExecutionMode(Enum):
    """STREAMING emits every update; BATCH emits only final results of keyed aggregations."""

    STREAMING = 0
    BATCH = 1
    AUTOMATIC = 2
