"""The physical Python operations: how each user function is called over a batch.

The API layer (``pystream.datastream``) pickles one of these per transformation; the
engine's Python segments unpickle them in each parallel instance, ``open`` them with an
``OperationContext`` and call them once per batch. Each call returns the main output as
a list; side outputs collect in ``OperationContext.side``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Iterable

from pystream.datastream.functions import Function

if TYPE_CHECKING:
    from pystream._runtime.context import OperationContext

__all__ = [
    "Operation",
    "MapOperation",
    "FlatMapOperation",
    "FilterOperation",
    "ProcessOperation",
    "KeyedProcessOperation",
    "ReduceOperation",
    "method_of",
]


def method_of(function: Any, name: str) -> Callable[..., Any]:
    """The callable to run: ``function.<name>`` for a Function object, else the callable itself."""
    if isinstance(function, Function) or hasattr(function, name):
        return getattr(function, name)
    if callable(function):
        return function
    raise TypeError(f"expected a function with '{name}' or a callable, got {type(function).__name__}")


class Operation:
    """One transformation's work. ``key_selector`` is set for operations on keyed streams."""

    def __init__(self, function: Any, key_selector: Any = None) -> None:
        self.function = function
        self.key_selector = key_selector

    @property
    def keyed(self) -> bool:
        return self.key_selector is not None

    def open(self, ctx: OperationContext) -> None:
        self.ctx = ctx
        self.key_of = method_of(self.key_selector, "get_key") if self.key_selector is not None else None
        if isinstance(self.function, Function):
            self.function.open(ctx.runtime_context)

    def close(self) -> None:
        if isinstance(self.function, Function):
            self.function.close()

    def process(self, records: Iterable[Any]) -> list:
        raise NotImplementedError

    def on_timers(self, timestamps: Iterable[int], keys: Iterable[Any]) -> list:
        return []

    def end_input(self) -> list:
        return []


class MapOperation(Operation):
    def open(self, ctx: OperationContext) -> None:
        super().open(ctx)
        self.call = method_of(self.function, "map")

    def process(self, records: Iterable[Any]) -> list:
        call = self.call
        key_of = self.key_of
        if key_of is None:
            return [call(r) for r in records]
        backend = self.ctx.backend
        out = []
        for r in records:
            backend.current_key = key_of(r)
            out.append(call(r))
        return out


class FlatMapOperation(Operation):
    def open(self, ctx: OperationContext) -> None:
        super().open(ctx)
        self.call = method_of(self.function, "flat_map")

    def process(self, records: Iterable[Any]) -> list:
        call = self.call
        key_of = self.key_of
        out: list = []
        extend = out.extend
        if key_of is None:
            for r in records:
                produced = call(r)
                if produced is not None:
                    extend(produced)
            return out
        backend = self.ctx.backend
        for r in records:
            backend.current_key = key_of(r)
            produced = call(r)
            if produced is not None:
                extend(produced)
        return out


class FilterOperation(Operation):
    def open(self, ctx: OperationContext) -> None:
        super().open(ctx)
        self.call = method_of(self.function, "filter")

    def process(self, records: Iterable[Any]) -> list:
        call = self.call
        key_of = self.key_of
        if key_of is None:
            return [r for r in records if call(r)]
        backend = self.ctx.backend
        out = []
        for r in records:
            backend.current_key = key_of(r)
            if call(r):
                out.append(r)
        return out


class ProcessOperation(Operation):
    """``ProcessFunction``: outputs are yielded; ``(OutputTag, value)`` goes to a side output."""

    def open(self, ctx: OperationContext) -> None:
        super().open(ctx)
        self.call = method_of(self.function, "process_element")
        self.context = ctx.process_context()

    def process(self, records: Iterable[Any]) -> list:
        call = self.call
        context = self.context
        out: list = []
        route = self.ctx.route
        for r in records:
            produced = call(r, context)
            if produced is not None:
                route(produced, out)
        return out


class KeyedProcessOperation(Operation):
    """``KeyedProcessFunction``: per-key state and processing-time timers."""

    def open(self, ctx: OperationContext) -> None:
        super().open(ctx)
        self.call = method_of(self.function, "process_element")
        self.on_timer = getattr(self.function, "on_timer", None)
        self.context = ctx.process_context()
        self.timer_context = ctx.timer_context()

    def process(self, records: Iterable[Any]) -> list:
        call = self.call
        context = self.context
        key_of = self.key_of
        backend = self.ctx.backend
        route = self.ctx.route
        out: list = []
        for r in records:
            backend.current_key = key_of(r)
            produced = call(r, context)
            if produced is not None:
                route(produced, out)
        return out

    def on_timers(self, timestamps: Iterable[int], keys: Iterable[Any]) -> list:
        out: list = []
        if self.on_timer is None:
            return out
        backend = self.ctx.backend
        context = self.timer_context
        route = self.ctx.route
        for timestamp, key in zip(timestamps, keys):
            backend.current_key = key
            context.fired_at = timestamp
            produced = self.on_timer(timestamp, context)
            if produced is not None:
                route(produced, out)
        return out


class ReduceOperation(Operation):
    """A rolling reduce per key: every result in STREAMING, only the last per key in BATCH."""

    STATE = "_reduce"

    def open(self, ctx: OperationContext) -> None:
        super().open(ctx)
        self.call = method_of(self.function, "reduce")
        self.table = ctx.backend_table(self.STATE)
        self.final_only = ctx.batch_mode

    def process(self, records: Iterable[Any]) -> list:
        call = self.call
        key_of = self.key_of
        table = self.table
        values = table.values
        dirty = table.dirty
        load = table.get
        absent = _ABSENT
        out: list = []
        emit = out.append if not self.final_only else _discard
        for r in records:
            key = key_of(r)
            current = values.get(key, absent)
            if current is absent:
                current = load(key)
            if current is not None:
                r = call(current, r)
            values[key] = r
            dirty[key] = None
            emit(r)
        return out

    def end_input(self) -> list:
        if not self.final_only:
            return []
        self.ctx.backend.flush()
        return [value for _, value in self.table.entries()]


_ABSENT = object()


def _discard(_: Any) -> None:
    pass
