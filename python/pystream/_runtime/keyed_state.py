"""Keyed state as Python code sees it, backed by the engine's C# state backend.

Values of the keys a job touches are cached here as Python objects (a write-back cache,
as PyFlink's own workers keep): misses are read from the backend, and changed values are
written back in one bulk call per state when a state's cache outgrows its size, and on
``flush`` (end of input; checkpoints will flush too). The backend stores pickled values
under the canonical key bytes (``keycodec``), so the engine can snapshot and rescale them.
"""

from __future__ import annotations

import pickle
from array import array
from itertools import accumulate
from typing import Any, Callable, Iterable

from pystream._runtime.keycodec import decode_key, encode_key, encode_keys
from pystream._runtime.packing import unpack_longs
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

_ABSENT = object()
_dumps = pickle.dumps
_loads = pickle.loads
_PROTOCOL = pickle.HIGHEST_PROTOCOL


def cache_key(key: Any) -> Any:
    """The key a state cache files a value under: the key itself for ints and strings (the
    common case, and they never equal one another), else its canonical bytes, so that keys
    Python calls equal but PyFlink keeps apart (1, 1.0 and True) stay apart here too."""
    kind = type(key)
    return key if kind is int or kind is str else encode_key(key)


def original_key(cached: Any) -> Any:
    """The key a cache key stands for."""
    return decode_key(cached) if type(cached) is bytes else cached


class StateHost:
    """The C# side's calls (``SegmentHostProxy``); a protocol, spelled out for readers."""

    def get_state(self, state_id: str, key: bytes) -> bytes | None: ...
    def put_states(self, state_id: str, keys: bytes, key_ends: bytes, values: bytes, value_ends: bytes) -> None: ...
    def remove_state(self, state_id: str, key: bytes) -> None: ...
    def state_entries(self, state_id: str) -> list: ...
    def get_states(self, state_id: str, keys: bytes, key_ends: bytes) -> tuple[bytes, bytes]: ...


class _StateTable:
    """Cached values of one state, by key object, plus which keys changed."""

    __slots__ = ("state_id", "values", "dirty", "host", "pinned", "misses")

    def __init__(self, state_id: str, host: StateHost) -> None:
        self.state_id = state_id
        self.values: dict = {}
        # Changed keys in first-change order (a dict, not a set: str hashes are salted per
        # process, and the backend keeps insertion order, which BATCH results follow).
        self.dirty: dict = {}
        self.host = host
        # A pinned table holds every value (broadcast state): never dropped from the cache.
        self.pinned = False
        # Values read one by one from the engine since the last prefetch.
        self.misses = 0

    def get(self, key: Any) -> Any:
        value = self.values.get(key, _ABSENT)
        if value is _ABSENT:
            self.misses += 1
            raw = self.host.get_state(self.state_id, encode_key(key))
            value = None if raw is None else _loads(raw)
            self.values[key] = value
        return value

    def set(self, key: Any, value: Any) -> None:
        self.values[key] = value
        self.dirty[key] = None

    def flush(self) -> None:
        if not self.dirty:
            return
        values = self.values
        put_keys, put_values, removed = [], [], []
        for key in self.dirty:
            value = values[key]
            if value is None:
                removed.append(key)
            else:
                put_keys.append(key)
                put_values.append(_dumps(value, _PROTOCOL))
        self.dirty.clear()
        if put_keys:
            key_blob, key_ends = encode_keys(put_keys)
            self.host.put_states(
                self.state_id, key_blob, key_ends.tobytes(),
                b"".join(put_values), array("q", accumulate(map(len, put_values))).tobytes(),
            )
        for key in removed:
            self.host.remove_state(self.state_id, encode_key(key))

    def prefetch(self, keys: Iterable[Any]) -> None:
        """Reads the values of the keys the cache lacks in one call, when the last batch missed
        the cache (many more keys than the cache holds): one engine call instead of one per key."""
        if not self.misses:
            return
        self.misses = 0
        values = self.values
        missing = [k for k in dict.fromkeys(keys) if k not in values]
        if not missing:
            return
        blob, key_ends = encode_keys(missing)
        raw, ends = self.host.get_states(self.state_id, blob, key_ends.tobytes())
        view = memoryview(raw)
        start = 0
        for key, end in zip(missing, unpack_longs(ends)):
            values[key] = _loads(view[start:end]) if end > start else None  # a pickle is never empty
            start = end

    def entries(self) -> Iterable[tuple[Any, Any]]:
        """Every cache key with a value, read from the backend (flush first)."""
        for key, raw in self.host.state_entries(self.state_id):
            yield decode_key(bytes(key)), _loads(bytes(raw))


class KeyedStateBackend:
    """Keyed state of one segment: the current key, and one table per declared state."""

    def __init__(self, host: StateHost, cache_size: int) -> None:
        self._host = host
        self._tables: dict[str, _StateTable] = {}
        self._cache_size = cache_size
        self.current_key: Any = None

    def table(self, state_id: str) -> _StateTable:
        table = self._tables.get(state_id)
        if table is None:
            table = self._tables[state_id] = _StateTable(state_id, self._host)
        return table

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
            if not table.pinned and len(table.values) > self._cache_size:
                table.flush()
                table.values.clear()
                table.misses += 1  # cold now: the next batch reads its keys in bulk

    def create_state(self, scope: str, descriptor: StateDescriptor) -> Any:
        table = self.table(f"{scope}/{descriptor.name}")
        ttl = _Ttl(descriptor.ttl_config, self._host) if getattr(descriptor, "ttl_config", None) is not None else None
        if isinstance(descriptor, ValueStateDescriptor):
            return _ValueState(self, table, ttl) if ttl is not None else _PlainValueState(self, table)
        if isinstance(descriptor, ListStateDescriptor):
            return _ListState(self, table, ttl)
        if isinstance(descriptor, MapStateDescriptor):
            return _MapState(self, table, ttl)
        if isinstance(descriptor, ReducingStateDescriptor):
            return _ReducingState(self, table, _reducer_of(descriptor.reduce_function), ttl)
        if isinstance(descriptor, AggregatingStateDescriptor):
            return _AggregatingState(self, table, descriptor.agg_function, ttl)
        raise TypeError(f"unknown state descriptor {type(descriptor).__name__}")


def _reducer_of(function: Any) -> Callable[[Any, Any], Any]:
    reduce = getattr(function, "reduce", None)
    if reduce is not None:
        return reduce
    if callable(function):
        return function
    raise TypeError("a ReducingStateDescriptor needs a ReduceFunction or a callable")


class _Ttl:
    """A descriptor's time-to-live, on the engine's processing-time clock."""

    __slots__ = ("ttl", "refresh_on_read", "return_expired", "host")

    def __init__(self, config: Any, host: StateHost) -> None:
        from pystream.datastream.state_ttl import StateTtlConfig
        self.ttl = config._ttl
        self.refresh_on_read = config.get_update_type() is StateTtlConfig.UpdateType.OnReadAndWrite
        self.return_expired = config.get_state_visibility() is StateTtlConfig.StateVisibility.ReturnExpiredIfNotCleanedUp
        self.host = host

    def now(self) -> int:
        return self.host.current_processing_time()

    def expired(self, stamp: int, now: int) -> bool:
        return stamp + self.ttl <= now

    def live(self, stamped: list | dict) -> Any:
        """Drops expired (element, stamp) pairs (unless expired ones stay visible); refreshes on read if asked."""
        now = self.now()
        items = stamped.items() if isinstance(stamped, dict) else enumerate(stamped)
        keep = {k: v for k, v in items if self.return_expired or not self.expired(v[1], now)}
        if self.refresh_on_read:
            keep = {k: (v[0], now) for k, v in keep.items()}
        return keep if isinstance(stamped, dict) else list(keep.values())


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
        value, stamp = raw
        now = ttl.now()
        if ttl.expired(stamp, now):
            if ttl.return_expired:
                return value
            self._set_raw(None)
            return None
        if ttl.refresh_on_read:
            self._set_raw((value, now))
        return value

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


class _ListState(_KeyedState, ListState):
    """With TTL, each element expires on its own."""

    __slots__ = ()

    def _elements(self) -> list:
        stored = self._get_raw()
        if stored is None:
            return []
        if self._ttl is None:
            return stored
        live = self._ttl.live(stored)
        if live != stored:
            self._set_raw(live or None)
        return live

    def get(self) -> list:
        elements = self._elements()
        return elements if self._ttl is None else [e for e, _ in elements]

    def add(self, value: Any) -> None:
        if value is None:
            raise ValueError("ListState.add: None is not a valid element")
        elements = self._elements()
        elements.append(value if self._ttl is None else (value, self._ttl.now()))
        self._set_raw(elements)

    def add_all(self, values: Iterable[Any]) -> None:
        for value in values:
            self.add(value)

    def update(self, values: Iterable[Any]) -> None:
        now = None if self._ttl is None else self._ttl.now()
        new = [v if now is None else (v, now) for v in values]
        self._set_raw(new or None)


class _MapState(_KeyedState, MapState):
    """With TTL, each entry expires on its own."""

    __slots__ = ()

    def _map(self) -> dict:
        current = self._get_raw()
        if current is None:
            return {}
        if self._ttl is None:
            return current
        live = self._ttl.live(current)
        if live != current:
            self._set_raw(live or None)
        return live

    def _stamp(self, value: Any) -> Any:
        return value if self._ttl is None else (value, self._ttl.now())

    def _plain(self, entries: dict) -> dict:
        return entries if self._ttl is None else {k: v for k, (v, _) in entries.items()}

    def get(self, key: Any) -> Any:
        return self._plain(self._map()).get(key)

    def put(self, key: Any, value: Any) -> None:
        updated = self._map()
        updated[key] = self._stamp(value)
        self._set_raw(updated)

    def put_all(self, dict_value: dict) -> None:
        updated = self._map()
        updated.update({k: self._stamp(v) for k, v in dict_value.items()})
        self._set_raw(updated)

    def remove(self, key: Any) -> None:
        updated = self._map()
        updated.pop(key, None)
        self._set_raw(updated or None)

    def contains(self, key: Any) -> bool:
        return key in self._map()

    def items(self) -> Iterable[tuple[Any, Any]]:
        return list(self._plain(self._map()).items())

    def keys(self) -> Iterable[Any]:
        return list(self._map().keys())

    def values(self) -> Iterable[Any]:
        return list(self._plain(self._map()).values())

    def is_empty(self) -> bool:
        return not self._map()


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
