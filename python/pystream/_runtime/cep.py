"""The Python side of a pattern stream: its conditions, the function its matches go to, and its events.

The engine's C# CEP operator runs the NFA; its shared buffer holds handles to events that stay
here as the Python objects that arrived: arrivals are numbered 0, 1, 2, ... in order (kept in
one list from the first handle not yet forgotten), events restored from a checkpoint get
negative handles (kept in a dict with the arrivals that outlived a sweep). The engine calls this
module once per batch of arriving events (keep them and test every simple condition: one byte
per event and condition), once per NFA step for the iterative conditions it needs, once per
batch of matches and timed-out partial matches, once per run of events of one timestamp when
an EventComparator orders them, and now and then to pickle the events a
checkpoint writes, to unpickle restored ones, or to forget the events no key refers to any more.

Matches and partial matches arrive flat: the stage names, the event handles as int64, and an
int32 layout per item: the number of stages, then per stage the name's index and the number of
events (taken from the handles in order).
"""

from __future__ import annotations

import functools
import itertools
import json
import pickle
from array import array
from typing import Any, Callable, Iterable, Iterator

import cloudpickle

from pystream._runtime.context import TaskInfo, TaskRuntimeContext
from pystream._runtime.errors import OPERATOR_ATTRIBUTE
from pystream._runtime.keyed_state import KeyedStateBackend
from pystream._runtime.metrics import MetricReporter
from pystream._runtime.output_types import check_outputs, output_check_for
from pystream.cep.conditions import IterativeCondition, SimpleCondition, _CallableCondition, test
from pystream.cep.functions import PatternProcessFunction, SelectAdapter, SelectTimeoutAdapter
from pystream.datastream.functions import Function
from pystream.datastream.output_tag import OutputTag

__all__ = ["CepRunner", "create_cep_runner"]

MATCH, TIMED_OUT = 0, 1
# Items of one shape are built by a function made for it (see CepRunner._items): for items of at most this many
# events, and for this many shapes per operator (loops can make a shape per length); others are read one by one.
_MAX_BUILT_WIDTH = 32
_MAX_BUILDERS = 64


def _simple_test(condition: IterativeCondition) -> Callable[[Any], Any]:
    """The fastest call that tests one event against a simple condition."""
    if type(condition) is _CallableCondition:
        return condition.function
    if isinstance(condition, SimpleCondition):
        return condition.filter
    return lambda value: condition.filter(value, None)


def _select_call(function: PatternProcessFunction) -> Callable[[Any], Any] | None:
    """The call that makes a ``select``'s one result of a match, or None for other functions."""
    if type(function) not in (SelectAdapter, SelectTimeoutAdapter) or function.flat:
        return None
    select = function.select_function
    return getattr(select, "select", None) or select


class _ConditionContext(IterativeCondition.Context):
    def __init__(self, runner: "CepRunner") -> None:
        self._runner = runner
        self.events: dict[str, list] = {}
        self.stamp = 0

    def get_events_for_pattern(self, name: str) -> Iterable[Any]:
        return self.events.get(name, [])

    def timestamp(self) -> int:
        return self.stamp

    def current_processing_time(self) -> int:
        return self._runner.host.current_processing_time()


class _MatchContext(PatternProcessFunction.Context):
    def __init__(self, runner: "CepRunner") -> None:
        self._runner = runner
        self.stamp = 0

    def timestamp(self) -> int:
        return self.stamp

    def current_processing_time(self) -> int:
        return self._runner.host.current_processing_time()


class CepRunner:
    def __init__(self, job: Any, transformation: Any, task: TaskInfo, host: Any) -> None:
        spec = transformation.cep
        self.host = host
        self._name = transformation.name
        self._task = task
        self._job_parameters = job.job_parameters
        self._keys = KeyedStateBackend(host, job.state_cache_size)
        self.metrics = MetricReporter(host)
        self.conditions = [cloudpickle.loads(c.function) for c in spec.conditions]
        self._simple = [(c, _simple_test(cond)) for c, (cond, s) in enumerate(zip(self.conditions, spec.conditions))
                        if not s.iterative]
        self.function = cloudpickle.loads(spec.function)
        comparator = cloudpickle.loads(spec.comparator) if spec.comparator else None
        self._compare = getattr(comparator, "compare", None) or comparator
        self._timeouts = getattr(self.function, "process_timed_out_match", None) if spec.handles_timeouts else None
        self._side_ports = {tag: i + 2 for i, tag in enumerate(spec.side_output_tags)}
        self._output_type = cloudpickle.loads(spec.output_type) if spec.output_type else None
        self._output_check = output_check_for(self._output_type)
        self._simple_calls = [call for _, call in self._simple]
        self._select = _select_call(self.function)
        self._condition_context = _ConditionContext(self)
        self._match_context = _MatchContext(self)
        self._first = 0  # the handle of _recent[0]
        self._recent: list = []
        self._kept: dict[int, Any] = {}
        self._builders: dict[tuple, Callable[..., dict[str, list]]] = {}

    # ---- life cycle ------------------------------------------------------------------------

    def open(self) -> None:
        ctx = TaskRuntimeContext(self._task, self._job_parameters, self._keys, "cep", keyed=True,
                                 metrics=self.metrics, operator=self._name)
        for function in self._functions():
            function.open(ctx)

    def close(self) -> None:
        for function in self._functions():
            function.close()

    def _functions(self) -> list[Function]:
        return [f for f in (self.function, *self.conditions) if isinstance(f, Function)]

    def _named(self, call: Callable[..., Any], *args: Any) -> Any:
        try:
            return call(*args)
        except BaseException as error:
            if not hasattr(error, OPERATOR_ATTRIBUTE):
                setattr(error, OPERATOR_ATTRIBUTE, self._name)
            raise

    # ---- events ----------------------------------------------------------------------------

    def prepare(self, records: list, first: int, stamps: bytes | None, late: bytes | None, wanted: list | None = None) -> tuple:
        """Keeps the records that are not late as the events ``first``, ``first + 1``, ... and tests
        them against every simple condition: all kept records, or, where ``wanted`` gives a condition
        int32 indexes (of kept records) instead of None, those records (the engine asks only about the
        conditions the NFA may read when it matches each event).

        Returns per simple condition (in condition order) one byte per record tested (1: it holds),
        all in one bytes, and a list holding the late records' exit (None without late records).
        """
        return self._named(self._prepare, records, first, stamps, late, wanted)

    def _prepare(self, records: list, first: int, stamps: bytes | None, late: bytes | None, wanted: list | None) -> tuple:
        late_exit = None
        if late:
            late_indexes = set(array("i", late))
            ordered = sorted(late_indexes)
            times = array("q", stamps) if stamps else None
            late_exit = _exit([records[i] for i in ordered], [times[i] for i in ordered] if times else None)
            records = [r for i, r in enumerate(records) if i not in late_indexes]
        if first != self._first + len(self._recent):
            raise RuntimeError(f"CEP events out of step: handle {first} arrives after {self._first + len(self._recent)}")
        self._recent.extend(records)
        calls = self._simple_calls
        tested = b"".join([bytes([1 if call(r) else 0 for r in (records if indexes is None else _picked(records, indexes))])
                           for call, indexes in zip(calls, wanted or [None] * len(calls))])
        return tested, [late_exit]

    def events(self, handles: bytes) -> list:
        """The events with these (int64) handles."""
        recent, first, kept = self._recent, self._first, self._kept
        wanted = array("q", handles)
        if not wanted or min(wanted) < first:
            return [recent[h - first] if h >= first else kept[h] for h in wanted]
        if first == 0:
            return list(map(recent.__getitem__, wanted))
        return [recent[h - first] for h in wanted]

    def order(self, handles: bytes) -> bytes:
        """The order the events with these (int64) handles, of one timestamp and in arrival order, are
        matched in, as the comparator sorts them (stably): their int32 indexes."""
        return self._named(self._order, handles)

    def _order(self, handles: bytes) -> bytes:
        events, compare = self.events(handles), self._compare
        ranked = sorted(range(len(events)), key=functools.cmp_to_key(lambda i, j: compare(events[i], events[j])))
        return array("i", ranked).tobytes()

    def restore(self, handles: bytes, blob: bytes, ends: bytes) -> None:
        """Unpickles events read from a checkpoint as the events with these handles."""
        self._named(self._restore, handles, blob, ends)

    def _restore(self, handles: bytes, blob: bytes, ends: bytes) -> None:
        loads, kept = pickle.loads, self._kept
        for handle, pickled in zip(array("q", handles), _split(blob, ends)):
            kept[handle] = loads(pickled)

    def pickle(self, handles: bytes) -> tuple[bytes, bytes]:
        """The events with these handles pickled: one blob and the int64 end offset of each."""
        return self._named(self._pickle, handles)

    def _pickle(self, handles: bytes) -> tuple[bytes, bytes]:
        dumps = pickle.dumps
        pickled = [dumps(e, pickle.HIGHEST_PROTOCOL) for e in self.events(handles)]
        return b"".join(pickled), array("q", itertools.accumulate(map(len, pickled))).tobytes()

    def retain(self, live: bytes, next_handle: int) -> None:
        """Forgets every event but the ``live`` ones; the next arrival is ``next_handle``."""
        self._kept = dict(zip(array("q", live), self.events(live)))
        self._recent = []
        self._first = next_handle

    # ---- iterative conditions ----------------------------------------------------------------

    def test_iterative(self, conditions: bytes, stamps: bytes, layout: bytes, names: list, events: bytes) -> bytes:
        """Query i tests its event (timestamp ``stamps[i]``) against condition ``conditions[i]``
        given its partial match. The events come flat: per query, its event, then the partial
        match's events as item i of the layout gives them. Returns one byte (0/1) per query."""
        return self._named(self._test_iterative, conditions, stamps, layout, names, events)

    def _test_iterative(self, conditions: bytes, stamps: bytes, layout: bytes, names: list, events: bytes) -> bytes:
        condition_ids = array("i", conditions)
        times = array("q", stamps)
        flat = _Flat(layout, [str(n) for n in names], self.events(events))
        ctx = self._condition_context
        results = bytearray(len(condition_ids))
        for i, c in enumerate(condition_ids):
            event = flat.event()
            ctx.events = flat.item()
            ctx.stamp = times[i]
            results[i] = test(self.conditions[c], event, ctx)
        return bytes(results)

    # ---- matches ---------------------------------------------------------------------------

    def emit(self, kinds: bytes, stamps: bytes, layout: bytes, names: list, events: bytes) -> list:
        """Hands matches (kind 0) and timed-out partial matches (kind 1) to the function. Returns
        the exits: results (port 0), nothing on the late port (1), side outputs (2 and up)."""
        return self._named(self._emit, kinds, stamps, layout, names, events)

    def _emit(self, kinds: bytes, stamps: bytes, layout: bytes, names: list, events: bytes) -> list:
        items = self._items(layout, [str(n) for n in names], self.events(events), len(kinds))
        select = self._select
        if select is not None and kinds and not any(kinds):
            # Only matches, for a select: one result each, at its match's time (the stamps as they came).
            out = list(map(select, items))
            if self._output_check is not None:
                check_outputs(self._output_check, out, self._output_type, self._name, self.function)
            self.metrics.report()
            return [(out, len(out), None, None, None, None, stamps, None), None] + [None] * len(self._side_ports)
        times = array("q", stamps)
        ctx = self._match_context
        out: list = []
        out_ts: list = []
        side: dict[int, tuple[list, list]] = {}
        process = self.function.process_match
        for kind, stamp, match in zip(kinds, times, items):
            ctx.stamp = stamp
            if kind == MATCH:
                if select is not None:
                    out.append(select(match))
                    out_ts.append(stamp)
                    continue
                produced = process(match, ctx)
            elif self._timeouts is not None:
                produced = self._timeouts(match, ctx)
            else:
                continue
            self._route(produced, stamp, out, out_ts, side)
        if out and self._output_check is not None:
            check_outputs(self._output_check, out, self._output_type, self._name, self.function)
        self.metrics.report()
        return [_exit(out, out_ts), None] + [
            _exit(*side[port]) if port in side else None for port in range(2, 2 + len(self._side_ports))]

    def _route(self, produced: Iterable[Any] | None, stamp: int, out: list, out_ts: list,
               side: dict[int, tuple[list, list]]) -> None:
        """Results to the main output; ``(OutputTag, value)`` to that tag's port (undeclared tags: dropped, as in PyFlink)."""
        for value in produced or ():
            if type(value) is tuple and len(value) == 2 and isinstance(value[0], OutputTag):
                port = self._side_ports.get(value[0].tag_id)
                if port is not None:
                    records, times = side.setdefault(port, ([], []))
                    records.append(value[1])
                    times.append(stamp)
            else:
                out.append(value)
                out_ts.append(stamp)

    def _items(self, layout: bytes, names: list[str], events: list, count: int) -> Iterator[dict[str, list]]:
        """The ``count`` items of a flat layout as dicts of stage name -> events, made as they are read: an item the
        function does not keep is freed before the next is made (a batch of them all alive at once, dicts and lists,
        had the cyclic garbage collector run often, and fully). Items all of one shape (the usual batch of matches:
        each stage took the same number of events) are made by a function made for that shape."""
        size = len(layout) // count if count else 0
        width = len(events) // count if count else 0
        if size and size * count == len(layout) and width <= _MAX_BUILT_WIDTH and layout == layout[:size] * count:
            if width == 0:
                return ({} for _ in range(count))
            shape = (layout[:size], *names)
            build = self._builders.get(shape)
            if build is None and len(self._builders) < _MAX_BUILDERS:
                build = self._builders[shape] = _item_builder(array("i", shape[0]), names)
            if build is not None:
                parts = iter(events)
                return map(build, *[parts] * width)
        flat = _Flat(layout, names, events)
        return (flat.item() for _ in range(count))

    def flush(self) -> None:
        self._keys.flush()


def _picked(records: list, indexes: bytes) -> Iterable[Any]:
    """The records at these int32 indexes."""
    return map(records.__getitem__, array("i", indexes))


def _split(blob: bytes, ends: bytes) -> list[bytes]:
    view = memoryview(blob)
    starts = itertools.chain((0,), array("q", ends))
    return [view[s:e] for s, e in zip(starts, array("q", ends))]


def _item_builder(shape: array, names: list[str]) -> Callable[..., dict[str, list]]:
    """A function of an item's events (one argument each) that makes the item's dict, for items of this one shape
    (a flat layout's numbers for one item). Generated, as ``collections.namedtuple`` generates its methods: a dict
    display is the fastest way to build a small dict; the stage names are bound as values, never written into code."""
    arguments = [f"e{i}" for i in range(sum(shape[2::2]))]
    namespace: dict[str, Any] = {}
    entries = []
    at = 0
    for slot in range(shape[0]):
        namespace[f"n{slot}"] = names[shape[1 + 2 * slot]]
        count = shape[2 + 2 * slot]
        entries.append(f"n{slot}: [{', '.join(arguments[at:at + count])}]")
        at += count
    return eval(f"lambda {', '.join(arguments)}: {{{', '.join(entries)}}}", namespace)  # noqa: S307 (code made here)


class _Flat:
    """Reads items (stage name -> events) and single events off a flat layout (see the module doc)."""

    def __init__(self, layout: bytes, names: list[str], events: list) -> None:
        self._numbers = array("i", layout)
        self._names = names
        self._events = events
        self._n = 0
        self._e = 0

    def event(self) -> Any:
        self._e += 1
        return self._events[self._e - 1]

    def item(self) -> dict[str, list]:
        numbers, names, events = self._numbers, self._names, self._events
        at, e = self._n + 1, self._e
        end = at + 2 * numbers[self._n]
        item: dict[str, list] = {}
        while at < end:
            count = numbers[at + 1]
            item[names[numbers[at]]] = events[e:e + count]
            at += 2
            e += count
        self._n, self._e = end, e
        return item


def _exit(records: list, stamps: list | None) -> tuple | None:
    if not records:
        return None
    return records, len(records), None, None, None, None, array("q", stamps).tobytes() if stamps else None, None


def create_cep_runner(job: Any, transformation: Any, task_description: str, host: Any) -> CepRunner:
    return CepRunner(job, transformation, TaskInfo(**json.loads(task_description)), host)
