"""Map and list states are stored by entry: a get or put touches one entry, an add reads nothing."""

from __future__ import annotations

import pickle

from pystream._runtime.keyed_state import KeyedStateBackend
from pystream.common.typeinfo import Types
from pystream.datastream.state import ListStateDescriptor, MapStateDescriptor
from pystream.testing import InMemoryHost


class CountingHost(InMemoryHost):
    """Counts the engine calls state makes, and the values they read."""

    def __init__(self) -> None:
        super().__init__()
        self.reads = 0
        self.listings = 0
        self.appends = 0

    def get_state(self, state_id, key):
        self.reads += 1
        return super().get_state(state_id, key)

    def map_entries(self, state_id, owner, limit):
        self.listings += 1
        return super().map_entries(state_id, owner, limit)

    def append_states(self, state_id, keys, key_ends, values, value_ends):
        self.appends += 1
        super().append_states(state_id, keys, key_ends, values, value_ends)


def backend(host: InMemoryHost, cache_size: int = 1_000_000) -> KeyedStateBackend:
    return KeyedStateBackend(host, cache_size)


def evict(states: KeyedStateBackend) -> None:
    """What the end of a batch does when the cache outgrew its size: write back, then forget."""
    states.flush()
    for table in states._tables.values():
        table.drop()


def test_each_map_entry_is_its_own_stored_value_and_one_get_reads_one_entry():
    host = CountingHost()
    states = backend(host)
    views = states.create_state("op", MapStateDescriptor("views", Types.STRING(), Types.INT()))
    for user in ("ann", "bob"):
        states.current_key = user
        for page in range(200):
            views.put(f"p{page}", page if user == "ann" else -page)
    evict(states)

    assert len(host.state["m:op/views"]) == 400
    states.current_key = "ann"
    host.reads = 0
    assert views.get("p17") == 17
    assert views.get("missing") is None
    assert views.contains("p199") and not views.contains("p200")
    assert host.reads == 4 and host.listings == 0  # one stored entry per lookup, never the map

    states.current_key = "bob"
    assert sorted(views.items()) == sorted((f"p{p}", -p) for p in range(200))
    assert host.listings == 1
    views.remove("p0")
    views.put("new", 1)
    assert len(views.keys()) == 200 and not views.is_empty()
    assert host.listings == 1  # the listed map stays cached


def test_removals_and_clear_reach_the_engine_and_a_cleared_map_reads_as_empty():
    host = InMemoryHost()
    states = backend(host)
    tags = states.create_state("op", MapStateDescriptor("tags", Types.INT(), Types.STRING()))
    states.current_key = 1
    tags.put_all({1: "a", 2: "b", 3: "c"})
    states.current_key = 2
    tags.put(1, "x")
    evict(states)

    states.current_key = 1
    tags.remove(2)
    assert dict(tags.items()) == {1: "a", 3: "c"}
    evict(states)
    assert dict(tags.items()) == {1: "a", 3: "c"}

    tags.clear()
    assert tags.is_empty() and list(tags.items()) == []
    tags.put(9, "z")
    evict(states)
    assert dict(tags.items()) == {9: "z"}
    states.current_key = 2
    assert dict(tags.items()) == {1: "x"}


def test_is_empty_sees_stored_entries_past_the_ones_removed_in_the_cache():
    host = InMemoryHost()
    states = backend(host)
    seen = states.create_state("op", MapStateDescriptor("seen", Types.INT(), Types.INT()))
    states.current_key = "k"
    seen.put_all({1: 1, 2: 2})
    evict(states)
    seen.remove(1)
    assert not seen.is_empty()
    seen.remove(2)
    assert seen.is_empty()
    evict(states)
    assert seen.is_empty() and host.state["m:op/seen"] == {}


def test_a_list_add_appends_without_reading_the_list():
    host = CountingHost()
    states = backend(host)
    events = states.create_state("op", ListStateDescriptor("events", Types.INT()))
    states.current_key = "k"
    for batch in range(5):
        for i in range(100):
            events.add(batch * 100 + i)
        evict(states)

    assert host.reads == 0 and host.appends == 5
    assert events.get() == list(range(500))
    events.update([7, 8])
    events.add(9)
    evict(states)
    assert events.get() == [7, 8, 9]
    events.clear()
    evict(states)
    assert events.get() == [] and host.state["l:op/events"] == {}


def test_an_add_before_the_first_read_joins_what_is_stored():
    host = InMemoryHost()
    states = backend(host)
    events = states.create_state("op", ListStateDescriptor("events", Types.STRING()))
    states.current_key = "k"
    events.add("a")
    evict(states)
    events.add("b")  # not flushed yet: the read must see both the stored and the pending element
    assert events.get() == ["a", "b"]
    evict(states)
    assert events.get() == ["a", "b"]


def test_stored_list_elements_are_framed_pickles_the_engine_can_split():
    host = InMemoryHost()
    states = backend(host)
    events = states.create_state("op", ListStateDescriptor("events", Types.PICKLED_BYTE_ARRAY()))
    states.current_key = "k"
    events.add({"a": 1})
    events.add((2, 3))
    evict(states)

    (stored,) = host.state["l:op/events"].values()
    elements, at = [], 0
    while at < len(stored):
        length = int.from_bytes(stored[at:at + 4], "little")
        elements.append(pickle.loads(stored[at + 4:at + 4 + length]))
        at += 4 + length
    assert elements == [{"a": 1}, (2, 3)]


def test_a_ttl_is_declared_to_the_engine_with_its_cleanup_and_values_carry_their_write_time():
    from pystream.common.time import Time
    from pystream.datastream.state_ttl import StateTtlConfig

    host = InMemoryHost(now=5_000)
    states = backend(host)
    descriptor = MapStateDescriptor("m", Types.INT(), Types.INT())
    descriptor.enable_time_to_live(StateTtlConfig.new_builder(Time.seconds(1))
                                   .cleanup_full_snapshot().cleanup_incrementally(10, True).build())
    recent = states.create_state("op", descriptor)
    states.current_key = "k"
    recent.put(1, 2)
    evict(states)

    assert host.ttls == {"m:op/m": (1_000, "full_snapshot;incremental:10:1;background")}
    (stored,) = host.state["m:op/m"].values()
    assert int.from_bytes(stored[:8], "big") == 5_000 and pickle.loads(stored[8:]) == 2
    host.now = 5_999
    assert recent.get(1) == 2
    host.now = 6_000  # written at 5,000 with a TTL of 1 s: expired
    assert recent.get(1) is None and recent.is_empty()


def test_maps_and_lists_restored_in_their_earlier_whole_form_move_into_their_entries():
    from pystream._runtime.keycodec import encode_key

    host = InMemoryHost()
    # What a savepoint taken before maps and lists were stored by entry restores: one pickle per key.
    host.state["op/views"] = {encode_key("ann"): pickle.dumps({"p1": 1, ("p", 2): 2}), encode_key(7): pickle.dumps({"q": 3})}
    host.state["op/events"] = {encode_key("ann"): pickle.dumps([1, 2, 3])}
    states = backend(host)
    views = states.create_state("op", MapStateDescriptor("views", Types.STRING(), Types.INT()))
    events = states.create_state("op", ListStateDescriptor("events", Types.INT()))

    states.current_key = "ann"
    assert sorted(views.items(), key=repr) == sorted([("p1", 1), (("p", 2), 2)], key=repr)
    assert events.get() == [1, 2, 3]
    states.current_key = 7
    assert views.get("q") == 3
    evict(states)
    assert host.state["op/views"] == {} and host.state["op/events"] == {}
    assert len(host.state["m:op/views"]) == 3 and len(host.state["l:op/events"]) == 1
    states.current_key = "ann"
    assert events.get() == [1, 2, 3] and views.get("p1") == 1
