"""The Python side of a window: contents per (key, window) and the window function.

The engine's C# window operator decides everything about time: which windows a record
joins, when a window fires, merges, is purged or cleaned up, and which records are late.
It sends those decisions as a list of actions; this module carries them out in order
against keyed state (namespaced by window) and calls the user's functions.
"""

from __future__ import annotations

import functools
import json
import struct
from array import array
from typing import Any, Iterable

import cloudpickle

from pystream._runtime.context import LONG_MIN, TaskInfo, TaskRuntimeContext
from pystream._runtime.errors import OPERATOR_ATTRIBUTE
from pystream._runtime.keycodec import encode_key
from pystream._runtime.keyed_state import cache_key
from pystream._runtime.packing import decode_keys, unpack_longs
from pystream._runtime.keyed_state import KeyedStateBackend
from pystream._runtime.metrics import MetricReporter
from pystream._runtime.operations import method_of
from pystream._runtime.output_types import check_outputs, output_check_for
from pystream.datastream.functions import (
    AllWindowFunction,
    Function,
    ProcessAllWindowFunction,
    ProcessWindowFunction,
    WindowFunction,
)
from pystream.datastream.output_tag import OutputTag
from pystream.datastream.window import GlobalWindow, TimeWindow, TimestampedValue

__all__ = ["WindowOperation", "WindowRunner"]

_LONG_MAX = 2**63 - 1
_ABSENT = object()
(ADD, FIRE, PURGE, LATE, CLEAR, MERGE_INTO, MERGE_FROM, TRIGGER_ELEMENT, TRIGGER_EVENT_TIME, TRIGGER_PROCESSING_TIME,
 EVICT) = range(11)
WIDTH = 6  # numbers per action


class WindowOperation:
    """What a windowed stream's functions do, built from the window's ``PythonWindowSpec``.

    ``contents`` is what the window function needs: ``reduce`` (one reduced value),
    ``aggregate`` (an accumulator) or ``list`` (every record, for apply/process).
    """

    def __init__(self, contents: str, key_selector: Any, function: Any = None, window_function: Any = None,
                 evictor: Any = None, all_windows: bool = False, trigger: Any = None, gap_extractor: Any = None,
                 stamped: bool = False) -> None:
        self.contents = contents
        self.key_selector = key_selector
        self.function = function
        self.window_function = window_function
        # An evictor run here (one that needs Python); the engine runs the built-in ones and
        # sends EVICT actions. With any evictor, ``stamped``: a window keeps every element with
        # its timestamp, and reduce and aggregate run over what is left when the window fires.
        self.evictor = evictor
        self.stamped = stamped or evictor is not None
        # window_all: plain callables are called as AllWindowFunction.apply(window, inputs).
        self.all_windows = all_windows
        # A Trigger written in Python, asked by the engine through TRIGGER_* actions.
        self.trigger = trigger
        # Sessions with a dynamic gap: the window's input exits compute each record's gap with it.
        self.gap_extractor = gap_extractor


class _WindowContext(ProcessAllWindowFunction.Context):
    def __init__(self, runner: "WindowRunner") -> None:
        self._runner = runner
        self.current_window: Any = None

    def window(self) -> Any:
        return self.current_window

    def current_processing_time(self) -> int:
        return self._runner.host.current_processing_time()

    def current_watermark(self) -> int:
        return self._runner.watermark

    def window_state(self) -> Any:
        return self._runner.window_state

    def global_state(self) -> Any:
        return self._runner.global_state


FIRE_AND_PURGE = -1  # internal: a trigger's FIRE_AND_PURGE answer


class _TriggerContext:
    """``Trigger.TriggerContext`` for one (key, window): time, timers and per-window trigger state."""

    def __init__(self, runner: "WindowRunner", backend: KeyedStateBackend, scope: str) -> None:
        self._runner = runner
        self._backend = backend
        self._scope = scope
        self._slot: tuple = ()
        self._namespaced = b""
        self._metrics: Any = None

    def at(self, slot: tuple) -> None:
        self._slot = slot
        # The engine's window timers are keyed by the record's key bytes, which a bytes cache key already is.
        key = slot[0]
        self._namespaced = (key if type(key) is bytes else encode_key(key)) + struct.pack(">qq", slot[1], slot[2])

    def get_current_processing_time(self) -> int:
        return self._runner.host.current_processing_time()

    def get_current_watermark(self) -> int:
        return self._runner.watermark

    def register_processing_time_timer(self, time: int) -> None:
        self._runner.host.register_processing_time_timer(0, self._namespaced, int(time))

    def register_event_time_timer(self, time: int) -> None:
        self._runner.host.register_event_time_timer(0, self._namespaced, int(time))

    def delete_processing_time_timer(self, time: int) -> None:
        self._runner.host.delete_processing_time_timer(0, self._namespaced, int(time))

    def delete_event_time_timer(self, time: int) -> None:
        self._runner.host.delete_event_time_timer(0, self._namespaced, int(time))

    def get_partitioned_state(self, state_descriptor: Any) -> Any:
        self._backend.current_key = self._slot
        return self._backend.create_state(self._scope, state_descriptor)

    def merge_partitioned_state(self, state_descriptor: Any) -> None:
        raise NotImplementedError("OnMergeContext.merge_partitioned_state is not supported by PyStream yet")

    def get_metric_group(self) -> Any:
        if self._metrics is None:
            self._metrics = self._runner.metrics.group(self._runner.name)
        return self._metrics


class _StateStore:
    """``context.window_state()`` / ``global_state()``: state descriptors resolved in one namespace."""

    def __init__(self, backend: KeyedStateBackend, scope: str) -> None:
        self._backend = backend
        self._scope = scope

    def _state(self, descriptor: Any) -> Any:
        return self._backend.create_state(self._scope, descriptor)

    get_state = get_list_state = get_map_state = get_reducing_state = get_aggregating_state = _state


class WindowRunner:
    def __init__(self, job: Any, transformation: Any, operation: WindowOperation, task: TaskInfo, host: Any) -> None:
        self.operation = operation
        self.host = host
        self.watermark = LONG_MIN
        scope = transformation.uid or str(transformation.id)
        # Window contents and per-window state are keyed by (key, start, end).
        self._windows = KeyedStateBackend(host, job.state_cache_size)
        self._keys = KeyedStateBackend(host, job.state_cache_size)
        # "w:": the engine reads these states' keys as (key, start, end) tuples (rescaling by key group).
        self._contents = self._windows.table(f"w:{scope}/contents")
        self.window_state = _StateStore(self._windows, f"w:{scope}/window")
        self.global_state = _StateStore(self._keys, f"{scope}/global")
        self._context = _WindowContext(self)
        self._trigger = self.operation.trigger
        self._trigger_context = _TriggerContext(self, self._windows, f"w:{scope}/trigger") if self._trigger else None
        self._task = task
        self._name = self.name = transformation.name
        self.metrics = MetricReporter(host)
        self._side_ports = {tag: i + 2 for i, tag in enumerate(transformation.window.side_output_tags)}
        self._job_parameters = job.job_parameters
        self._key_of = method_of(self.operation.key_selector, "get_key")
        spec = transformation.window.python
        self._output_type = cloudpickle.loads(spec.output_type) if spec.output_type else None
        self._output_check = output_check_for(self._output_type)

    # ---- life cycle ------------------------------------------------------------------------

    def _functions(self) -> Iterable[Any]:
        return [f for f in (self.operation.function, self.operation.window_function) if isinstance(f, Function)]

    def open(self) -> None:
        op = self.operation
        ctx = TaskRuntimeContext(self._task, self._job_parameters, self._keys, "window-function", keyed=True,
                                 metrics=self.metrics, operator=self._name)
        for function in self._functions():
            function.open(ctx)
        self._fold = _folder(op)
        self._merge = _merger(op)
        self._emit_window = _window_emitter(op, self._context)

    def close(self) -> None:
        for function in self._functions():
            function.close()

    # ---- actions ---------------------------------------------------------------------------

    def apply(self, records: list | None, timestamps: bytes | None, actions: bytes,
              keys: bytes | None, key_ends: bytes | None, watermark: int) -> list:
        try:
            return self._apply(records, timestamps, actions, keys, key_ends, watermark)
        except BaseException as error:
            if not hasattr(error, OPERATOR_ATTRIBUTE):
                setattr(error, OPERATOR_ATTRIBUTE, self._name)
            raise

    def _apply(self, records: list | None, timestamps: bytes | None, actions: bytes,
               keys: bytes | None, key_ends: bytes | None, watermark: int) -> list:
        self.watermark = watermark
        codes = array("q")
        codes.frombytes(actions)
        if records is not None:
            key_list = [self._key_of(r) for r in records]
            cached_keys = [k if type(k) is int or type(k) is str else cache_key(k) for k in key_list]
            stamps = unpack_longs(timestamps)
        else:
            key_list = decode_keys(keys, key_ends)
            cached_keys = [cache_key(k) for k in key_list]
            stamps = None
        out: list = []
        out_ts: list = []
        late: list = []
        late_ts: list = []
        side: dict[int, tuple[list, list]] = {}
        contents = self._contents
        cached, dirty, load, fold = contents.values, contents.dirty, contents.get, self._fold
        absent = _ABSENT
        evicting = self.operation.stamped
        merge_target = None
        steps = iter(codes)
        for kind, ref, start, end, _, time in zip(steps, steps, steps, steps, steps, steps):
            slot = (cached_keys[ref], start, end)
            if kind == ADD:  # the hot path: inlined state access
                current = cached.get(slot, absent)
                if current is absent:
                    current = load(slot)
                record = records[ref]
                if evicting:
                    record = (record, None if stamps is None or stamps[ref] == LONG_MIN else stamps[ref])
                cached[slot] = fold(current, record)
                dirty[slot] = None
                continue
            if kind == EVICT:  # the engine's evictor drops a run of elements: first index, length
                items = contents.get(slot)
                first = time >> 32
                del items[first:first + (time & 0xFFFFFFFF)]
                contents.set(slot, items)
                continue
            if kind >= TRIGGER_ELEMENT:
                kind = self._ask_trigger(kind, slot, time, records[ref] if kind == TRIGGER_ELEMENT else None)
                if kind is None:
                    continue
            if kind in (FIRE, FIRE_AND_PURGE):
                value = contents.get(slot)
                if value is not None:
                    window = _window(start, end)
                    self._windows.current_key = slot
                    self._keys.current_key = key_list[ref]
                    if evicting:
                        value = self._evict(slot, window, value)
                    produced = self._emit_window(key_list[ref], window, value)
                    if evicting:
                        self._evict_after(slot, window)
                    self._route(produced, window.max_timestamp(), out, out_ts, side)
            if kind in (PURGE, FIRE_AND_PURGE):
                contents.set(slot, None)
            elif kind == CLEAR:
                contents.set(slot, None)
                self._clear_window(key_list[ref], slot, start, end)
            elif kind == LATE:
                late.append(records[ref])
                late_ts.append(stamps[ref] if stamps is not None else LONG_MIN)
            elif kind == MERGE_INTO:
                merge_target = slot
            elif kind == MERGE_FROM:
                source = contents.get(slot)
                if source is not None:
                    target = contents.get(merge_target)
                    contents.set(merge_target, source if target is None else self._merge(target, source))
                    contents.set(slot, None)
                if self._trigger is not None:
                    self._trigger_context.at(merge_target)
                    self._trigger.on_merge(_window(merge_target[1], merge_target[2]), self._trigger_context)
        if out and self._output_check is not None:
            check_outputs(self._output_check, out, self._output_type, self._name, _result_function(self.operation))
        self._windows.end_batch()
        self._keys.end_batch()
        self.metrics.report()
        return [_exit(out, out_ts), _exit(late, late_ts)] + [
            _exit(*side.get(port, ([], []))) for port in range(2, 2 + len(self._side_ports))]

    def _route(self, produced: list, timestamp: int, out: list, out_ts: list, side: dict) -> None:
        """Window results to the main output; ``(OutputTag, value)`` to that tag's port."""
        for value in produced:
            if type(value) is tuple and len(value) == 2 and isinstance(value[0], OutputTag):
                port = self._side_ports.get(value[0].tag_id)
                if port is not None:
                    records, stamps = side.setdefault(port, ([], []))
                    records.append(value[1])
                    stamps.append(timestamp)
            else:
                out.append(value)
                out_ts.append(timestamp)

    def flush(self) -> None:
        """Writes every changed window value back to the engine."""
        self._windows.flush()
        self._keys.flush()

    def _evict(self, slot: tuple, window: Any, elements: list) -> list:
        """Runs a Python evictor's evict_before, keeps what is left as the window's contents, and returns the values."""
        if self.operation.evictor is None:  # the engine evicted already
            return [value for value, _ in elements]
        stamped = [TimestampedValue(v, t) for v, t in elements]
        kept = self.operation.evictor.evict_before(stamped, len(stamped), window, self._context)
        self._contents.set(slot, [(e.value, e.timestamp) for e in kept] or None)
        return [e.value for e in kept]

    def _evict_after(self, slot: tuple, window: Any) -> None:
        elements = self._contents.get(slot) or []
        if self.operation.evictor is None:  # the engine evicted already; an emptied window has no contents
            if not elements:
                self._contents.set(slot, None)
            return
        stamped = [TimestampedValue(v, t) for v, t in elements]
        kept = self.operation.evictor.evict_after(stamped, len(stamped), window, self._context)
        self._contents.set(slot, [(e.value, e.timestamp) for e in kept] or None)

    def _ask_trigger(self, kind: int, slot: tuple, time: int, record: Any) -> int | None:
        """The Python trigger's answer, as the action to take (None: continue)."""
        trigger, ctx = self._trigger, self._trigger_context
        window = _window(slot[1], slot[2])
        ctx.at(slot)
        if kind == TRIGGER_ELEMENT:
            result = trigger.on_element(record, time, window, ctx)
        elif kind == TRIGGER_EVENT_TIME:
            result = trigger.on_event_time(time, window, ctx)
        else:
            result = trigger.on_processing_time(time, window, ctx)
        if result is None or not (result.is_fire() or result.is_purge()):
            return None
        if result.is_fire() and result.is_purge():
            return FIRE_AND_PURGE
        return FIRE if result.is_fire() else PURGE

    def _clear_window(self, key: Any, slot: tuple, start: int, end: int) -> None:
        if self._trigger is not None:
            self._trigger_context.at(slot)
            self._trigger.clear(_window(start, end), self._trigger_context)
        clear = getattr(self.operation.window_function, "clear", None)
        if isinstance(self.operation.window_function, (ProcessWindowFunction, ProcessAllWindowFunction)) and clear:
            self._windows.current_key = slot
            self._keys.current_key = key
            self._context.current_window = _window(start, end)
            clear(self._context)


def _window(start: int, end: int) -> Any:
    return GlobalWindow() if start == LONG_MIN and end == _LONG_MAX else TimeWindow(start, end)


def _folder(op: WindowOperation) -> Any:
    if op.stamped:
        def keep(acc: list | None, stamped: Any) -> list:
            items = [] if acc is None else acc
            items.append(stamped)
            return items
        return keep
    if op.contents == "reduce":
        reduce = method_of(op.function, "reduce")
        return lambda acc, value: value if acc is None else reduce(acc, value)
    if op.contents == "aggregate":
        agg = op.function
        return lambda acc, value: agg.add(value, agg.create_accumulator() if acc is None else acc)
    def append(acc: list | None, value: Any) -> list:
        items = [] if acc is None else acc
        items.append(value)
        return items
    return append


def _merger(op: WindowOperation) -> Any:
    if op.stamped:
        return lambda a, b: a + b
    if op.contents == "reduce":
        return method_of(op.function, "reduce")
    if op.contents == "aggregate":
        return op.function.merge
    return lambda a, b: a + b


def _window_emitter(op: WindowOperation, context: _WindowContext) -> Any:
    """Turns a window's contents into its outputs, through the window function if there is one."""
    if op.stamped:
        # Contents are (value, timestamp) pairs; reduce and aggregate run over them here.
        if op.contents == "aggregate":
            agg = op.function

            def inputs_of(values: list) -> list:
                acc = agg.create_accumulator()
                for value in values:
                    acc = agg.add(value, acc)
                return [agg.get_result(acc)]
        elif op.contents == "reduce":
            reduce_values = method_of(op.function, "reduce")
            inputs_of = lambda values: [functools.reduce(reduce_values, values)] if values else []  # noqa: E731
        else:
            inputs_of = list
    elif op.contents == "aggregate":
        result_of = op.function.get_result
        inputs_of = lambda value: [result_of(value)]  # noqa: E731
    elif op.contents == "reduce":
        inputs_of = lambda value: [value]  # noqa: E731
    else:
        inputs_of = list
    wf = op.window_function
    if wf is None:
        return lambda key, window, value: inputs_of(value)
    if isinstance(wf, ProcessAllWindowFunction):
        def process_all(key: Any, window: Any, value: Any) -> list:
            context.current_window = window
            return list(wf.process(context, inputs_of(value)) or [])
        return process_all
    if isinstance(wf, ProcessWindowFunction):
        def process(key: Any, window: Any, value: Any) -> list:
            context.current_window = window
            return list(wf.process(key, context, inputs_of(value)) or [])
        return process
    if isinstance(wf, AllWindowFunction) or (op.all_windows and not isinstance(wf, WindowFunction)):
        apply_all = method_of(wf, "apply")
        return lambda key, window, value: list(apply_all(window, inputs_of(value)) or [])
    apply = method_of(wf, "apply")
    return lambda key, window, value: list(apply(key, window, inputs_of(value)) or [])


def _result_function(op: WindowOperation) -> Any:
    """The user's function whose results leave the window (for naming a result that does not fit)."""
    if op.window_function is not None:
        return method_of(op.window_function, "process" if hasattr(op.window_function, "process") else "apply")
    return method_of(op.function, "get_result" if op.contents == "aggregate" else "reduce")


def _exit(records: list, stamps: list) -> tuple | None:
    if not records:
        return None
    return records, len(records), None, None, None, None, array("q", stamps).tobytes(), None


def create_runner(job: Any, transformation: Any, operation: WindowOperation, task_description: str,
                  host: Any) -> WindowRunner:
    task = TaskInfo(**json.loads(task_description))
    return WindowRunner(job, transformation, operation, task, host)
