"""Operations with two inputs (``connect``): the second input arrives through ``process2``."""

from __future__ import annotations

from typing import Any, Iterator

from pystream._runtime.operations import LONG_MIN, KeyedProcessOperation, Operation, map_records, method_of, run_process

__all__ = ["CoMapOperation", "CoFlatMapOperation", "CoProcessOperation"]


class _TwoInputOperation(Operation):
    """``key_selector`` keys the first input and ``key_selector2`` the second (keyed connect)."""

    def __init__(self, function: Any, key_selector: Any = None, key_selector2: Any = None) -> None:
        super().__init__(function, key_selector)
        self.key_selector2 = key_selector2

    def open(self, ctx: Any) -> None:
        super().open(ctx)
        self.key_of2 = method_of(self.key_selector2, "get_key") if self.key_selector2 is not None else None

    def _run(self, call: Any, key_of: Any, records: list, timestamps: list | None) -> tuple[list, list | None]:
        raise NotImplementedError

    def process(self, records: list, timestamps: list | None) -> Any:
        return self._run(self.call1, self.key_of, records, timestamps)

    def process2(self, records: list, timestamps: list | None) -> Any:
        return self._run(self.call2, self.key_of2, records, timestamps)


class CoMapOperation(_TwoInputOperation):
    def open(self, ctx: Any) -> None:
        super().open(ctx)
        self.call1 = method_of(self.function, "map1")
        self.call2 = method_of(self.function, "map2")

    def _run(self, call: Any, key_of: Any, records: list, timestamps: list | None) -> tuple[list, list | None]:
        return map_records(call, key_of, self.ctx, records), timestamps


class CoFlatMapOperation(_TwoInputOperation):
    def open(self, ctx: Any) -> None:
        super().open(ctx)
        self.call1 = method_of(self.function, "flat_map1")
        self.call2 = method_of(self.function, "flat_map2")

    def _run(self, call: Any, key_of: Any, records: list, timestamps: list | None) -> Iterator[tuple[list, list | None]]:
        backend = self.ctx.backend
        emitter = self.ctx.emitter(timestamps is not None)
        for i, r in enumerate(records):
            if key_of is not None:
                backend.current_key = key_of(r)
            produced = call(r)
            timestamp = LONG_MIN if timestamps is None else timestamps[i]
            if produced is not None and (rest := emitter.emit(produced, timestamp)) is not None:
                yield from emitter.rest(rest, timestamp)
        yield emitter.result()


class CoProcessOperation(_TwoInputOperation):
    """``CoProcessFunction``, or ``KeyedCoProcessFunction`` when both inputs are keyed (with timers)."""

    def open(self, ctx: Any) -> None:
        super().open(ctx)
        self.call1 = method_of(self.function, "process_element1")
        self.call2 = method_of(self.function, "process_element2")
        self.on_timer = getattr(self.function, "on_timer", None)
        self.context = ctx.process_context()
        self.timer_context = ctx.timer_context()

    def _run(self, call: Any, key_of: Any, records: list, timestamps: list | None) -> tuple[list, list | None]:
        return run_process(call, self.context, key_of, self.ctx, records, timestamps)

    # Timers of a keyed co-process function fire exactly as a KeyedProcessFunction's do.
    on_timers = KeyedProcessOperation.on_timers
