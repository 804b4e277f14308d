"""Windows, window assigners, triggers and evictors, as in ``pyflink.datastream.window``.

Assigners and triggers here only describe themselves (``_to_spec``): the engine's C#
window operator assigns, merges, triggers and cleans up. Window objects are what a window
function sees (``context.window()``).
"""

from __future__ import annotations

from enum import Enum
from typing import Any

from pystream._proto import jobspec_pb2 as spec_pb
from pystream.common.generic import Subscriptable

__all__ = [
    "Window", "TimeWindow", "GlobalWindow", "CountWindow",
    "WindowAssigner", "MergingWindowAssigner",
    "TumblingEventTimeWindows", "TumblingProcessingTimeWindows",
    "SlidingEventTimeWindows", "SlidingProcessingTimeWindows",
    "EventTimeSessionWindows", "ProcessingTimeSessionWindows", "GlobalWindows", "SessionWindowTimeGapExtractor",
    "Trigger", "TriggerResult", "EventTimeTrigger", "ProcessingTimeTrigger", "CountTrigger",
    "PurgingTrigger", "ContinuousEventTimeTrigger", "ContinuousProcessingTimeTrigger", "NeverTrigger",
    "Evictor", "CountEvictor", "TimeEvictor", "DeltaEvictor", "TimestampedValue",
]

_LONG_MIN = -(2**63)
_LONG_MAX = 2**63 - 1


def _millis(size: Any) -> int:
    """Time (PyFlink 1.x), Duration (2.x) or plain milliseconds."""
    if isinstance(size, int):
        return size
    to_ms = getattr(size, "to_milliseconds", None)
    if to_ms is None:
        raise TypeError(f"expected a Time, a Duration or milliseconds, got {type(size).__name__}")
    return int(to_ms())


class Window(Subscriptable):
    def max_timestamp(self) -> int:
        raise NotImplementedError


class TimeWindow(Window):
    __slots__ = ("start", "end")

    def __init__(self, start: int, end: int) -> None:
        self.start = start
        self.end = end

    def max_timestamp(self) -> int:
        return self.end - 1

    def intersects(self, other: "TimeWindow") -> bool:
        return self.start <= other.end and self.end >= other.start

    def cover(self, other: "TimeWindow") -> "TimeWindow":
        return TimeWindow(min(self.start, other.start), max(self.end, other.end))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, TimeWindow) and (self.start, self.end) == (other.start, other.end)

    def __hash__(self) -> int:
        return hash((self.start, self.end))

    def __lt__(self, other: "TimeWindow") -> bool:
        return (self.start, self.end) < (other.start, other.end)

    def __repr__(self) -> str:
        return f"TimeWindow(start={self.start}, end={self.end})"


class GlobalWindow(Window):
    _instance: "GlobalWindow | None" = None

    def __new__(cls) -> "GlobalWindow":
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    @staticmethod
    def get() -> "GlobalWindow":
        return GlobalWindow()

    def max_timestamp(self) -> int:
        return _LONG_MAX

    def __repr__(self) -> str:
        return "GlobalWindow"

    def __reduce__(self) -> Any:
        return GlobalWindow, ()


class CountWindow(Window):
    def __init__(self, id: int) -> None:  # noqa: A002 - PyFlink's name
        self.id = id

    def max_timestamp(self) -> int:
        return _LONG_MAX

    def __repr__(self) -> str:
        return f"CountWindow(id={self.id})"


# ---- assigners ---------------------------------------------------------------------------

class WindowAssigner(Subscriptable):
    def _to_spec(self) -> spec_pb.WindowAssignerSpec:
        raise NotImplementedError(f"{type(self).__name__} (a window assigner written in Python) is not supported by PyStream yet")

    def is_event_time(self) -> bool:
        return self._to_spec().event_time


class MergingWindowAssigner(WindowAssigner):
    pass


class _Tumbling(WindowAssigner):
    _EVENT_TIME = True

    def __init__(self, size: int, offset: int) -> None:
        if size <= 0 or abs(offset) >= size:
            raise ValueError("Tumbling windows need 0 <= abs(offset) < size")
        self._size, self._offset = size, offset

    @classmethod
    def of(cls, size: Any, offset: Any = 0) -> "_Tumbling":
        return cls(_millis(size), _millis(offset))

    def _to_spec(self) -> spec_pb.WindowAssignerSpec:
        return spec_pb.WindowAssignerSpec(kind=spec_pb.WindowAssignerSpec.TUMBLING, event_time=self._EVENT_TIME,
                                          size_ms=self._size, offset_ms=self._offset)


class TumblingEventTimeWindows(_Tumbling):
    _EVENT_TIME = True


class TumblingProcessingTimeWindows(_Tumbling):
    _EVENT_TIME = False


class _Sliding(WindowAssigner):
    _EVENT_TIME = True

    def __init__(self, size: int, slide: int, offset: int) -> None:
        if size <= 0 or slide <= 0 or abs(offset) >= slide:
            raise ValueError("Sliding windows need size > 0, slide > 0 and abs(offset) < slide")
        self._size, self._slide, self._offset = size, slide, offset

    @classmethod
    def of(cls, size: Any, slide: Any, offset: Any = 0) -> "_Sliding":
        return cls(_millis(size), _millis(slide), _millis(offset))

    def _to_spec(self) -> spec_pb.WindowAssignerSpec:
        return spec_pb.WindowAssignerSpec(kind=spec_pb.WindowAssignerSpec.SLIDING, event_time=self._EVENT_TIME,
                                          size_ms=self._size, slide_ms=self._slide, offset_ms=self._offset)


class SlidingEventTimeWindows(_Sliding):
    _EVENT_TIME = True


class SlidingProcessingTimeWindows(_Sliding):
    _EVENT_TIME = False


class SessionWindowTimeGapExtractor:
    """Gives each record's session gap in milliseconds (``with_dynamic_gap``)."""

    def extract(self, element: Any) -> int:
        raise NotImplementedError(f"{type(self).__name__}.extract")


class _Sessions(MergingWindowAssigner):
    _EVENT_TIME = True

    def __init__(self, gap: int, extractor: Any = None) -> None:
        if extractor is None and gap <= 0:
            raise ValueError("session windows need a gap > 0")
        self._gap = gap
        self.gap_extractor = extractor

    @classmethod
    def with_gap(cls, size: Any) -> "_Sessions":
        return cls(_millis(size))

    @classmethod
    def with_dynamic_gap(cls, extractor: Any) -> "_Sessions":
        if not callable(extractor) and not hasattr(extractor, "extract"):
            raise TypeError("with_dynamic_gap needs a SessionWindowTimeGapExtractor or a callable")
        return cls(0, extractor)

    def _to_spec(self) -> spec_pb.WindowAssignerSpec:
        return spec_pb.WindowAssignerSpec(kind=spec_pb.WindowAssignerSpec.SESSION, event_time=self._EVENT_TIME,
                                          gap_ms=self._gap, dynamic_gap=self.gap_extractor is not None)


class EventTimeSessionWindows(_Sessions):
    _EVENT_TIME = True


class ProcessingTimeSessionWindows(_Sessions):
    _EVENT_TIME = False


class GlobalWindows(WindowAssigner):
    @staticmethod
    def create() -> "GlobalWindows":
        return GlobalWindows()

    def _to_spec(self) -> spec_pb.WindowAssignerSpec:
        return spec_pb.WindowAssignerSpec(kind=spec_pb.WindowAssignerSpec.GLOBAL, event_time=False)


# ---- triggers ------------------------------------------------------------------------------

class TriggerResult(Enum):
    CONTINUE = (False, False)
    FIRE_AND_PURGE = (True, True)
    FIRE = (True, False)
    PURGE = (False, True)

    def is_fire(self) -> bool:
        return self.value[0]

    def is_purge(self) -> bool:
        return self.value[1]


class Trigger(Subscriptable):
    """Decides when a window fires. Subclass it in Python, or use the built-in triggers (run by the engine).

    A Python trigger is asked about every record and every timer it set: ``on_element``,
    ``on_event_time`` and ``on_processing_time`` return a ``TriggerResult``.
    """

    class TriggerContext(Subscriptable):
        def get_current_processing_time(self) -> int:
            raise NotImplementedError

        def get_current_watermark(self) -> int:
            raise NotImplementedError

        def register_processing_time_timer(self, time: int) -> None:
            raise NotImplementedError

        def register_event_time_timer(self, time: int) -> None:
            raise NotImplementedError

        def delete_processing_time_timer(self, time: int) -> None:
            raise NotImplementedError

        def delete_event_time_timer(self, time: int) -> None:
            raise NotImplementedError

        def get_partitioned_state(self, state_descriptor: Any) -> Any:
            raise NotImplementedError

        def get_metric_group(self) -> Any:
            raise NotImplementedError

    class OnMergeContext(TriggerContext):
        def merge_partitioned_state(self, state_descriptor: Any) -> None:
            raise NotImplementedError

    def on_element(self, element: Any, timestamp: int, window: Any, ctx: "Trigger.TriggerContext") -> TriggerResult:
        raise NotImplementedError(f"{type(self).__name__}.on_element")

    def on_processing_time(self, time: int, window: Any, ctx: "Trigger.TriggerContext") -> TriggerResult:
        raise NotImplementedError(f"{type(self).__name__}.on_processing_time")

    def on_event_time(self, time: int, window: Any, ctx: "Trigger.TriggerContext") -> TriggerResult:
        raise NotImplementedError(f"{type(self).__name__}.on_event_time")

    def can_merge(self) -> bool:
        return False

    def on_merge(self, window: Any, ctx: "Trigger.OnMergeContext") -> None:
        raise NotImplementedError(f"{type(self).__name__} cannot merge windows")

    def clear(self, window: Any, ctx: "Trigger.TriggerContext") -> None:
        pass

    def _to_spec(self) -> spec_pb.TriggerSpec:
        return spec_pb.TriggerSpec(kind=spec_pb.TriggerSpec.PYTHON)


class _BuiltInTrigger(Trigger):
    def __init__(self, kind: int, count: int = 0, interval: int = 0, purging: bool = False) -> None:
        self._spec = spec_pb.TriggerSpec(kind=kind, count=count, interval_ms=interval, purging=purging)

    def _to_spec(self) -> spec_pb.TriggerSpec:
        return self._spec


class EventTimeTrigger(_BuiltInTrigger):
    def __init__(self) -> None:
        super().__init__(spec_pb.TriggerSpec.EVENT_TIME)

    @staticmethod
    def create() -> "EventTimeTrigger":
        return EventTimeTrigger()


class ProcessingTimeTrigger(_BuiltInTrigger):
    def __init__(self) -> None:
        super().__init__(spec_pb.TriggerSpec.PROCESSING_TIME)

    @staticmethod
    def create() -> "ProcessingTimeTrigger":
        return ProcessingTimeTrigger()


class NeverTrigger(_BuiltInTrigger):
    def __init__(self) -> None:
        super().__init__(spec_pb.TriggerSpec.NEVER)

    @staticmethod
    def create() -> "NeverTrigger":
        return NeverTrigger()


class CountTrigger(_BuiltInTrigger):
    def __init__(self, count: int) -> None:
        if count <= 0:
            raise ValueError("CountTrigger needs a count > 0")
        super().__init__(spec_pb.TriggerSpec.COUNT, count=count)

    @staticmethod
    def of(window_size: int) -> "CountTrigger":
        return CountTrigger(window_size)


class ContinuousEventTimeTrigger(_BuiltInTrigger):
    def __init__(self, interval: int) -> None:
        super().__init__(spec_pb.TriggerSpec.CONTINUOUS_EVENT_TIME, interval=interval)

    @staticmethod
    def of(interval: Any) -> "ContinuousEventTimeTrigger":
        return ContinuousEventTimeTrigger(_millis(interval))


class ContinuousProcessingTimeTrigger(_BuiltInTrigger):
    def __init__(self, interval: int) -> None:
        super().__init__(spec_pb.TriggerSpec.CONTINUOUS_PROCESSING_TIME, interval=interval)

    @staticmethod
    def of(interval: Any) -> "ContinuousProcessingTimeTrigger":
        return ContinuousProcessingTimeTrigger(_millis(interval))


class PurgingTrigger(Trigger):
    def __init__(self, nested: Trigger) -> None:
        self._nested = nested

    @staticmethod
    def of(nested_trigger: Trigger) -> "PurgingTrigger":
        return PurgingTrigger(nested_trigger)

    def _to_spec(self) -> spec_pb.TriggerSpec:
        spec = spec_pb.TriggerSpec()
        spec.CopyFrom(self._nested._to_spec())
        spec.purging = True
        return spec


# ---- evictors ------------------------------------------------------------------------------

class TimestampedValue:
    """An element of a window as evictors see it."""

    __slots__ = ("value", "timestamp")

    def __init__(self, value: Any, timestamp: int | None) -> None:
        self.value = value
        self.timestamp = timestamp

    def get_value(self) -> Any:
        return self.value

    def get_timestamp(self) -> int | None:
        return self.timestamp

    def has_timestamp(self) -> bool:
        return self.timestamp is not None

    def __repr__(self) -> str:
        return f"TimestampedValue({self.value!r}, {self.timestamp})"


class Evictor(Subscriptable):
    """Removes elements from a window before and/or after its function runs (Java Flink's evictors).

    Subclasses return the elements to keep, in order, from ``evict_before``/``evict_after``.
    """

    def evict_before(self, elements: list[TimestampedValue], size: int, window: Any, ctx: Any) -> list[TimestampedValue]:
        return elements

    def evict_after(self, elements: list[TimestampedValue], size: int, window: Any, ctx: Any) -> list[TimestampedValue]:
        return elements

    def _to_spec(self) -> spec_pb.EvictorSpec:
        """How the JobSpec describes this evictor: one the window's Python side runs, unless a subclass says otherwise."""
        return spec_pb.EvictorSpec(kind=spec_pb.EvictorSpec.PYTHON)


class _KeepingEvictor(Evictor):
    """An evictor that keeps what ``_keep`` selects, before the window function or after it."""

    def __init__(self, do_evict_after: bool) -> None:
        self._after = do_evict_after

    def _keep(self, elements: list[TimestampedValue]) -> list[TimestampedValue]:
        raise NotImplementedError

    def evict_before(self, elements: list[TimestampedValue], size: int, window: Any, ctx: Any) -> list[TimestampedValue]:
        return elements if self._after else self._keep(elements)

    def evict_after(self, elements: list[TimestampedValue], size: int, window: Any, ctx: Any) -> list[TimestampedValue]:
        return self._keep(elements) if self._after else elements


class CountEvictor(_KeepingEvictor):
    """Keeps the last ``max_count`` elements."""

    def __init__(self, max_count: int, do_evict_after: bool = False) -> None:
        if max_count <= 0:
            raise ValueError("CountEvictor needs a count > 0")
        super().__init__(do_evict_after)
        self._count = max_count

    @staticmethod
    def of(max_count: int, do_evict_after: bool = False) -> "CountEvictor":
        return CountEvictor(max_count, do_evict_after)

    def _keep(self, elements: list[TimestampedValue]) -> list[TimestampedValue]:
        return elements[-self._count:] if len(elements) > self._count else elements

    def _to_spec(self) -> spec_pb.EvictorSpec:
        if type(self) is not CountEvictor:  # a subclass may change what it keeps: run it in Python
            return super()._to_spec()
        return spec_pb.EvictorSpec(kind=spec_pb.EvictorSpec.COUNT, max_count=self._count, evict_after=self._after)


class TimeEvictor(_KeepingEvictor):
    """Keeps the elements within ``window_size`` of the newest element's timestamp."""

    def __init__(self, window_size: int, do_evict_after: bool = False) -> None:
        super().__init__(do_evict_after)
        self._size = window_size

    @staticmethod
    def of(window_size: Any, do_evict_after: bool = False) -> "TimeEvictor":
        return TimeEvictor(_millis(window_size), do_evict_after)

    def _keep(self, elements: list[TimestampedValue]) -> list[TimestampedValue]:
        # Flink: nothing is evicted unless the first element has a timestamp.
        if not elements or elements[0].timestamp is None:
            return elements
        cutoff = max(e.timestamp for e in elements if e.timestamp is not None) - self._size
        return [e for e in elements if e.timestamp is not None and e.timestamp > cutoff]

    def _to_spec(self) -> spec_pb.EvictorSpec:
        if type(self) is not TimeEvictor:
            return super()._to_spec()
        return spec_pb.EvictorSpec(kind=spec_pb.EvictorSpec.TIME, keep_ms=self._size, evict_after=self._after)


class DeltaEvictor(_KeepingEvictor):
    """Keeps the elements whose ``delta_function(element, last)`` is below ``threshold``.

    The delta function is the user's Python, so the window's Python side runs this evictor
    (inside the same per-batch call that fires the window), unlike the count and time evictors.
    """

    def __init__(self, threshold: float, delta_function: Any, do_evict_after: bool = False) -> None:
        super().__init__(do_evict_after)
        self._threshold = threshold
        self._delta = delta_function

    @staticmethod
    def of(threshold: float, delta_function: Any, do_evict_after: bool = False) -> "DeltaEvictor":
        return DeltaEvictor(threshold, delta_function, do_evict_after)

    def _keep(self, elements: list[TimestampedValue]) -> list[TimestampedValue]:
        if not elements:
            return elements
        last = elements[-1].value
        return [e for e in elements if self._delta(e.value, last) < self._threshold]
