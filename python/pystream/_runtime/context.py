"""What an operation sees of its parallel instance: runtime context, state, timers, routing."""

from __future__ import annotations

from time import monotonic
from typing import Any, Iterable, Iterator

from pystream._runtime.keycodec import encode_key
from pystream._runtime.keyed_state import KeyedStateBackend
from pystream._runtime.state_tables import _StateTable
from pystream._runtime.metrics import MetricReporter
from pystream.datastream.functions import (
    KeyedProcessFunction,
    ProcessFunction,
    RuntimeContext,
    TimeDomain,
    TimerService,
)
from pystream.datastream.output_tag import OutputTag

__all__ = ["OperationContext", "Pace", "TaskInfo", "TaskRuntimeContext", "LONG_MIN"]

LONG_MIN = -(2**63)


class TaskInfo:
    __slots__ = ("name", "index", "parallelism", "max_parallelism", "attempt")

    def __init__(self, name: str, index: int, parallelism: int, max_parallelism: int, attempt: int) -> None:
        self.name = name
        self.index = index
        self.parallelism = parallelism
        self.max_parallelism = max_parallelism
        self.attempt = attempt


class Pace:
    """
    When a call into a segment should pause (see ``segment``): once an exit holds ``RECORDS``
    records, or the call has run ``SECONDS``. Operations whose output may be large hand it on
    in chunks of at most ``RECORDS``, and look at the clock between chunks of a generator.
    """

    RECORDS = 8192
    SECONDS = 0.1

    __slots__ = ("deadline",)

    def __init__(self) -> None:
        self.deadline = float("inf")

    def start(self) -> None:
        self.deadline = monotonic() + self.SECONDS

    def due(self) -> bool:
        return monotonic() >= self.deadline


class OperationContext:
    """Built by the segment for one operation of one parallel instance."""

    def __init__(self, *, index: int, scope: str, task: TaskInfo, job_parameters: dict[str, str],
                 backend: KeyedStateBackend, host: Any, side_ports: dict[str, int], keyed: bool,
                 batch_mode: bool, metrics: MetricReporter | None = None, name: str = "", pace: Pace | None = None) -> None:
        self.index = index
        self.scope = scope
        self.task = task
        self.backend = backend
        self.host = host
        self.side_ports = side_ports
        self.keyed = keyed
        self.batch_mode = batch_mode
        # Side outputs of the last call: port -> (records, timestamps or None).
        self.side: dict[int, tuple[list, list | None]] = {}
        self.watermark = LONG_MIN
        self.pace = pace or Pace()
        self.runtime_context = TaskRuntimeContext(task, job_parameters, backend, scope, keyed, metrics, name)

    def backend_table(self, name: str) -> _StateTable:
        return self.backend.table(f"{self.scope}/{name}")

    def emitter(self, timestamped: bool) -> "Emitter":
        return Emitter(self, timestamped)

    def process_context(self) -> Any:
        return _KeyedContext(self) if self.keyed else _ProcessContext(self)

    def timer_context(self) -> "_OnTimerContext":
        return _OnTimerContext(self)


class Emitter:
    """
    Collects a process function's outputs with their timestamps; ``(tag, value)`` goes to a
    side output. ``emit`` stops at a chunk's worth (or when the call's time is up) and returns
    the rest of what the function produced, to go on with after the chunk was handed on.
    """

    __slots__ = ("_ctx", "_out", "_ts")

    def __init__(self, ctx: OperationContext, timestamped: bool) -> None:
        self._ctx = ctx
        self._out: list = []
        self._ts: list | None = [] if timestamped else None

    def emit(self, produced: Iterable[Any], timestamp: int) -> Iterator[Any] | None:
        out, ts = self._out, self._ts
        values = iter(produced)
        for value in values:
            if type(value) is tuple and len(value) == 2 and isinstance(value[0], OutputTag):
                port = self._ctx.side_ports.get(value[0].tag_id)
                if port is not None:
                    records, stamps = self._ctx.side.setdefault(port, ([], [] if ts is not None else None))
                    records.append(value[1])
                    if stamps is not None:
                        stamps.append(timestamp)
            else:
                out.append(value)
                if ts is not None:
                    ts.append(timestamp)
                if not len(out) & 63 and (len(out) >= Pace.RECORDS or self._ctx.pace.due()):
                    return values
        return None

    def result(self) -> tuple[list, list | None]:
        """The outputs so far; the emitter starts a new chunk."""
        output = self._out, self._ts
        self._out = []
        self._ts = None if self._ts is None else []
        return output

    def rest(self, rest: Iterator[Any] | None, timestamp: int) -> Iterator[tuple[list, list | None]]:
        """After ``emit`` stopped: hands on the chunk, emits the rest, and so on until it is all emitted."""
        while rest is not None:
            yield self.result()
            rest = self.emit(rest, timestamp)


class TaskRuntimeContext(RuntimeContext):
    """The runtime context functions get in ``open``: facts about their task, and keyed state."""

    def __init__(self, task: TaskInfo, job_parameters: dict[str, str], backend: KeyedStateBackend, scope: str,
                 keyed: bool, metrics: MetricReporter | None = None, operator: str = "") -> None:
        self._task = task
        self._job_parameters = job_parameters
        self._backend = backend
        self._scope = scope
        self._keyed = keyed
        self._metrics = metrics
        self._operator = operator
        self._metric_group: Any = None

    def get_task_name(self) -> str:
        return self._task.name

    def get_number_of_parallel_subtasks(self) -> int:
        return self._task.parallelism

    def get_max_number_of_parallel_subtasks(self) -> int:
        return self._task.max_parallelism

    def get_index_of_this_subtask(self) -> int:
        return self._task.index

    def get_attempt_number(self) -> int:
        return self._task.attempt

    def get_task_name_with_subtasks(self) -> str:
        return f"{self._task.name} ({self._task.index + 1}/{self._task.parallelism})"

    def get_job_parameter(self, key: str, default_value: str) -> str:
        return self._job_parameters.get(key, default_value)

    def get_metrics_group(self) -> Any:
        """The operation's root metric group; its metrics reach the engine at the end of each batch."""
        if self._metrics is None:  # outside the engine (pystream.testing): they only count
            return super().get_metrics_group()
        if self._metric_group is None:
            self._metric_group = self._metrics.group(self._operator)
        return self._metric_group

    def _state(self, descriptor: Any) -> Any:
        if not self._keyed:
            raise RuntimeError("Keyed state can only be used on a 'keyed stream', i.e., after a 'key_by()' operation.")
        return self._backend.create_state(self._scope, descriptor)

    get_state = get_list_state = get_map_state = get_reducing_state = get_aggregating_state = _state


class _TimerService(TimerService):
    def __init__(self, ctx: OperationContext) -> None:
        self._ctx = ctx

    def current_processing_time(self) -> int:
        return self._ctx.host.current_processing_time()

    def current_watermark(self) -> int:
        return self._ctx.watermark

    def _require_keyed(self) -> None:
        if not self._ctx.keyed:
            raise RuntimeError("Setting timers is only supported on a keyed streams.")

    def _key(self) -> bytes:
        self._require_keyed()
        return encode_key(self._ctx.backend.current_key)

    def register_processing_time_timer(self, timestamp: int) -> None:
        self._ctx.host.register_processing_time_timer(self._ctx.index, self._key(), int(timestamp))

    def delete_processing_time_timer(self, timestamp: int) -> None:
        self._ctx.host.delete_processing_time_timer(self._ctx.index, self._key(), int(timestamp))

    def register_event_time_timer(self, timestamp: int) -> None:
        self._ctx.host.register_event_time_timer(self._ctx.index, self._key(), int(timestamp))

    def delete_event_time_timer(self, timestamp: int) -> None:
        self._ctx.host.delete_event_time_timer(self._ctx.index, self._key(), int(timestamp))


class _ProcessContext(ProcessFunction.Context):
    def __init__(self, ctx: OperationContext) -> None:
        self._timers = _TimerService(ctx)
        self.record_timestamp = LONG_MIN

    def timer_service(self) -> TimerService:
        return self._timers

    def timestamp(self) -> int | None:
        return None if self.record_timestamp == LONG_MIN else self.record_timestamp


class _KeyedContext(KeyedProcessFunction.Context):
    def __init__(self, ctx: OperationContext) -> None:
        self._ctx = ctx
        self._timers = _TimerService(ctx)
        self.record_timestamp = LONG_MIN

    def timer_service(self) -> TimerService:
        return self._timers

    def timestamp(self) -> int | None:
        return None if self.record_timestamp == LONG_MIN else self.record_timestamp

    def get_current_key(self) -> Any:
        return self._ctx.backend.current_key


class _OnTimerContext(_KeyedContext, KeyedProcessFunction.OnTimerContext):
    def __init__(self, ctx: OperationContext) -> None:
        super().__init__(ctx)
        self.fired_at = LONG_MIN
        self.domain = TimeDomain.PROCESSING_TIME

    def time_domain(self) -> TimeDomain:
        return self.domain

    def timestamp(self) -> int | None:
        # Flink: the timer's time, in either domain (outputs of processing-time timers carry none).
        return self.fired_at
