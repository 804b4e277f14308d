"""Keyed state as Python code sees it: the current key, and ValueState, ListState, MapState,
ReducingState and AggregatingState (with their TTLs) over the engine-backed tables of
``state_tables``.
"""

from __future__ import annotations

import pickle
from typing import Any, Callable, Iterable

from pystream._runtime.keycodec import decode_key, encode_key
from pystream._runtime.state_tables import (
    _ABSENT,
    StateHost,
    _ListTable,
    _MapTable,
    _StateTable,
    cache_key,
    original_key,
)
from pystream.datastream.state import (
    AggregatingState,
    AggregatingStateDescriptor,
    ListState,
    ListStateDescriptor,
    MapState,
    MapStateDescriptor,
    ReducingState,
    ReducingStateDescriptor,
    StateDescriptor,
    ValueState,
    ValueStateDescriptor,
)

__all__ = ["KeyedStateBackend", "StateHost", "cache_key", "original_key"]


class KeyedStateBackend:
    """Keyed state of one segment: the current key, and one table per declared state."""

    def __init__(self, host: StateHost, cache_size: int) -> None:
        self._host = host
        self._tables: dict[str, Any] = {}
        self._cache_size = cache_size
        self.current_key: Any = None

    def table(self, state_id: str, kind: type = _StateTable, stamped: bool = False, whole_id: str | None = None) -> Any:
        table = self._tables.get(state_id)
        if table is None:
            table = self._tables[state_id] = kind(state_id, self._host, stamped)
            if whole_id is not None:
                self._take_over(table, whole_id)
        return table

    def _take_over(self, table: Any, whole_id: str) -> None:
        """Maps and lists restored in their earlier form, one pickled value per key under the id
        without a shape (a savepoint taken before they were stored by entry), move into the
        table, so nothing restored is left unread."""
        host = self._host
        for stored, raw in host.state_entries(whole_id):
            key = decode_key(bytes(stored))
            value = pickle.loads(bytes(raw))
            if isinstance(table, _MapTable):
                for entry, entry_value in value.items():
                    table.set(key, cache_key(entry), entry_value)
            else:
                table.replace(key, list(value))
            host.remove_state(whole_id, bytes(stored))

    def flush(self) -> None:
        """Writes every changed value back to the engine."""
        for table in self._tables.values():
            table.flush()

    def prefetch(self, keys: list, scope: str) -> None:
        """Before a batch of records with these keys: bulk-reads the operation's states (see ``_StateTable.prefetch``)."""
        prefix = scope + "/"
        tables = [t for state_id, t in self._tables.items() if t.misses and not t.pinned and state_id.startswith(prefix)]
        if tables:
            cached = [k if type(k) is int or type(k) is str else cache_key(k) for k in keys]
            for table in tables:
                table.prefetch(cached)

    def end_batch(self) -> None:
        """After a batch: a state whose cache outgrew the cache size is written back and dropped."""
        for table in self._tables.values():
            if not table.pinned and table.size() > self._cache_size:
                table.flush()
                table.drop()

    def create_state(self, scope: str, descriptor: StateDescriptor) -> Any:
        config = getattr(descriptor, "ttl_config", None)
        ttl = _Ttl(config, self._host) if config is not None else None
        stamped = ttl is not None
        whole_id = _state_id(scope, "", descriptor.name)
        if isinstance(descriptor, MapStateDescriptor):
            table = self.table(_state_id(scope, "m:", descriptor.name), _MapTable, stamped, whole_id)
            state: Any = _MapState(self, table, ttl)
        elif isinstance(descriptor, ListStateDescriptor):
            table = self.table(_state_id(scope, "l:", descriptor.name), _ListTable, stamped, whole_id)
            state = _ListState(self, table, ttl)
        else:
            table = self.table(whole_id, _StateTable, stamped)
            if isinstance(descriptor, ValueStateDescriptor):
                state = _ValueState(self, table, ttl) if ttl is not None else _PlainValueState(self, table)
            elif isinstance(descriptor, ReducingStateDescriptor):
                state = _ReducingState(self, table, _reducer_of(descriptor.reduce_function), ttl)
            elif isinstance(descriptor, AggregatingStateDescriptor):
                state = _AggregatingState(self, table, descriptor.agg_function, ttl)
            else:
                raise TypeError(f"unknown state descriptor {type(descriptor).__name__}")
        if ttl is not None:
            ttl.declare(table.state_id)
        return state


def _state_id(scope: str, shape: str, name: str) -> str:
    """``[w:|b:][m:|l:]scope/name`` (see the engine's StateKeys): the shape follows the scope's kind."""
    kind = scope[:2] if scope[:2] in ("w:", "b:") else ""
    return f"{kind}{shape}{scope[len(kind):]}/{name}"


def _reducer_of(function: Any) -> Callable[[Any, Any], Any]:
    reduce = getattr(function, "reduce", None)
    if reduce is not None:
        return reduce
    if callable(function):
        return function
    raise TypeError("a ReducingStateDescriptor needs a ReduceFunction or a callable")


class _Ttl:
    """A descriptor's time-to-live, on the engine's processing-time clock."""

    __slots__ = ("ttl", "refresh_on_read", "return_expired", "host", "cleanup")

    def __init__(self, config: Any, host: StateHost) -> None:
        from pystream.datastream.state_ttl import StateTtlConfig
        self.ttl = config._ttl
        self.refresh_on_read = config.get_update_type() is StateTtlConfig.UpdateType.OnReadAndWrite
        self.return_expired = config.get_state_visibility() is StateTtlConfig.StateVisibility.ReturnExpiredIfNotCleanedUp
        self.cleanup = ";".join(config._cleanup)
        self.host = host

    def declare(self, state_id: str) -> None:
        """Tells the engine the state's TTL, which its cleanup strategies apply."""
        self.host.declare_ttl(state_id, self.ttl, self.cleanup)

    def now(self) -> int:
        return self.host.current_processing_time()

    def expired(self, stamp: int, now: int) -> bool:
        return stamp + self.ttl <= now

    def read(self, stored: tuple, write: Callable[[Any], None], gone: Any) -> Any:
        """The value of a stored (value, stamp) as a read sees it: ``_ABSENT`` once expired
        (then ``write(gone)`` drops it), else the value, its stamp refreshed if reads refresh."""
        value, stamp = stored
        now = self.now()
        if self.expired(stamp, now):
            if self.return_expired:
                return value
            write(gone)
            return _ABSENT
        if self.refresh_on_read:
            write((value, now))
        return value

    def live(self, elements: list) -> list:
        """Drops expired (element, stamp) pairs (unless expired ones stay visible); refreshes on read if asked."""
        now = self.now()
        keep = elements if self.return_expired else [e for e in elements if not self.expired(e[1], now)]
        return [(e[0], now) for e in keep] if self.refresh_on_read else keep


class _KeyedState:
    """One state of the current key. With TTL, values are stored with the time they were written."""

    __slots__ = ("_backend", "_table", "_ttl")

    def __init__(self, backend: KeyedStateBackend, table: _StateTable, ttl: _Ttl | None = None) -> None:
        self._backend = backend
        self._table = table
        self._ttl = ttl

    def _get_raw(self) -> Any:
        return self._table.get(cache_key(self._backend.current_key))

    def _set_raw(self, value: Any) -> None:
        self._table.set(cache_key(self._backend.current_key), value)

    def _get(self) -> Any:
        raw = self._get_raw()
        ttl = self._ttl
        if ttl is None or raw is None:
            return raw
        value = ttl.read(raw, self._set_raw, None)
        return None if value is _ABSENT else value

    def _set(self, value: Any) -> None:
        ttl = self._ttl
        self._set_raw(value if ttl is None or value is None else (value, ttl.now()))

    def clear(self) -> None:
        self._set_raw(None)


class _ValueState(_KeyedState, ValueState):
    __slots__ = ()

    def value(self) -> Any:
        return self._get()

    def update(self, value: Any) -> None:
        self._set(value)


class _PlainValueState(_KeyedState, ValueState):
    """A ValueState without TTL, the common case: each call is one cache lookup, inlined."""

    __slots__ = ()

    def value(self) -> Any:
        key = self._backend.current_key
        if type(key) is not int and type(key) is not str:
            key = encode_key(key)  # as cache_key does
        table = self._table
        value = table.values.get(key, _ABSENT)
        return table.get(key) if value is _ABSENT else value

    def update(self, value: Any) -> None:
        key = self._backend.current_key
        if type(key) is not int and type(key) is not str:
            key = encode_key(key)
        table = self._table
        table.values[key] = value
        table.dirty[key] = None


class _CollectionState:
    """A list or map of the current key, in a table that stores it by element or entry."""

    __slots__ = ("_backend", "_table", "_ttl")

    def __init__(self, backend: KeyedStateBackend, table: Any, ttl: _Ttl | None) -> None:
        self._backend = backend
        self._table = table
        self._ttl = ttl

    def _key(self) -> Any:
        return cache_key(self._backend.current_key)


class _ListState(_CollectionState, ListState):
    """With TTL, each element expires on its own."""

    __slots__ = ()

    def get(self) -> list:
        key = self._key()
        elements = self._table.get(key)
        ttl = self._ttl
        if ttl is None:
            return list(elements)
        live = ttl.live(elements)
        if live != elements:
            self._table.replace(key, live)
        return [e for e, _ in live]

    def add(self, value: Any) -> None:
        if value is None:
            raise ValueError("ListState.add: None is not a valid element")
        self._table.add(self._key(), value if self._ttl is None else (value, self._ttl.now()))

    def add_all(self, values: Iterable[Any]) -> None:
        for value in values:
            self.add(value)

    def update(self, values: Iterable[Any]) -> None:
        values = list(values)
        if any(v is None for v in values):
            raise ValueError("ListState.update: None is not a valid element")
        now = None if self._ttl is None else self._ttl.now()
        self._table.replace(self._key(), values if now is None else [(v, now) for v in values])

    def clear(self) -> None:
        self._table.replace(self._key(), [])


class _MapState(_CollectionState, MapState):
    """Read and written by entry; with TTL, each entry expires on its own."""

    __slots__ = ()

    def _live(self, key: Any, entry: Any, stored: Any) -> Any:
        """The entry's value, or ``_ABSENT`` if it has none or (with TTL) has expired."""
        ttl = self._ttl
        if ttl is None or stored is _ABSENT:
            return stored
        return ttl.read(stored, lambda new: self._table.set(key, entry, new), _ABSENT)

    def _entries(self) -> list:
        key = self._key()
        return [(original_key(entry), value) for entry, stored in list(self._table.entries(key).items())
                if (value := self._live(key, entry, stored)) is not _ABSENT]

    def get(self, key: Any) -> Any:
        owner, entry = self._key(), cache_key(key)
        value = self._live(owner, entry, self._table.get(owner, entry))
        return None if value is _ABSENT else value

    def put(self, key: Any, value: Any) -> None:
        self._table.set(self._key(), cache_key(key), value if self._ttl is None else (value, self._ttl.now()))

    def put_all(self, dict_value: dict) -> None:
        for key, value in dict_value.items():
            self.put(key, value)

    def remove(self, key: Any) -> None:
        self._table.set(self._key(), cache_key(key), _ABSENT)

    def contains(self, key: Any) -> bool:
        owner, entry = self._key(), cache_key(key)
        return self._live(owner, entry, self._table.get(owner, entry)) is not _ABSENT

    def items(self) -> Iterable[tuple[Any, Any]]:
        return self._entries()

    def keys(self) -> Iterable[Any]:
        return [key for key, _ in self._entries()]

    def values(self) -> Iterable[Any]:
        return [value for _, value in self._entries()]

    def is_empty(self) -> bool:
        if self._ttl is not None:
            return not self._entries()
        return self._table.is_empty(self._key())

    def clear(self) -> None:
        self._table.clear(self._key())


class _ReducingState(_KeyedState, ReducingState):
    __slots__ = ("_reduce",)

    def __init__(self, backend: KeyedStateBackend, table: _StateTable, reduce: Callable[[Any, Any], Any],
                 ttl: _Ttl | None = None) -> None:
        super().__init__(backend, table, ttl)
        self._reduce = reduce

    def get(self) -> Any:
        return self._get()

    def add(self, value: Any) -> None:
        current = self._get()
        self._set(value if current is None else self._reduce(current, value))


class _AggregatingState(_KeyedState, AggregatingState):
    __slots__ = ("_function",)

    def __init__(self, backend: KeyedStateBackend, table: _StateTable, function: Any, ttl: _Ttl | None = None) -> None:
        super().__init__(backend, table, ttl)
        self._function = function

    def get(self) -> Any:
        accumulator = self._get()
        return None if accumulator is None else self._function.get_result(accumulator)

    def add(self, value: Any) -> None:
        accumulator = self._get()
        if accumulator is None:
            accumulator = self._function.create_accumulator()
        self._set(self._function.add(value, accumulator))
