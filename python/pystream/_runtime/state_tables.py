"""The engine-backed caches behind keyed state: one table per state, holding the values of
the keys a job touches as Python objects (a write-back cache, as PyFlink's own workers
keep). Misses are read from the engine's C# backend, and changed values are written back in
one bulk call per state when a table outgrows the cache, and on ``flush``. The backend
stores pickles under the canonical key bytes (``keycodec``), so the engine can snapshot and
rescale them.

Map and list tables store by entry, not one value per key: a map entry is its own engine
entry (a get or put touches one entry, and the cache holds entries, not whole maps), and a
list is framed elements that an ``add`` appends to without reading them. With a TTL, each
value, map entry and list element carries the time it was last written (8 bytes before its
pickle), which the engine's TTL cleanup reads.
"""

from __future__ import annotations

import pickle
import struct
from array import array
from itertools import accumulate
from typing import Any, Callable, Iterable

from pystream._runtime.keycodec import decode_key, encode_key, encode_keys
from pystream._runtime.packing import unpack_longs

__all__ = ["StateHost", "cache_key", "original_key"]

_ABSENT = object()
_dumps = pickle.dumps
_loads = pickle.loads
_PROTOCOL = pickle.HIGHEST_PROTOCOL
_STAMP = struct.Struct(">q")
_LENGTH = struct.Struct("<I")
_OWNER_LENGTH = struct.Struct(">I")


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
    def append_states(self, state_id: str, keys: bytes, key_ends: bytes, values: bytes, value_ends: bytes) -> None: ...
    def map_entries(self, state_id: str, owner: bytes, limit: int) -> list: ...
    def remove_map(self, state_id: str, owner: bytes) -> None: ...
    def declare_ttl(self, state_id: str, ttl: int, cleanup: str) -> None: ...


def _encode(value: Any, stamped: bool) -> bytes:
    """A value as stored: its pickle, after its stamp when stamped (``value`` is then (value, stamp))."""
    return _STAMP.pack(value[1]) + _dumps(value[0], _PROTOCOL) if stamped else _dumps(value, _PROTOCOL)


def _decode(raw: Any, stamped: bool) -> Any:
    if stamped:
        view = memoryview(raw)
        return _loads(view[8:]), _STAMP.unpack_from(view)[0]
    return _loads(raw)


def _put_packed(put: Callable, state_id: str, keys: list, values: list) -> None:
    """One bulk engine call for (stored key bytes, value bytes) pairs."""
    put(state_id, b"".join(keys), array("q", accumulate(map(len, keys))).tobytes(),
        b"".join(values), array("q", accumulate(map(len, values))).tobytes())


def _stored(cached: Any) -> bytes:
    """The stored bytes of a cache key (``cache_key``'s form)."""
    return cached if type(cached) is bytes else encode_key(cached)


class _StateTable:
    """Cached values of one state, by key object, plus which keys changed."""

    __slots__ = ("state_id", "values", "dirty", "host", "pinned", "misses", "stamped")

    def __init__(self, state_id: str, host: StateHost, stamped: bool = False) -> None:
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
        # Values are (value, stamp) pairs, stored with their stamp (a state with a TTL).
        self.stamped = stamped

    def size(self) -> int:
        return len(self.values)

    def get(self, key: Any) -> Any:
        value = self.values.get(key, _ABSENT)
        if value is _ABSENT:
            self.misses += 1
            raw = self.host.get_state(self.state_id, encode_key(key))
            value = None if raw is None else _decode(raw, self.stamped)
            self.values[key] = value
        return value

    def set(self, key: Any, value: Any) -> None:
        self.values[key] = value
        self.dirty[key] = None

    def flush(self) -> None:
        if not self.dirty:
            return
        values, stamped = self.values, self.stamped
        put_keys, put_values, removed = [], [], []
        for key in self.dirty:
            value = values[key]
            if value is None:
                removed.append(key)
            else:
                put_keys.append(key)
                put_values.append(_encode(value, stamped))
        self.dirty.clear()
        if put_keys:
            _put_packed(self.host.put_states, self.state_id, [encode_key(k) for k in put_keys], put_values)
        for key in removed:
            self.host.remove_state(self.state_id, encode_key(key))

    def drop(self) -> None:
        self.values.clear()
        self.misses += 1  # cold now: the next batch reads its keys in bulk

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
        stamped = self.stamped
        for key, end in zip(missing, unpack_longs(ends)):
            values[key] = _decode(view[start:end], stamped) if end > start else None  # a pickle is never empty
            start = end

    def entries(self) -> Iterable[tuple[Any, Any]]:
        """Every cache key with a value, read from the backend (flush first)."""
        for key, raw in self.host.state_entries(self.state_id):
            yield decode_key(bytes(key)), _decode(bytes(raw), self.stamped)


class _CachedMap(dict):
    """The cached entries of one key's map, by cache key of the entry; ``_ABSENT`` marks an
    entry known not to exist. ``complete``: every stored entry is here."""

    __slots__ = ("complete",)

    def __init__(self, complete: bool = False) -> None:
        super().__init__()
        self.complete = complete


class _MapTable:
    """Cached entries of one map state, by key, and which entries changed."""

    __slots__ = ("state_id", "maps", "dirty", "cleared", "host", "stamped", "pinned", "misses")

    def __init__(self, state_id: str, host: StateHost, stamped: bool) -> None:
        self.state_id = state_id
        self.maps: dict = {}
        self.dirty: dict = {}  # (key, entry key) in change order
        self.cleared: dict = {}  # keys whose stored maps go before the dirty entries are written
        self.host = host
        self.stamped = stamped
        self.pinned = False
        self.misses = 0  # never prefetched: a map's entries are not known by key alone

    def size(self) -> int:
        return sum(map(len, self.maps.values()))

    def map_of(self, key: Any) -> _CachedMap:
        cached = self.maps.get(key)
        if cached is None:
            cached = self.maps[key] = _CachedMap()
        return cached

    def get(self, key: Any, entry: Any) -> Any:
        """The entry's value, or ``_ABSENT``; ``entry`` is in cache-key form."""
        cached = self.map_of(key)
        value = cached.get(entry, _ABSENT)
        if value is _ABSENT and not cached.complete and entry not in cached:
            raw = self.host.get_state(self.state_id, _OWNER_LENGTH.pack(len(owner := encode_key(key))) + owner + _stored(entry))
            value = cached[entry] = _ABSENT if raw is None else _decode(raw, self.stamped)
        return value

    def set(self, key: Any, entry: Any, value: Any) -> None:
        """Sets (or, with ``_ABSENT``, removes) an entry."""
        self.map_of(key)[entry] = value
        self.dirty[(key, entry)] = None

    def clear(self, key: Any) -> None:
        self.maps[key] = _CachedMap(complete=True)
        self.cleared[key] = None

    def entries(self, key: Any) -> _CachedMap:
        """Every entry of the key's map (read from the engine once, then cached)."""
        cached = self.map_of(key)
        if not cached.complete:
            stamped = self.stamped
            for stored, raw in self.host.map_entries(self.state_id, encode_key(key), 2**31 - 1):
                entry = decode_key(stored := bytes(stored))
                if type(entry) is not int and type(entry) is not str:
                    entry = stored
                if entry not in cached:
                    cached[entry] = _decode(raw, stamped)
            cached.complete = True
        return cached

    def is_empty(self, key: Any) -> bool:
        cached = self.map_of(key)
        if any(v is not _ABSENT for v in cached.values()):
            return False
        if cached.complete:
            return True
        if not cached:
            return not self.host.map_entries(self.state_id, encode_key(key), 1)
        # Some entries are known to be removed: whether others are stored needs them all.
        return not any(v is not _ABSENT for v in self.entries(key).values())

    def flush(self) -> None:
        host, state_id = self.host, self.state_id
        for key in self.cleared:
            host.remove_map(state_id, encode_key(key))
        self.cleared.clear()
        if not self.dirty:
            return
        maps, stamped = self.maps, self.stamped
        put_keys, put_values, owners = [], [], {}
        for key, entry in self.dirty:
            prefix = owners.get(key)
            if prefix is None:
                owner = encode_key(key)
                prefix = owners[key] = _OWNER_LENGTH.pack(len(owner)) + owner
            cached = maps.get(key)
            value = _ABSENT if cached is None else cached.get(entry, _ABSENT)
            if value is _ABSENT:
                host.remove_state(state_id, prefix + _stored(entry))
            else:
                put_keys.append(prefix + _stored(entry))
                put_values.append(_encode(value, stamped))
        self.dirty.clear()
        if put_keys:
            _put_packed(host.put_states, state_id, put_keys, put_values)

    def drop(self) -> None:
        self.maps.clear()


class _CachedList:
    """One key's list: ``elements`` when known (else None: only appends were made since the
    last read), ``pending`` elements not yet written, ``replaced`` when the whole list must
    be written again."""

    __slots__ = ("elements", "pending", "replaced")

    def __init__(self, elements: list | None) -> None:
        self.elements = elements
        self.pending: list = []
        self.replaced = False


class _ListTable:
    """Cached lists of one list state, by key; appends reach the engine without a read."""

    __slots__ = ("state_id", "lists", "dirty", "host", "stamped", "pinned", "misses")

    def __init__(self, state_id: str, host: StateHost, stamped: bool) -> None:
        self.state_id = state_id
        self.lists: dict = {}
        self.dirty: dict = {}
        self.host = host
        self.stamped = stamped
        self.pinned = False
        self.misses = 0

    def size(self) -> int:
        return sum(len(c.elements) if c.elements is not None else len(c.pending) for c in self.lists.values())

    def get(self, key: Any) -> list:
        cached = self.lists.get(key)
        if cached is None or cached.elements is None:
            raw = self.host.get_state(self.state_id, encode_key(key))
            stored = [] if raw is None else self._unframe(raw)
            if cached is None:
                cached = self.lists[key] = _CachedList(stored)
            else:
                cached.elements = stored + cached.pending
        return cached.elements

    def add(self, key: Any, element: Any) -> None:
        cached = self.lists.get(key)
        if cached is None:
            cached = self.lists[key] = _CachedList(None)
        if cached.elements is not None:
            cached.elements.append(element)
        if not cached.replaced:
            cached.pending.append(element)
        self.dirty[key] = None

    def replace(self, key: Any, elements: list) -> None:
        cached = self.lists.get(key)
        if cached is None:
            cached = self.lists[key] = _CachedList(elements)
        cached.elements, cached.pending, cached.replaced = elements, [], True
        self.dirty[key] = None

    def flush(self) -> None:
        if not self.dirty:
            return
        appended_keys, appended, put_keys, put_values, removed = [], [], [], [], []
        for key in self.dirty:
            cached = self.lists[key]
            if cached.replaced:
                if cached.elements:
                    put_keys.append(encode_key(key))
                    put_values.append(self._frame(cached.elements))
                else:
                    removed.append(key)
            elif cached.pending:
                appended_keys.append(encode_key(key))
                appended.append(self._frame(cached.pending))
            cached.pending, cached.replaced = [], False
        self.dirty.clear()
        if put_keys:
            _put_packed(self.host.put_states, self.state_id, put_keys, put_values)
        if appended_keys:
            _put_packed(self.host.append_states, self.state_id, appended_keys, appended)
        for key in removed:
            self.host.remove_state(self.state_id, encode_key(key))

    def drop(self) -> None:
        self.lists.clear()

    def _frame(self, elements: list) -> bytes:
        stamped, pack = self.stamped, _LENGTH.pack
        parts = []
        for element in elements:
            payload = _encode(element, stamped)
            parts.append(pack(len(payload)))
            parts.append(payload)
        return b"".join(parts)

    def _unframe(self, raw: bytes) -> list:
        view, stamped, unpack = memoryview(raw), self.stamped, _LENGTH.unpack_from
        elements, at, end = [], 0, len(raw)
        while at < end:
            (length,) = unpack(view, at)
            elements.append(_decode(view[at + 4:at + 4 + length], stamped))
            at += 4 + length
        return elements
