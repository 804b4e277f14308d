"""The Python side of a pattern stream: its conditions and the function its matches go to.

The engine's C# CEP operator runs the NFA and keeps events in its shared buffer as pickled
bytes. It calls this module once per batch of arriving events (pickle them and test every
simple condition: one bitmask per event), once per NFA step for the iterative conditions it
needs, and once per batch of matches and timed-out partial matches.

Events cross as one bytes blob with int64 end offsets. Matches and partial matches arrive
flat: the stage names, and an int32 layout per item: the number of stages, then per stage the
name's index and the number of events (taken from the events in order).
"""

from __future__ import annotations

import itertools
import json
import pickle
from array import array
from typing import Any, Callable, Iterable

import cloudpickle

from pystream._runtime.context import TaskInfo, TaskRuntimeContext
from pystream._runtime.errors import OPERATOR_ATTRIBUTE
from pystream._runtime.keyed_state import KeyedStateBackend
from pystream._runtime.metrics import MetricReporter
from pystream._runtime.output_types import check_outputs, output_check_for
from pystream.cep.conditions import IterativeCondition, SimpleCondition, _CallableCondition, test
from pystream.cep.functions import PatternProcessFunction
from pystream.datastream.functions import Function
from pystream.datastream.output_tag import OutputTag

__all__ = ["CepRunner", "create_cep_runner"]

MATCH, TIMED_OUT = 0, 1


def _simple_test(condition: IterativeCondition) -> Callable[[Any], Any]:
    """The fastest call that tests one event against a simple condition."""
    if type(condition) is _CallableCondition:
        return condition.function
    if isinstance(condition, SimpleCondition):
        return condition.filter
    return lambda value: condition.filter(value, None)


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
        self._timeouts = getattr(self.function, "process_timed_out_match", None) if spec.handles_timeouts else None
        self._side_ports = {tag: i + 2 for i, tag in enumerate(spec.side_output_tags)}
        self._output_type = cloudpickle.loads(spec.output_type) if spec.output_type else None
        self._output_check = output_check_for(self._output_type)
        self._condition_context = _ConditionContext(self)
        self._match_context = _MatchContext(self)

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

    # ---- arriving events -------------------------------------------------------------------

    def prepare(self, records: list, stamps: bytes | None, late: bytes | None) -> tuple:
        """Pickles the records that are not late and tests them against every simple condition.

        Returns the pickled events joined with their int64 end offsets (a late record: empty),
        one uint64 condition mask per record (bit c: simple condition c holds), and a list holding
        the late records' exit (None without late records).
        """
        return self._named(self._prepare, records, stamps, late)

    def _prepare(self, records: list, stamps: bytes | None, late: bytes | None) -> tuple:
        late_indexes = set(array("i", late)) if late else ()
        dumps = pickle.dumps
        pickled = [b"" if i in late_indexes else dumps(r, pickle.HIGHEST_PROTOCOL) for i, r in enumerate(records)]
        ends = array("q", itertools.accumulate(map(len, pickled)))
        masks = array("Q", bytes(8 * len(records)))
        for c, call in self._simple:
            bit = 1 << c
            for i, record in enumerate(records):
                if i not in late_indexes and call(record):
                    masks[i] |= bit
        late_exit = None
        if late_indexes:
            ordered = sorted(late_indexes)
            times = array("q", stamps) if stamps else None
            late_exit = _exit([records[i] for i in ordered], [times[i] for i in ordered] if times else None)
        return b"".join(pickled), ends.tobytes(), masks.tobytes(), [late_exit]

    # ---- iterative conditions ----------------------------------------------------------------

    def test_iterative(self, conditions: bytes, stamps: bytes, layout: bytes, names: list, blob: bytes,
                       ends: bytes) -> bytes:
        """Query i tests its event (timestamp ``stamps[i]``) against condition ``conditions[i]``
        given its partial match. The events come flat: per query, its event, then the partial
        match's events as item i of the layout gives them. Returns one byte (0/1) per query."""
        return self._named(self._test_iterative, conditions, stamps, layout, names, blob, ends)

    def _test_iterative(self, conditions: bytes, stamps: bytes, layout: bytes, names: list, blob: bytes,
                        ends: bytes) -> bytes:
        condition_ids = array("i", conditions)
        times = array("q", stamps)
        flat = _Flat(layout, [str(n) for n in names], _split(blob, ends))
        ctx = self._condition_context
        results = bytearray(len(condition_ids))
        for i, c in enumerate(condition_ids):
            event = flat.event()
            ctx.events = flat.item()
            ctx.stamp = times[i]
            results[i] = test(self.conditions[c], event, ctx)
        return bytes(results)

    # ---- matches ---------------------------------------------------------------------------

    def emit(self, kinds: bytes, stamps: bytes, layout: bytes, names: list, blob: bytes, ends: bytes) -> list:
        """Hands matches (kind 0) and timed-out partial matches (kind 1) to the function. Returns
        the exits: results (port 0), nothing on the late port (1), side outputs (2 and up)."""
        return self._named(self._emit, kinds, stamps, layout, names, blob, ends)

    def _emit(self, kinds: bytes, stamps: bytes, layout: bytes, names: list, blob: bytes, ends: bytes) -> list:
        flat = _Flat(layout, [str(n) for n in names], _split(blob, ends))
        times = array("q", stamps)
        ctx = self._match_context
        out: list = []
        out_ts: list = []
        side: dict[int, tuple[list, list]] = {}
        process = self.function.process_match
        for kind, stamp in zip(kinds, times):
            match = flat.item()
            ctx.stamp = stamp
            if kind == MATCH:
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

    def flush(self) -> None:
        self._keys.flush()


def _split(blob: bytes, ends: bytes) -> list[bytes]:
    view = memoryview(blob)
    starts = itertools.chain((0,), array("q", ends))
    return [view[s:e] for s, e in zip(starts, array("q", ends))]


class _Flat:
    """Reads items (stage name -> unpickled events) and single events off a flat layout (see the module doc)."""

    def __init__(self, layout: bytes, names: list[str], events: list) -> None:
        self._numbers = array("i", layout)
        self._names = names
        self._events = events
        self._n = 0
        self._e = 0

    def event(self) -> Any:
        self._e += 1
        return pickle.loads(self._events[self._e - 1])

    def item(self) -> dict[str, list]:
        numbers, loads = self._numbers, pickle.loads
        stages = numbers[self._n]
        self._n += 1
        item: dict[str, list] = {}
        for _ in range(stages):
            name, count = self._names[numbers[self._n]], numbers[self._n + 1]
            self._n += 2
            item[name] = [loads(x) for x in self._events[self._e:self._e + count]]
            self._e += count
        return item


def _exit(records: list, stamps: list | None) -> tuple | None:
    if not records:
        return None
    return records, len(records), None, None, None, None, array("q", stamps).tobytes() if stamps else None, None


def create_cep_runner(job: Any, transformation: Any, task_description: str, host: Any) -> CepRunner:
    return CepRunner(job, transformation, TaskInfo(**json.loads(task_description)), host)
