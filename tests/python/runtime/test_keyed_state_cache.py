"""The Python cache over the engine's keyed state: write-back, and bulk reads when keys outnumber it."""

from pyflink.common import Types
from pyflink.datastream.state import ValueStateDescriptor
from pystream._runtime.keyed_state import KeyedStateBackend
from pystream.testing import InMemoryHost


class CountingHost(InMemoryHost):
    """Counts single-key and bulk reads."""

    def __init__(self) -> None:
        super().__init__()
        self.single_reads = 0
        self.bulk_reads = 0

    def get_state(self, state_id, key):
        self.single_reads += 1
        return super().get_state(state_id, key)

    def get_states(self, state_id, keys, key_ends):
        self.bulk_reads += 1
        return super().get_states(state_id, keys, key_ends)


def run_batch(backend: KeyedStateBackend, state, keys) -> list:
    backend.prefetch(keys, "op")
    seen = []
    for key in keys:
        backend.current_key = key
        seen.append(state.value())
        state.update((state.value() or 0) + 1)
    backend.end_batch()
    return seen


def test_a_batch_after_a_cache_miss_reads_its_keys_in_one_call_and_sees_every_value() -> None:
    host = CountingHost()
    backend = KeyedStateBackend(host, cache_size=4)
    state = backend.create_state("op", ValueStateDescriptor("count", Types.LONG()))
    keys = [0, 1, "a", (2, "b"), None, 3.5, 7, 8]

    assert run_batch(backend, state, keys) == [None] * 8  # first batch: read one by one, then dropped (8 > 4)
    assert (host.single_reads, host.bulk_reads) == (8, 0)

    assert run_batch(backend, state, keys) == [1] * 8
    assert (host.single_reads, host.bulk_reads) == (8, 1)
    assert run_batch(backend, state, keys + [99]) == [2] * 8 + [None]
    assert (host.single_reads, host.bulk_reads) == (8, 2)


def test_a_cache_that_holds_every_key_reads_nothing_more() -> None:
    host = CountingHost()
    backend = KeyedStateBackend(host, cache_size=100)
    state = backend.create_state("op", ValueStateDescriptor("count", Types.LONG()))

    run_batch(backend, state, [1, 2, 3])
    run_batch(backend, state, [1, 2, 3])
    run_batch(backend, state, [1, 2, 3])

    assert (host.single_reads, host.bulk_reads) == (3, 0)  # after the first misses the keys are all cached: nothing to read
