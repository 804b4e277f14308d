"""Test helpers for users' functions: run one operation without the engine.

    harness = OperatorHarness.for_keyed_process(MyTimeout(), key_selector=lambda r: r[0])
    harness.open()
    assert harness.process([("a", 1)]) == [...]
    assert harness.advance_processing_time(5_000) == [...]   # fires due processing-time timers
    assert harness.advance_watermark(9_999) == [...]          # fires due event-time timers

The harness keeps state in a dict and timers in a sorted list, with the engine's rules
(timers deduplicated per key and timestamp, fired in timestamp order); it is for unit
tests of user functions, not a second engine.
"""

from __future__ import annotations

from array import array
from itertools import accumulate
from typing import Any, Iterable

from pystream._proto.jobspec_pb2 import PythonOperatorSpec as Kind
from pystream._runtime.context import OperationContext, TaskInfo
from pystream._runtime.factory import create_operation
from pystream._runtime.keycodec import decode_key
from pystream._runtime.keyed_state import KeyedStateBackend, original_key
from pystream._runtime.operations import Operation
from pystream.datastream._pipeline import PythonOperation
from pystream.datastream.functions import TimeDomain
from pystream.datastream.output_tag import OutputTag

__all__ = ["InMemoryHost", "OperatorHarness"]


class InMemoryHost:
    """The engine side of a segment, in memory: state by (state id, key bytes), timers, a clock."""

    def __init__(self, now: int = 0) -> None:
        self.now = now
        self.state: dict[str, dict[bytes, bytes]] = {}
        self.ttls: dict[str, tuple[int, str]] = {}
        self.timers: set[tuple[int, bytes, int]] = set()
        self.event_timers: set[tuple[int, bytes, int]] = set()

    def get_state(self, state_id: str, key: bytes) -> bytes | None:
        return self.state.get(state_id, {}).get(bytes(key))

    def put_states(self, state_id: str, keys: bytes, key_ends: bytes, values: bytes, value_ends: bytes) -> None:
        table = self.state.setdefault(state_id, {})
        for key, value in zip(_unpack(keys, key_ends), _unpack(values, value_ends)):
            table[key] = value

    def remove_state(self, state_id: str, key: bytes) -> None:
        self.state.get(state_id, {}).pop(bytes(key), None)

    def get_states(self, state_id: str, keys: bytes, key_ends: bytes) -> tuple[bytes, bytes]:
        table = self.state.get(state_id, {})
        found = [table.get(key, b"") for key in _unpack(keys, key_ends)]
        return b"".join(found), array("q", accumulate(map(len, found))).tobytes()

    def state_entries(self, state_id: str) -> list[tuple[bytes, bytes]]:
        return list(self.state.get(state_id, {}).items())

    def append_states(self, state_id: str, keys: bytes, key_ends: bytes, values: bytes, value_ends: bytes) -> None:
        table = self.state.setdefault(state_id, {})
        for key, value in zip(_unpack(keys, key_ends), _unpack(values, value_ends)):
            table[key] = table.get(key, b"") + value

    def map_entries(self, state_id: str, owner: bytes, limit: int) -> list[tuple[bytes, bytes]]:
        """A map state's entries under one key: stored keys are the owner's u32 length and bytes, then the entry's key."""
        prefix = len(owner).to_bytes(4, "big") + bytes(owner)
        entries = [(k[len(prefix):], v) for k, v in self.state.get(state_id, {}).items() if k.startswith(prefix)]
        return entries[:limit]

    def remove_map(self, state_id: str, owner: bytes) -> None:
        prefix = len(owner).to_bytes(4, "big") + bytes(owner)
        table = self.state.get(state_id, {})
        for key in [k for k in table if k.startswith(prefix)]:
            del table[key]

    def declare_ttl(self, state_id: str, ttl: int, cleanup: str) -> None:
        self.ttls[state_id] = (ttl, cleanup)

    def current_processing_time(self) -> int:
        return self.now

    def register_processing_time_timer(self, operation: int, key: bytes, timestamp: int) -> None:
        self.timers.add((timestamp, bytes(key), operation))

    def delete_processing_time_timer(self, operation: int, key: bytes, timestamp: int) -> None:
        self.timers.discard((timestamp, bytes(key), operation))

    def register_event_time_timer(self, operation: int, key: bytes, timestamp: int) -> None:
        self.event_timers.add((timestamp, bytes(key), operation))

    def delete_event_time_timer(self, operation: int, key: bytes, timestamp: int) -> None:
        self.event_timers.discard((timestamp, bytes(key), operation))

    @staticmethod
    def take_due(timers: set[tuple[int, bytes, int]], time: int) -> list[tuple[int, bytes, int]]:
        due = sorted(t for t in timers if t[0] <= time)
        timers.difference_update(due)
        return due


def _unpack(blob: bytes, ends: bytes) -> list[bytes]:
    from array import array
    stops = array("q")
    stops.frombytes(ends)
    parts, start = [], 0
    for stop in stops:
        parts.append(bytes(blob[start:stop]))
        start = stop
    return parts


class OperatorHarness:
    """One operation of one parallel instance, driven by hand."""

    def __init__(self, operation: Operation, *, side_outputs: Iterable[OutputTag] = (), batch_mode: bool = False,
                 subtask: int = 0, parallelism: int = 1, job_parameters: dict[str, str] | None = None,
                 now: int = 0, state_cache_size: int = 10_000) -> None:
        self.host = InMemoryHost(now)
        self.operation = operation
        self._backend = KeyedStateBackend(self.host, cache_size=state_cache_size)
        self._ports = {tag.tag_id: i + 1 for i, tag in enumerate(side_outputs)}
        self._context = OperationContext(
            index=0, scope="harness", task=TaskInfo("harness", subtask, parallelism, 128, 0),
            job_parameters=job_parameters or {}, backend=self._backend, host=self.host,
            side_ports=self._ports, keyed=operation.keyed, batch_mode=batch_mode)
        self._side: dict[str, list] = {tag: [] for tag in self._ports}
        self.last_timestamps: list | None = None

    # The worker's own factory builds the operation, as it does for a job's transformations.

    @staticmethod
    def for_map(function: Any, key_selector: Any = None) -> "OperatorHarness":
        return OperatorHarness(create_operation(PythonOperation(Kind.MAP, function, key_selector)))

    @staticmethod
    def for_flat_map(function: Any, key_selector: Any = None) -> "OperatorHarness":
        return OperatorHarness(create_operation(PythonOperation(Kind.FLAT_MAP, function, key_selector)))

    @staticmethod
    def for_filter(function: Any, key_selector: Any = None) -> "OperatorHarness":
        return OperatorHarness(create_operation(PythonOperation(Kind.FILTER, function, key_selector)))

    @staticmethod
    def for_process(function: Any, side_outputs: Iterable[OutputTag] = ()) -> "OperatorHarness":
        return OperatorHarness(create_operation(PythonOperation(Kind.PROCESS, function)),
                               side_outputs=side_outputs)

    @staticmethod
    def for_keyed_process(function: Any, key_selector: Any, side_outputs: Iterable[OutputTag] = (),
                          now: int = 0) -> "OperatorHarness":
        return OperatorHarness(create_operation(PythonOperation(Kind.KEYED_PROCESS, function, key_selector)),
                               side_outputs=side_outputs, now=now)

    @staticmethod
    def for_reduce(function: Any, key_selector: Any, batch_mode: bool = False, state_cache_size: int = 10_000) -> "OperatorHarness":
        return OperatorHarness(create_operation(PythonOperation(Kind.REDUCE, function, key_selector)),
                               batch_mode=batch_mode, state_cache_size=state_cache_size)

    def open(self) -> "OperatorHarness":
        self.operation.open(self._context)
        return self

    def process(self, records: Iterable[Any], timestamps: Iterable[int] | None = None) -> list:
        """Runs records (with their event timestamps, if given) and returns the main output."""
        stamps = None if timestamps is None else list(timestamps)
        return self._finish(self.operation.process(list(records), stamps))

    def advance_processing_time(self, now: int) -> list:
        """Moves the clock to ``now`` and fires every processing-time timer due, in timestamp order."""
        self.host.now = now
        return self._fire(TimeDomain.PROCESSING_TIME, self.host.take_due(self.host.timers, now))

    def advance_watermark(self, watermark: int) -> list:
        """Moves the watermark and fires every event-time timer at or before it, in timestamp order."""
        self._context.watermark = watermark
        return self._fire(TimeDomain.EVENT_TIME, self.host.take_due(self.host.event_timers, watermark))

    def _fire(self, domain: TimeDomain, due: list[tuple[int, bytes, int]]) -> list:
        out: list = []
        for timestamp, key, _ in due:
            out.extend(self._finish(self.operation.on_timers(domain, [timestamp], [decode_key(key)])))
        return out

    def end_input(self) -> list:
        return self._finish(self.operation.end_input())

    def close(self) -> None:
        self.operation.close()

    def side_output(self, tag: OutputTag) -> list:
        """Everything yielded to ``tag`` so far."""
        return list(self._side[tag.tag_id])

    def state(self, descriptor_name: str) -> dict[Any, Any]:
        """The stored values of one state, by key (after the last call's write-back)."""
        import pickle
        host = self.host

        def loads(state_id: str, raw: bytes) -> Any:  # a value with a TTL is stored after its stamp
            return pickle.loads(raw[8:] if state_id in host.ttls else raw)

        def elements(state_id: str, framed: bytes) -> list:
            found, at = [], 0
            while at < len(framed):
                length = int.from_bytes(framed[at:at + 4], "little")
                found.append(loads(state_id, framed[at + 4:at + 4 + length]))
                at += 4 + length
            return found

        name = f"harness/{descriptor_name}"
        if f"m:{name}" in host.state:
            maps: dict = {}
            for stored, raw in host.state[f"m:{name}"].items():
                length = int.from_bytes(stored[:4], "big")
                key = original_key(decode_key(stored[4:4 + length]))
                maps.setdefault(key, {})[decode_key(stored[4 + length:])] = loads(f"m:{name}", raw)
            return maps
        if f"l:{name}" in host.state:
            return {original_key(decode_key(k)): elements(f"l:{name}", v) for k, v in host.state[f"l:{name}"].items()}
        return {original_key(decode_key(k)): loads(name, v) for k, v in host.state.get(name, {}).items()}

    def _finish(self, output: Any) -> list:
        """An operation's output: a ``(records, timestamps)`` pair, or an iterator of such chunks."""
        chunks = [output] if type(output) is tuple else list(output)
        main = [record for records, _ in chunks for record in records]
        stamped = [stamps for _, stamps in chunks if stamps is not None]
        self.last_timestamps = [t for stamps in stamped for t in stamps] if stamped else None
        self._backend.flush()
        by_port = {port: tag for tag, port in self._ports.items()}
        for port, (records, _) in self._context.side.items():
            self._side[by_port[port]].extend(records)
        self._context.side = {}
        return main
