"""Broadcast state and the operation of ``connect(broadcast_stream).process(...)``.

Broadcast state is a map per descriptor, the same in every parallel instance (each sees
every broadcast element). It is kept whole in memory and written through to the engine's
state backend; the non-broadcast side may only read it, as in Flink.
"""

from __future__ import annotations

from typing import Any, Iterable, Iterator

from pystream._runtime.state_tables import _StateTable
from pystream._runtime.operations import KeyedProcessOperation, Operation, method_of, run_process
from pystream.datastream.state import MapStateDescriptor

__all__ = ["BroadcastProcessOperation", "BroadcastState"]


class BroadcastState:
    """A broadcast map (``ctx.get_broadcast_state(descriptor)``)."""

    def __init__(self, table: _StateTable, name: str) -> None:
        self._table = table
        self._name = name
        self.writable = False

    def _check_writable(self) -> None:
        if not self.writable:
            raise RuntimeError(f"broadcast state '{self._name}' is read-only outside process_broadcast_element")

    def get(self, key: Any) -> Any:
        return self._table.values.get(key)

    def contains(self, key: Any) -> bool:
        return key in self._table.values

    def items(self) -> Iterable[tuple[Any, Any]]:
        return list(self._table.values.items())

    def keys(self) -> Iterable[Any]:
        return list(self._table.values.keys())

    def values(self) -> Iterable[Any]:
        return list(self._table.values.values())

    def is_empty(self) -> bool:
        return not self._table.values

    def put(self, key: Any, value: Any) -> None:
        self._check_writable()
        self._table.set(key, value)

    def put_all(self, dict_value: dict) -> None:
        for key, value in dict_value.items():
            self.put(key, value)

    def remove(self, key: Any) -> None:
        self._check_writable()
        if key in self._table.values:
            self._table.set(key, None)
            del self._table.values[key]
            self._table.dirty[key] = None

    def clear(self) -> None:
        for key in self.keys():
            self.remove(key)

    def __iter__(self) -> Any:
        return iter(self.keys())


class _BroadcastTable(_StateTable):
    """Values absent from the dict are removed ones (flush writes their removal)."""

    __slots__ = ()

    def flush(self) -> None:
        for key in list(self.dirty):
            if key not in self.values:
                self.values[key] = None
        super().flush()
        for key in [k for k, v in self.values.items() if v is None]:
            del self.values[key]


class BroadcastProcessOperation(Operation):
    """Input 1: the (perhaps keyed) stream; input 2: the broadcast stream."""

    def __init__(self, function: Any, descriptors: list[MapStateDescriptor], key_selector: Any = None) -> None:
        super().__init__(function, key_selector)
        self.descriptors = descriptors

    def open(self, ctx: Any) -> None:
        super().open(ctx)
        self.call1 = method_of(self.function, "process_element")
        self.call2 = method_of(self.function, "process_broadcast_element")
        self.on_timer = getattr(self.function, "on_timer", None)
        self.states: dict[str, BroadcastState] = {}
        for descriptor in self.descriptors:
            # "b:": broadcast state, copied whole to every subtask when a job is rescaled.
            table = _BroadcastTable(f"b:{ctx.scope}/broadcast/{descriptor.name}", ctx.host)
            table.pinned = True
            table.values.update(table.entries())
            self.states[descriptor.name] = BroadcastState(table, descriptor.name)
        self.context = _with_broadcast_state(ctx.process_context(), self.states)
        self.timer_context = _with_broadcast_state(ctx.timer_context(), self.states)

    def _run(self, call: Any, records: list, timestamps: list | None, writable: bool) -> Iterator[tuple[list, list | None]]:
        for state in self.states.values():
            state.writable = writable
        try:
            # Broadcast elements have no key: keyed state is not theirs to touch.
            yield from run_process(call, self.context, self.key_of if not writable else None, self.ctx, records, timestamps)
        finally:
            for state in self.states.values():
                state.writable = False
                state._table.flush()

    def process(self, records: list, timestamps: list | None) -> Iterator[tuple[list, list | None]]:
        return self._run(self.call1, records, timestamps, writable=False)

    def process2(self, records: list, timestamps: list | None) -> Iterator[tuple[list, list | None]]:
        return self._run(self.call2, records, timestamps, writable=True)

    # Timers of a keyed broadcast function fire exactly as a KeyedProcessFunction's do.
    on_timers = KeyedProcessOperation.on_timers


def _with_broadcast_state(context: Any, states: dict[str, BroadcastState]) -> Any:
    """Gives a process or timer context ``get_broadcast_state``."""
    def get_broadcast_state(descriptor: MapStateDescriptor) -> BroadcastState:
        state = states.get(descriptor.name)
        if state is None:
            raise ValueError(f"'{descriptor.name}' is not a broadcast state of this stream; broadcast() it with that descriptor")
        return state
    context.get_broadcast_state = get_broadcast_state
    return context
