"""A segment: chained Python operations of one task, fused into one call per batch.

The engine describes the segment (operations by transformation id, where each input
comes from, and the exits that leave for C# consumers) and calls ``process`` with each
batch. Records flow between the fused operations as Python lists; only the exits convert
them into what their C# consumer needs (printed lines, encoded bytes, pickles, keys).

An operation whose output may be large (a ``flat_map`` or ``process`` generator) hands it on
in chunks. A call pauses between chunks once an exit holds a batch's worth of records or the
call has run its time (``Pace``): it returns what the exits hold, marked as paused, and the
engine sends that on (waiting while its consumers are full) before it calls ``resume``. So an
endless generator streams its output under backpressure in bounded memory, and a cancel
stops it between two calls.
"""

from __future__ import annotations

import base64
import pickle
from array import array
from itertools import accumulate
from typing import Any, Callable, Iterable, Iterator

import cloudpickle

from pystream._runtime.context import LONG_MIN, OperationContext, Pace, TaskInfo
from pystream._runtime.errors import OPERATOR_ATTRIBUTE
from pystream._runtime.factory import build_kafka_framer, build_operation
from pystream._runtime.formatting import java_text_for, printer_for
from pystream._runtime.key_selectors import fast_key_of
from pystream._runtime.keycodec import encode_keys
from pystream._runtime.keyed_state import KeyedStateBackend
from pystream._runtime.metrics import MetricReporter
from pystream._runtime.operations import Operation, method_of
from pystream._runtime.output_types import Check, check_outputs, output_check_for
from pystream._runtime.packing import decode_keys, unpack_longs
from pystream.common.serialization import SimpleStringEncoder
from pystream.datastream.functions import TimeDomain

__all__ = ["Segment"]

_ENTRY = -1
_EXIT = -2
_PICKLE_PROTOCOL = pickle.HIGHEST_PROTOCOL
# A paused call returns the exits' outputs and then this.
_PAUSED = True


class _Exit:
    """Converts the records reaching one exit into what its C# consumer reads."""

    def __init__(self, job: Any, description: dict[str, Any]) -> None:
        self.records: list = []
        self.timestamps: list | None = None
        self.format = description["format"]
        consumer = job.transformations[description["consumer"]]
        function = base64.b64decode(description["function"]) if description["function"] else b""
        self.keys_of: Callable[[list], tuple[bytes, bytes]] | None = None
        self.partitions_of: Callable[[list], bytes] | None = None
        self.assign: Callable[[list, list], list] | None = None
        if description["keying"] == "keyselector":
            key_of = method_of(cloudpickle.loads(function), "get_key")
            fast = fast_key_of(key_of)
            self.keys_of = lambda records: _packed_keys(_keys(records, fast, key_of))
        elif description["keying"] == "partitioner":
            partitioner, key_selector = cloudpickle.loads(function)
            partition = method_of(partitioner, "partition")
            key_of = method_of(key_selector, "get_key")
            parallelism = consumer.parallelism or job.spec.parallelism or 1
            self.partitions_of = lambda records: array("i", [partition(key_of(r), parallelism) for r in records]).tobytes()
        self.gaps_of: Callable[[list], bytes] | None = None
        if consumer.WhichOneof("body") == "window" and consumer.window.assigner.dynamic_gap:
            extract = method_of(cloudpickle.loads(consumer.window.python.gap_extractor), "extract")
            self.gaps_of = lambda records: array("q", [int(extract(r)) for r in records]).tobytes()
        if consumer.WhichOneof("body") == "watermarks" and consumer.watermarks.timestamp_assigner:
            extract = method_of(cloudpickle.loads(consumer.watermarks.timestamp_assigner), "extract_timestamp")
            self.assign = lambda records, stamps: [int(extract(r, t)) for r, t in zip(records, stamps)]
        if self.format == "printed":
            printer = printer_for(cloudpickle.loads(consumer.sink.print.type_info) if consumer.sink.print.type_info else None)
            self.convert = lambda records: list(map(printer, records))
        elif self.format == "encoded":
            encoder = cloudpickle.loads(consumer.sink.file.encoder)
            type_info = cloudpickle.loads(consumer.sink.file.type_info) if consumer.sink.file.type_info else None
            if isinstance(encoder, SimpleStringEncoder) and type_info is not None:
                text_of = java_text_for(type_info)
                encode = lambda record: encoder.encode(text_of(record))  # noqa: E731
            else:
                encode = encoder.encode
            self.convert = lambda records: b"".join(map(encode, records))
        elif self.format == "pickled":
            self.convert = lambda records: pickle.dumps(records, _PICKLE_PROTOCOL)
        elif self.format == "serialized":
            self.convert = build_kafka_framer(consumer.sink.kafka).frame
        else:
            self.convert = None

    def full(self) -> bool:
        return len(self.records) >= Pace.RECORDS

    def add(self, records: Iterable[Any], timestamps: list | None) -> None:
        before = len(self.records)
        self.records.extend(records)
        if timestamps is not None:
            if self.timestamps is None:
                self.timestamps = [LONG_MIN] * before
            self.timestamps.extend(timestamps)
        elif self.timestamps is not None:
            self.timestamps.extend([LONG_MIN] * (len(self.records) - before))

    def take(self) -> tuple | None:
        records, stamps = self.records, self.timestamps
        if not records:
            return None
        self.records, self.timestamps = [], None
        if self.assign is not None:
            stamps = self.assign(records, stamps or [LONG_MIN] * len(records))
        keys = ends = partitions = None
        if self.keys_of is not None:
            keys, ends = self.keys_of(records)
        if self.partitions_of is not None:
            partitions = self.partitions_of(records)
        payload = records if self.convert is None else self.convert(records)
        text_ends = None
        if self.format == "printed":
            payload, text_ends = _joined_lines(payload)
        packed_stamps = None if stamps is None else array("q", stamps).tobytes()
        gaps = None if self.gaps_of is None else self.gaps_of(records)
        return payload, len(records), keys, ends, partitions, text_ends, packed_stamps, gaps


def _joined_lines(lines: list[str]) -> tuple[str, bytes | None]:
    """Lines joined by newlines, plus where each ends when a line holds a newline itself."""
    joined = "\n".join(lines)
    if joined.count("\n") == len(lines) - 1:
        return joined, None
    return joined, array("q", (end - 1 for end in accumulate(len(line) + 1 for line in lines))).tobytes()


def _user_function(operation: Operation, via: str) -> Any:
    """The user's function behind an operation's method (``process2``: the second input's)."""
    names = {"process2": ("call2",), "on_timers": ("on_timer",)}.get(via, ("call", "call1"))
    for name in names:
        function = getattr(operation, name, None)
        if function is not None:
            return function
    return operation.function


def _keys(records: list, fast: Callable[[Any], Any], key_of: Callable[[Any], Any]) -> list:
    """Each record's key, by the fast getter where there is one (``key_selectors``)."""
    if fast is key_of:
        return [key_of(r) for r in records]
    try:
        return list(map(fast, records))
    except Exception:  # again through the user's function, so the error names their line
        return [key_of(r) for r in records]


def _packed_keys(keys: list) -> tuple[bytes, bytes]:
    blob, ends = encode_keys(keys)
    return blob, ends.tobytes()


class Segment:
    def __init__(self, job: Any, description: dict[str, Any], host: Any) -> None:
        task = TaskInfo(**{k: description["task"][k] for k in ("name", "index", "parallelism", "max_parallelism", "attempt")})
        self._backend = KeyedStateBackend(host, job.state_cache_size)
        self._metrics = MetricReporter(host)
        self._pace = Pace()
        self._paused: Iterator[None] | None = None
        self._operations: list[Operation] = []
        self._names: list[str] = []
        self._contexts: list[OperationContext] = []
        # Per operation: the check of its results against its output_type, and that type (None: unchecked).
        self._output_checks: list[tuple[Check, Any] | None] = []
        # (operation index or _ENTRY, port or entry index) -> [(operation index or _EXIT, exit index)]
        self._routes: dict[tuple[int, int], list[tuple[int, int]]] = {}
        for index, op in enumerate(description["operations"]):
            transformation = job.transformations[op["id"]]
            operation = build_operation(transformation.python)
            tags = list(transformation.python.side_output_tags)
            self._operations.append(operation)
            self._names.append(transformation.name)
            output_type = cloudpickle.loads(transformation.python.output_type) if transformation.python.output_type else None
            check = output_check_for(output_type)
            self._output_checks.append(None if check is None else (check, output_type))
            self._contexts.append(OperationContext(
                index=index,
                scope=transformation.uid or str(transformation.id),
                task=task,
                job_parameters=job.job_parameters,
                backend=self._backend,
                host=host,
                side_ports={tag: i + 1 for i, tag in enumerate(tags)},
                keyed=operation.keyed,
                batch_mode=job.batch_mode,
                metrics=self._metrics,
                name=transformation.name,
                pace=self._pace,
            ))
            for source_op, port, slot in op["inputs"]:
                self._routes.setdefault((source_op, port), []).append((index, slot))
        self._exits = [_Exit(job, exit) for exit in description["exits"]]
        for index, exit in enumerate(description["exits"]):
            source_op, port = exit["from"]
            self._routes.setdefault((source_op, port), []).append((_EXIT, index))

    def open(self) -> None:
        for index, (operation, ctx) in enumerate(zip(self._operations, self._contexts)):
            self._call(index, operation.open, ctx)

    def _call(self, index: int, method: Callable[..., Any], *args: Any) -> Any:
        """Calls into an operation, naming it on any exception its user function raises."""
        try:
            return method(*args)
        except BaseException as error:
            self._name(index, error)
            raise

    def _chunks(self, index: int, chunks: Iterator[tuple[list, list | None]]) -> Iterator[tuple[list, list | None]]:
        """An operation's output chunks, naming the operation on any exception its user function raises."""
        try:
            yield from chunks
        except BaseException as error:
            self._name(index, error)
            raise

    def _name(self, index: int, error: BaseException) -> None:
        if not hasattr(error, OPERATOR_ATTRIBUTE):
            try:
                setattr(error, OPERATOR_ATTRIBUTE, self._names[index])
            except AttributeError:  # exceptions with __slots__ cannot carry it
                pass

    def close(self) -> None:
        errors = []
        for index, operation in enumerate(self._operations):
            try:
                self._call(index, operation.close)
            except Exception as error:  # every operation gets closed; the first error is raised
                errors.append(error)
        if errors:
            raise errors[0]

    def process(self, entry: int, records: Any, timestamps: bytes | None = None, watermark: int = LONG_MIN) -> list:
        self._set_watermark(watermark)
        return self._run(self._push((_ENTRY, entry), records, unpack_longs(timestamps)))

    def resume(self) -> list:
        """Goes on with the work the last call paused."""
        work, self._paused = self._paused, None
        if work is None:
            raise RuntimeError("nothing to resume: the last call was not paused")
        return self._run(work)

    def _run(self, work: Iterator[None]) -> list:
        """Runs the work until it is done, or pauses it when the exits hold a call's worth."""
        pace = self._pace
        pace.start()
        for _ in work:
            if pace.due() or any(exit.full() for exit in self._exits):
                self._paused = work
                return [*self._take(paused=True), _PAUSED]
        return self._take()

    def process_range(self, entry: int, start: int, count: int, step: int, timestamps: bytes | None = None,
                      watermark: int = LONG_MIN) -> list:
        return self.process(entry, range(start, start + count * step, step), timestamps, watermark)

    def process_text(self, entry: int, text: str, count: int, timestamps: bytes | None = None,
                     watermark: int = LONG_MIN, ends: bytes | None = None) -> list:
        """Records joined by newlines; ``ends`` marks where each ends when one holds a newline itself."""
        if not count:
            lines = []
        elif ends is None:
            lines = text.split("\n")
        else:
            stops = unpack_longs(ends)
            lines = [text[start:stop] for start, stop in zip([0, *(stop + 1 for stop in stops[:-1])], stops)]
        return self.process(entry, lines, timestamps, watermark)

    def on_timers(self, operation: int, event_time: bool, timestamps: bytes, keys: bytes, ends: bytes,
                  watermark: int = LONG_MIN) -> list:
        self._set_watermark(watermark)
        stamps = unpack_longs(timestamps)
        decoded = decode_keys(keys, ends)
        domain = TimeDomain.EVENT_TIME if event_time else TimeDomain.PROCESSING_TIME
        return self._run(self._hand_on(operation, self._call(operation, self._operations[operation].on_timers, domain, stamps, decoded),
                                       "on_timers"))

    def end_input(self) -> list:
        """Every entry ended: operations in order emit what they held back."""
        return self._run(self._end_all())

    def _end_all(self) -> Iterator[None]:
        for index, operation in enumerate(self._operations):
            yield from self._hand_on(index, self._call(index, operation.end_input), "end_input")
        self._backend.flush()

    def flush(self) -> None:
        """Before a checkpoint: every changed state value goes to the engine's backend."""
        self._backend.flush()

    def _set_watermark(self, watermark: int) -> None:
        for ctx in self._contexts:
            ctx.watermark = watermark

    # The work of a call is a generator: it yields where the call may pause, between two
    # chunks of an operation's output.

    def _push(self, source: tuple[int, int], records: Any, timestamps: list | None) -> Iterator[None]:
        for target, slot in self._routes.get(source, ()):
            if target == _EXIT:
                self._exits[slot].add(records, timestamps)
            else:
                operation = self._operations[target]
                via = "process" if slot == 0 else "process2"
                yield from self._hand_on(target, self._call(target, getattr(operation, via), records, timestamps), via)

    def _hand_on(self, index: int, output: Any, via: str) -> Iterator[None]:
        """
        What operation ``index`` returned from its method ``via``, a ``(records, timestamps)``
        pair or an iterator of such chunks, to its consumers.
        """
        if type(output) is tuple:
            yield from self._emit(index, output, via)
            return
        for chunk in self._chunks(index, output):
            yield from self._emit(index, chunk, via)
            yield

    def _emit(self, index: int, output: tuple[list, list | None], via: str) -> Iterator[None]:
        main, stamps = output
        if main:
            checked = self._output_checks[index]
            if checked is not None:
                operation = self._operations[index]
                self._call(index, check_outputs, checked[0], main, checked[1], self._names[index],
                           _user_function(operation, via))
            yield from self._push((index, 0), main, stamps)
        side = self._contexts[index].side
        if side:
            self._contexts[index].side = {}
            for port, (records, side_stamps) in side.items():
                yield from self._push((index, port), records, side_stamps)

    def _take(self, paused: bool = False) -> list:
        if not paused:  # a paused operation may still hold a state it read
            self._backend.end_batch()
        self._metrics.report()
        return [exit.take() for exit in self._exits]
