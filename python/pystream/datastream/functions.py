"""User function interfaces, as in ``pyflink.datastream.functions``.

Every function may also be given as a plain callable; the engine wraps it. ``open`` and
``close`` run once per parallel instance, before the first and after the last record.
"""

from __future__ import annotations

import abc
from enum import Enum
from typing import Any, Generic, Iterable, TypeVar

from pystream.common.generic import Subscriptable

__all__ = [
    "Function",
    "MapFunction",
    "FlatMapFunction",
    "FilterFunction",
    "ReduceFunction",
    "AggregateFunction",
    "KeySelector",
    "NullByteKeySelector",
    "Partitioner",
    "ProcessFunction",
    "KeyedProcessFunction",
    "RuntimeContext",
    "TimerService",
    "TimeDomain",
    "WindowFunction",
    "AllWindowFunction",
    "ProcessWindowFunction",
    "ProcessAllWindowFunction",
    "CoMapFunction",
    "CoFlatMapFunction",
    "CoProcessFunction",
    "KeyedCoProcessFunction",
    "BroadcastProcessFunction",
    "KeyedBroadcastProcessFunction",
]

IN = TypeVar("IN")
OUT = TypeVar("OUT")
KEY = TypeVar("KEY")
ACC = TypeVar("ACC")


class TimeDomain(Enum):
    """Which clock fired a timer."""

    EVENT_TIME = 0
    PROCESSING_TIME = 1


class Function(Subscriptable, abc.ABC):
    """The base of every user function."""

    def open(self, runtime_context: "RuntimeContext") -> None:
        pass

    def close(self) -> None:
        pass


class MapFunction(Function):
    @abc.abstractmethod
    def map(self, value: Any) -> Any:
        ...


class FlatMapFunction(Function):
    @abc.abstractmethod
    def flat_map(self, value: Any) -> Iterable[Any]:
        ...


class FilterFunction(Function):
    @abc.abstractmethod
    def filter(self, value: Any) -> bool:
        ...


class ReduceFunction(Function):
    @abc.abstractmethod
    def reduce(self, value1: Any, value2: Any) -> Any:
        ...


class AggregateFunction(Function, Generic[IN, ACC, OUT]):
    @abc.abstractmethod
    def create_accumulator(self) -> ACC:
        ...

    @abc.abstractmethod
    def add(self, value: IN, accumulator: ACC) -> ACC:
        ...

    @abc.abstractmethod
    def get_result(self, accumulator: ACC) -> OUT:
        ...

    def merge(self, acc_a: ACC, acc_b: ACC) -> ACC:
        raise NotImplementedError("AggregateFunction.merge")


class KeySelector(Function):
    @abc.abstractmethod
    def get_key(self, value: Any) -> Any:
        ...


class NullByteKeySelector(KeySelector):
    """Puts every record under one key (used for non-keyed global operations)."""

    def get_key(self, value: Any) -> int:
        return 0


class Partitioner(Function):
    @abc.abstractmethod
    def partition(self, key: Any, num_partitions: int) -> int:
        ...


class TimerService(Subscriptable, abc.ABC):
    """Time and timers of the current key, as ``ctx.timer_service()`` gives them."""

    @abc.abstractmethod
    def current_processing_time(self) -> int:
        ...

    @abc.abstractmethod
    def current_watermark(self) -> int:
        ...

    @abc.abstractmethod
    def register_processing_time_timer(self, timestamp: int) -> None:
        ...

    @abc.abstractmethod
    def register_event_time_timer(self, timestamp: int) -> None:
        ...

    @abc.abstractmethod
    def delete_processing_time_timer(self, timestamp: int) -> None:
        ...

    @abc.abstractmethod
    def delete_event_time_timer(self, timestamp: int) -> None:
        ...


class RuntimeContext(Subscriptable, abc.ABC):
    """What a function learns about its parallel instance, and where it gets keyed state."""

    @abc.abstractmethod
    def get_task_name(self) -> str:
        ...

    @abc.abstractmethod
    def get_number_of_parallel_subtasks(self) -> int:
        ...

    @abc.abstractmethod
    def get_max_number_of_parallel_subtasks(self) -> int:
        ...

    @abc.abstractmethod
    def get_index_of_this_subtask(self) -> int:
        ...

    @abc.abstractmethod
    def get_attempt_number(self) -> int:
        ...

    @abc.abstractmethod
    def get_task_name_with_subtasks(self) -> str:
        ...

    @abc.abstractmethod
    def get_job_parameter(self, key: str, default_value: str) -> str:
        ...

    @abc.abstractmethod
    def get_state(self, state_descriptor: Any) -> Any:
        ...

    @abc.abstractmethod
    def get_list_state(self, state_descriptor: Any) -> Any:
        ...

    @abc.abstractmethod
    def get_map_state(self, state_descriptor: Any) -> Any:
        ...

    @abc.abstractmethod
    def get_reducing_state(self, state_descriptor: Any) -> Any:
        ...

    @abc.abstractmethod
    def get_aggregating_state(self, state_descriptor: Any) -> Any:
        ...

    def get_metrics_group(self) -> Any:
        # Without the engine (the runtime's context overrides this): one group that only counts.
        group = getattr(self, "_metric_group", None)
        if group is None:
            from pystream.metrics import MetricGroup
            group = self._metric_group = MetricGroup()
        return group


class ProcessFunction(Function):
    """Processes each record; yields outputs, and ``(output_tag, value)`` for side outputs."""

    class Context(Subscriptable, abc.ABC):
        @abc.abstractmethod
        def timer_service(self) -> TimerService:
            ...

        @abc.abstractmethod
        def timestamp(self) -> int | None:
            ...

    @abc.abstractmethod
    def process_element(self, value: Any, ctx: "ProcessFunction.Context") -> Iterable[Any] | None:
        ...


class KeyedProcessFunction(Function):
    """A process function on a keyed stream, with keyed state and timers."""

    class Context(Subscriptable, abc.ABC):
        @abc.abstractmethod
        def timer_service(self) -> TimerService:
            ...

        @abc.abstractmethod
        def timestamp(self) -> int | None:
            ...

        @abc.abstractmethod
        def get_current_key(self) -> Any:
            ...

    class OnTimerContext(Context):
        @abc.abstractmethod
        def time_domain(self) -> TimeDomain:
            ...

    @abc.abstractmethod
    def process_element(self, value: Any, ctx: "KeyedProcessFunction.Context") -> Iterable[Any] | None:
        ...

    def on_timer(self, timestamp: int, ctx: "KeyedProcessFunction.OnTimerContext") -> Iterable[Any] | None:
        pass


class WindowFunction(Function):
    """Called with all elements of a window when it fires: ``apply(key, window, inputs)``."""

    @abc.abstractmethod
    def apply(self, key: Any, window: Any, inputs: Iterable[Any]) -> Iterable[Any]:
        ...


class AllWindowFunction(Function):
    @abc.abstractmethod
    def apply(self, window: Any, inputs: Iterable[Any]) -> Iterable[Any]:
        ...


class ProcessWindowFunction(Function):
    """Like WindowFunction, with a context: the window, time, per-window and per-key state."""

    class Context(Subscriptable, abc.ABC):
        @abc.abstractmethod
        def window(self) -> Any:
            ...

        @abc.abstractmethod
        def current_processing_time(self) -> int:
            ...

        @abc.abstractmethod
        def current_watermark(self) -> int:
            ...

        @abc.abstractmethod
        def window_state(self) -> Any:
            ...

        @abc.abstractmethod
        def global_state(self) -> Any:
            ...

    @abc.abstractmethod
    def process(self, key: Any, context: "ProcessWindowFunction.Context", elements: Iterable[Any]) -> Iterable[Any]:
        ...

    def clear(self, context: "ProcessWindowFunction.Context") -> None:
        pass


class ProcessAllWindowFunction(Function):
    class Context(ProcessWindowFunction.Context, abc.ABC):
        pass

    @abc.abstractmethod
    def process(self, context: "ProcessAllWindowFunction.Context", elements: Iterable[Any]) -> Iterable[Any]:
        ...

    def clear(self, context: "ProcessAllWindowFunction.Context") -> None:
        pass


class CoMapFunction(Function):
    @abc.abstractmethod
    def map1(self, value: Any) -> Any:
        ...

    @abc.abstractmethod
    def map2(self, value: Any) -> Any:
        ...


class CoFlatMapFunction(Function):
    @abc.abstractmethod
    def flat_map1(self, value: Any) -> Iterable[Any]:
        ...

    @abc.abstractmethod
    def flat_map2(self, value: Any) -> Iterable[Any]:
        ...


class CoProcessFunction(Function):
    class Context(ProcessFunction.Context, abc.ABC):
        pass

    @abc.abstractmethod
    def process_element1(self, value: Any, ctx: "CoProcessFunction.Context") -> Iterable[Any] | None:
        ...

    @abc.abstractmethod
    def process_element2(self, value: Any, ctx: "CoProcessFunction.Context") -> Iterable[Any] | None:
        ...


class KeyedCoProcessFunction(Function):
    class Context(KeyedProcessFunction.Context, abc.ABC):
        pass

    class OnTimerContext(KeyedProcessFunction.OnTimerContext, abc.ABC):
        pass

    @abc.abstractmethod
    def process_element1(self, value: Any, ctx: "KeyedCoProcessFunction.Context") -> Iterable[Any] | None:
        ...

    @abc.abstractmethod
    def process_element2(self, value: Any, ctx: "KeyedCoProcessFunction.Context") -> Iterable[Any] | None:
        ...

    def on_timer(self, timestamp: int, ctx: "KeyedCoProcessFunction.OnTimerContext") -> Iterable[Any] | None:
        pass


class BroadcastProcessFunction(Function):
    """Processes a stream with read-only access to broadcast state, and the broadcast stream with write access."""

    class ReadOnlyContext(ProcessFunction.Context, abc.ABC):
        @abc.abstractmethod
        def get_broadcast_state(self, state_descriptor: Any) -> Any:
            ...

    class Context(ReadOnlyContext, abc.ABC):
        pass

    @abc.abstractmethod
    def process_element(self, value: Any, ctx: "BroadcastProcessFunction.ReadOnlyContext") -> Iterable[Any] | None:
        ...

    @abc.abstractmethod
    def process_broadcast_element(self, value: Any, ctx: "BroadcastProcessFunction.Context") -> Iterable[Any] | None:
        ...


class KeyedBroadcastProcessFunction(Function):
    """As BroadcastProcessFunction, on a keyed stream: keyed state and timers on the non-broadcast side."""

    class ReadOnlyContext(KeyedProcessFunction.Context, abc.ABC):
        @abc.abstractmethod
        def get_broadcast_state(self, state_descriptor: Any) -> Any:
            ...

    class Context(BroadcastProcessFunction.ReadOnlyContext, abc.ABC):
        pass

    class OnTimerContext(KeyedProcessFunction.OnTimerContext, abc.ABC):
        pass

    @abc.abstractmethod
    def process_element(self, value: Any, ctx: "KeyedBroadcastProcessFunction.ReadOnlyContext") -> Iterable[Any] | None:
        ...

    @abc.abstractmethod
    def process_broadcast_element(self, value: Any, ctx: "KeyedBroadcastProcessFunction.Context") -> Iterable[Any] | None:
        ...

    def on_timer(self, timestamp: int, ctx: "KeyedBroadcastProcessFunction.OnTimerContext") -> Iterable[Any] | None:
        pass
