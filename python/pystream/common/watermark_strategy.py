"""``WatermarkStrategy`` and ``TimestampAssigner``, as in ``pyflink.common.watermark_strategy``.

The engine generates the watermarks (C#); only the timestamp assigner runs in Python.
"""

from __future__ import annotations

import abc
from typing import Any

from pystream.common.generic import Subscriptable
from pystream.common.time import Duration

__all__ = ["WatermarkStrategy", "TimestampAssigner"]


class TimestampAssigner(Subscriptable, abc.ABC):
    @abc.abstractmethod
    def extract_timestamp(self, value: Any, record_timestamp: int) -> int:
        ...


class WatermarkStrategy:
    def __init__(self, kind: str, out_of_orderness: Duration | None = None) -> None:
        self._kind = kind
        self._out_of_orderness = out_of_orderness
        self._timestamp_assigner: TimestampAssigner | None = None
        self._idleness: Duration | None = None

    @property
    def _is_no_watermarks(self) -> bool:
        return self._kind == "none"

    @staticmethod
    def no_watermarks() -> "WatermarkStrategy":
        return WatermarkStrategy("none")

    @staticmethod
    def for_monotonous_timestamps() -> "WatermarkStrategy":
        return WatermarkStrategy("monotonous")

    @staticmethod
    def for_bounded_out_of_orderness(max_out_of_orderness: Duration) -> "WatermarkStrategy":
        return WatermarkStrategy("bounded", max_out_of_orderness)

    def with_timestamp_assigner(self, timestamp_assigner: TimestampAssigner) -> "WatermarkStrategy":
        self._timestamp_assigner = timestamp_assigner
        return self

    def with_idleness(self, idle_timeout: Duration) -> "WatermarkStrategy":
        self._idleness = idle_timeout
        return self

    def with_watermark_alignment(self, *args: Any) -> "WatermarkStrategy":
        raise NotImplementedError("WatermarkStrategy.with_watermark_alignment is not supported by PyStream yet")

    def _to_spec(self) -> Any:
        """The engine's form of this strategy (the interval is filled in when the job is built)."""
        import cloudpickle

        from pystream._proto import jobspec_pb2 as spec_pb
        kinds = {"none": spec_pb.WatermarkSpec.NONE, "monotonous": spec_pb.WatermarkSpec.MONOTONOUS,
                 "bounded": spec_pb.WatermarkSpec.BOUNDED_OUT_OF_ORDERNESS}
        return spec_pb.WatermarkSpec(
            kind=kinds[self._kind],
            out_of_orderness_ms=self._out_of_orderness.to_milliseconds() if self._out_of_orderness else 0,
            idleness_ms=self._idleness.to_milliseconds() if self._idleness else 0,
            timestamp_assigner=cloudpickle.dumps(self._timestamp_assigner) if self._timestamp_assigner else b"")
