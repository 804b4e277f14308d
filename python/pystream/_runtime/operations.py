"""The physical Python operations: how each user function is called over a batch.

The API layer (``pystream.datastream``) pickles one of these per transformation; the
engine's Python segments unpickle them in each parallel instance, ``open`` them with an
``OperationContext`` and call them once per batch. Records come with their timestamps
(a list of ints, ``LONG_MIN`` for none) or with None when no record has one; each call
returns the main output and its timestamps the same way, or, for operations whose output
may be large (``flat_map``, ``process``), an iterator of such chunks (see ``Pace``). Side
outputs collect in ``OperationContext.side``.
"""

from __future__ import annotations

from itertools import islice
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator

from pystream._runtime.context import Pace
from pystream._runtime.key_selectors import fast_key_of
from pystream._runtime.keyed_state import cache_key
from pystream.datastream.functions import Function, TimeDomain

LONG_MIN = -(2**63)

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
    "map_records",
    "run_process",
]


def method_of(function: Any, name: str) -> Callable[..., Any]:
    """The callable to run: ``function.<name>`` for a Function object, else the callable itself."""
    if isinstance(function, Function) or hasattr(function, name):
        return getattr(function, name)
    if callable(function):
        return function
    raise TypeError(f"expected a function with '{name}' or a callable, got {type(function).__name__}")


def map_records(call: Callable[[Any], Any], key_of: Callable[[Any], Any] | None, ctx: "OperationContext", records: Iterable[Any]) -> list:
    """``call`` over every record, with the record's key as the current key when keyed."""
    if key_of is None:
        return list(map(call, records))  # no bytecode loop of our own per record
    backend = ctx.backend
    keys = [key_of(r) for r in records]
    backend.prefetch(keys, ctx.scope)
    out = []
    for key, r in zip(keys, records):
        backend.current_key = key
        out.append(call(r))
    return out


def run_process(call: Callable[[Any, Any], Any], context: Any, key_of: Callable[[Any], Any] | None, ctx: "OperationContext",
                records: Iterable[Any], timestamps: list | None) -> Iterator[tuple[list, list | None]]:
    """A process function over every record: current key and timestamp set, outputs (and side outputs) collected in chunks."""
    backend = ctx.backend
    emitter = ctx.emitter(timestamps is not None)
    keys = None
    if key_of is not None:
        keys = [key_of(r) for r in records]
        backend.prefetch(keys, ctx.scope)
    for i, r in enumerate(records):
        if keys is not None:
            backend.current_key = keys[i]
        timestamp = LONG_MIN if timestamps is None else timestamps[i]
        context.record_timestamp = timestamp
        produced = call(r, context)
        if produced is not None and (rest := emitter.emit(produced, timestamp)) is not None:
            yield from emitter.rest(rest, timestamp)
    yield emitter.result()


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
        # Records reaching a keyed operation passed its key selector at the exchange already, so a fast
        # getter cannot fail here where the user's function would not.
        self.key_of = fast_key_of(method_of(self.key_selector, "get_key")) if self.key_selector is not None else None
        if isinstance(self.function, Function):
            self.function.open(ctx.runtime_context)

    def close(self) -> None:
        if isinstance(self.function, Function):
            self.function.close()

    def process(self, records: list, timestamps: list | None) -> tuple[list, list | None]:
        raise NotImplementedError

    def on_timers(self, domain: TimeDomain, timestamps: Iterable[int], keys: Iterable[Any]) -> tuple[list, list | None]:
        return [], None

    def end_input(self) -> tuple[list, list | None]:
        return [], None


class MapOperation(Operation):
    def open(self, ctx: OperationContext) -> None:
        super().open(ctx)
        self.call = method_of(self.function, "map")

    def process(self, records: list, timestamps: list | None) -> tuple[list, list | None]:
        return map_records(self.call, self.key_of, self.ctx, records), timestamps


class FlatMapOperation(Operation):
    def open(self, ctx: OperationContext) -> None:
        super().open(ctx)
        self.call = method_of(self.function, "flat_map")

    def process(self, records: list, timestamps: list | None) -> Iterator[tuple[list, list | None]]:
        """
        The outputs in chunks of about ``Pace.RECORDS``. What the function returns other than a
        list or tuple (a generator) is read ``_SLICE`` values at a time, the call's time looked
        at between slices: an endless generator streams instead of filling memory.
        """
        call = self.call
        key_of = self.key_of
        backend = self.ctx.backend
        pace = self.ctx.pace
        out: list = []
        out_ts: list | None = None if timestamps is None else []
        for i, r in enumerate(records):
            if key_of is not None:
                backend.current_key = key_of(r)
            produced = call(r)
            if produced is None:
                continue
            if type(produced) is list or type(produced) is tuple:
                out.extend(produced)
                if out_ts is not None:
                    out_ts.extend([timestamps[i]] * len(produced))
            else:
                values = iter(produced)
                while True:
                    before = len(out)
                    out.extend(islice(values, _SLICE))
                    taken = len(out) - before
                    if out_ts is not None:
                        out_ts.extend([timestamps[i]] * taken)
                    if taken < _SLICE:
                        break
                    if len(out) >= Pace.RECORDS or pace.due():
                        yield out, out_ts
                        out, out_ts = [], None if timestamps is None else []
            if len(out) >= Pace.RECORDS:
                yield out, out_ts
                out, out_ts = [], None if timestamps is None else []
        yield out, out_ts


class FilterOperation(Operation):
    def open(self, ctx: OperationContext) -> None:
        super().open(ctx)
        self.call = method_of(self.function, "filter")

    def process(self, records: list, timestamps: list | None) -> tuple[list, list | None]:
        call = self.call
        key_of = self.key_of
        if key_of is None and timestamps is None:
            return [r for r in records if call(r)], None
        backend = self.ctx.backend
        out = []
        out_ts: list | None = None if timestamps is None else []
        for i, r in enumerate(records):
            if key_of is not None:
                backend.current_key = key_of(r)
            if call(r):
                out.append(r)
                if out_ts is not None:
                    out_ts.append(timestamps[i])
        return out, out_ts


class ProcessOperation(Operation):
    """``ProcessFunction``: outputs are yielded; ``(OutputTag, value)`` goes to a side output."""

    def open(self, ctx: OperationContext) -> None:
        super().open(ctx)
        self.call = method_of(self.function, "process_element")
        self.context = ctx.process_context()

    def process(self, records: list, timestamps: list | None) -> Iterator[tuple[list, list | None]]:
        return run_process(self.call, self.context, None, self.ctx, records, timestamps)


class KeyedProcessOperation(Operation):
    """``KeyedProcessFunction``: per-key state, and timers in event and processing time."""

    def open(self, ctx: OperationContext) -> None:
        super().open(ctx)
        self.call = method_of(self.function, "process_element")
        self.on_timer = getattr(self.function, "on_timer", None)
        self.context = ctx.process_context()
        self.timer_context = ctx.timer_context()

    def process(self, records: list, timestamps: list | None) -> Iterator[tuple[list, list | None]]:
        return run_process(self.call, self.context, self.key_of, self.ctx, records, timestamps)

    def on_timers(self, domain: TimeDomain, timestamps: Iterable[int], keys: Iterable[Any]) -> Iterator[tuple[list, list | None]]:
        if self.on_timer is None:
            return
        # Outputs of an event-time timer carry its time; those of a processing-time timer carry none.
        event_time = domain is TimeDomain.EVENT_TIME
        emitter = self.ctx.emitter(event_time)
        backend = self.ctx.backend
        context = self.timer_context
        context.domain = domain
        for timestamp, key in zip(timestamps, keys):
            backend.current_key = key
            context.fired_at = timestamp
            context.record_timestamp = timestamp if event_time else LONG_MIN
            produced = self.on_timer(timestamp, context)
            if produced is not None and (rest := emitter.emit(produced, context.record_timestamp)) is not None:
                yield from emitter.rest(rest, context.record_timestamp)
        yield emitter.result()


class ReduceOperation(Operation):
    """A rolling reduce per key: every result in STREAMING, only the last per key in BATCH."""

    STATE = "_reduce"

    def open(self, ctx: OperationContext) -> None:
        super().open(ctx)
        self.call = method_of(self.function, "reduce")
        self.table = ctx.backend_table(self.STATE)
        self.final_only = ctx.batch_mode

    def process(self, records: list, timestamps: list | None) -> tuple[list, list | None]:
        call = self.call
        key_of = self.key_of
        table = self.table
        values = table.values
        get = values.get
        dirty = table.dirty
        load = table.get
        absent = _ABSENT
        if table.misses:  # the cache is too small for the keys: read this batch's values in one call
            self.ctx.backend.prefetch([key_of(r) for r in records], self.ctx.scope)
        if self.final_only:  # the loop below without the emit: a call per record less
            for r in records:
                key = key_of(r)
                if type(key) is not int and type(key) is not str:
                    key = cache_key(key)  # keys Python calls equal may be different keys
                current = get(key, absent)
                if current is absent:
                    current = load(key)
                values[key] = r if current is None else call(current, r)
            _mark_all_changed(values, dirty)
            return [], None
        out: list = []
        emit = out.append
        for r in records:
            key = key_of(r)
            if type(key) is not int and type(key) is not str:
                key = cache_key(key)
            current = get(key, absent)
            if current is absent:
                current = load(key)
            if current is not None:
                r = call(current, r)
            values[key] = r
            dirty[key] = None
            emit(r)
        return out, timestamps

    def end_input(self) -> tuple[list, list | None]:
        if not self.final_only:
            return [], None
        self.ctx.backend.flush()
        return [value for _, value in self.table.entries()], None


def _mark_all_changed(values: dict, dirty: dict) -> None:
    """After a BATCH reduce call: every cached key counts as changed (each key the loop read, it set).

    Once per call instead of a dict store per record (about a tenth of the loop's time). The cache
    holds keys in first-read order, which is their first-change order, so the backend, and so the
    BATCH results, keep that order. A key cached across a flush without a drop (a BATCH job takes no
    checkpoints) would only be written again with its same value.
    """
    if len(dirty) != len(values):
        dirty.update(dict.fromkeys(values))


_ABSENT = object()
# Values read from a flat_map generator at a time.
_SLICE = 256

