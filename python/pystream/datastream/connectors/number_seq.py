"""``NumberSequenceSource``: the numbers from ``start`` to ``end``, both included."""

from __future__ import annotations

from pystream._proto import jobspec_pb2 as spec_pb
from pystream.common.typeinfo import TypeInformation, Types

__all__ = ["NumberSequenceSource"]


class NumberSequenceSource:
    """Split evenly over the parallel source instances, as Flink splits it."""

    def __init__(self, start: int, end: int) -> None:
        if not isinstance(start, int) or not isinstance(end, int):
            raise TypeError("NumberSequenceSource needs int bounds")
        if end < start:
            raise ValueError(f"NumberSequenceSource: end ({end}) is before start ({start})")
        self._start = start
        self._end = end

    def _to_source_spec(self) -> tuple[spec_pb.SourceSpec, TypeInformation]:
        spec = spec_pb.SourceSpec(number_sequence=spec_pb.NumberSequenceSource(**{"from": self._start, "to": self._end}))
        return spec, Types.LONG()
