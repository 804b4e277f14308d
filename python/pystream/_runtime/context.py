"""What an operation sees of its parallel instance: runtime context, state, timers, routing."""

from __future__ import annotations

from typing import Any, Iterable

from pystream._runtime.keycodec import encode_key
from pystream._runtime.keyed_state import KeyedStateBackend, _StateTable
from pystream.datastream.functions import (
    KeyedProcessFunction,
    ProcessFunction,
    RuntimeContext,
    TimeDomain,
    TimerService,
)
from pystream.datastream.output_tag import OutputTag

__all__ = ["OperationContext", "TaskInfo", "LONG_MIN"]

LONG_MIN = -(2**63)


class TaskInfo:
    __slots__ = ("name", "index", "parallelism", "max_parallelism", "attempt")

    def __init__(self, name: str, index: int, parallelism: int, max_parallelism: int, attempt: int) -> None:
        self.name = name
        self.index = index
        self.parallelism = parallelism
        self.max_parallelism = max_parallelism
        self.attempt = attempt


class OperationContext:
    """Built by the segment for one operation of one parallel instance."""

    def __init__(self, *, index: int, scope: str, task: TaskInfo, job_parameters: dict[str, str],
                 backend: KeyedStateBackend, host: Any, side_ports: dict[str, int], keyed: bool,
                 batch_mode: bool) -> None:
        self.index = index
        self.scope = scope
        self.task = task
        self.backend = backend
        self.host = host
        self.side_ports = side_ports
        self.keyed = keyed
        self.batch_mode = batch_mode
        self.side: dict[int, list] = {}
        self.runtime_context = _RuntimeContext(self, job_parameters)

    def backend_table(self, name: str) -> _StateTable:
        return self.backend.table(f"{self.scope}/{name}")

    def route(self, produced: Iterable[Any], out: list) -> None:
        """Appends a process function's outputs to ``out``, or to a side output for ``(tag, value)``."""
        for value in produced:
            if type(value) is tuple and len(value) == 2 and isinstance(value[0], OutputTag):
                port = self.side_ports.get(value[0].tag_id)
                if port is not None:
                    self.side.setdefault(port, []).append(value[1])
            else:
                out.append(value)

    def process_context(self) -> Any:
        return _KeyedContext(self) if self.keyed else _ProcessContext(self)

    def timer_context(self) -> "_OnTimerContext":
        return _OnTimerContext(self)


class _RuntimeContext(RuntimeContext):
    def __init__(self, ctx: OperationContext, job_parameters: dict[str, str]) -> None:
        self._ctx = ctx
        self._job_parameters = job_parameters

    def get_task_name(self) -> str:
        return self._ctx.task.name

    def get_number_of_parallel_subtasks(self) -> int:
        return self._ctx.task.parallelism

    def get_max_number_of_parallel_subtasks(self) -> int:
        return self._ctx.task.max_parallelism

    def get_index_of_this_subtask(self) -> int:
        return self._ctx.task.index

    def get_attempt_number(self) -> int:
        return self._ctx.task.attempt

    def get_task_name_with_subtasks(self) -> str:
        task = self._ctx.task
        return f"{task.name} ({task.index + 1}/{task.parallelism})"

    def get_job_parameter(self, key: str, default_value: str) -> str:
        return self._job_parameters.get(key, default_value)

    def _state(self, descriptor: Any) -> Any:
        if not self._ctx.keyed:
            raise RuntimeError("Keyed state can only be used on a 'keyed stream', i.e., after a 'key_by()' operation.")
        return self._ctx.backend.create_state(self._ctx.scope, descriptor)

    get_state = get_list_state = get_map_state = get_reducing_state = get_aggregating_state = _state


class _TimerService(TimerService):
    def __init__(self, ctx: OperationContext) -> None:
        self._ctx = ctx

    def current_processing_time(self) -> int:
        return self._ctx.host.current_processing_time()

    def current_watermark(self) -> int:
        return LONG_MIN

    def _require_keyed(self) -> None:
        if not self._ctx.keyed:
            raise RuntimeError("Setting timers is only supported on a keyed streams.")

    def register_processing_time_timer(self, timestamp: int) -> None:
        self._require_keyed()
        self._ctx.host.register_processing_time_timer(self._ctx.index, encode_key(self._ctx.backend.current_key), int(timestamp))

    def delete_processing_time_timer(self, timestamp: int) -> None:
        self._require_keyed()
        self._ctx.host.delete_processing_time_timer(self._ctx.index, encode_key(self._ctx.backend.current_key), int(timestamp))

    def register_event_time_timer(self, timestamp: int) -> None:
        raise NotImplementedError("TimerService.register_event_time_timer: event time is not supported yet")

    def delete_event_time_timer(self, timestamp: int) -> None:
        raise NotImplementedError("TimerService.delete_event_time_timer: event time is not supported yet")


class _ProcessContext(ProcessFunction.Context):
    def __init__(self, ctx: OperationContext) -> None:
        self._timers = _TimerService(ctx)

    def timer_service(self) -> TimerService:
        return self._timers

    def timestamp(self) -> int | None:
        return None


class _KeyedContext(KeyedProcessFunction.Context):
    def __init__(self, ctx: OperationContext) -> None:
        self._ctx = ctx
        self._timers = _TimerService(ctx)

    def timer_service(self) -> TimerService:
        return self._timers

    def timestamp(self) -> int | None:
        return None

    def get_current_key(self) -> Any:
        return self._ctx.backend.current_key


class _OnTimerContext(_KeyedContext, KeyedProcessFunction.OnTimerContext):
    def __init__(self, ctx: OperationContext) -> None:
        super().__init__(ctx)
        self.fired_at = LONG_MIN

    def timestamp(self) -> int | None:
        return self.fired_at

    def time_domain(self) -> TimeDomain:
        return TimeDomain.PROCESSING_TIME
