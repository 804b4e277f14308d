"""State TTL on the engine's processing-time clock (the harness's, moved by hand)."""

from pyflink.common import Time, Types
from pyflink.datastream import KeyedProcessFunction
from pyflink.datastream.state import (ListStateDescriptor, MapStateDescriptor, StateTtlConfig,
                                      ValueStateDescriptor)
from pystream.testing import OperatorHarness


def harness_for(ttl: StateTtlConfig) -> OperatorHarness:
    class Remember(KeyedProcessFunction):
        def open(self, ctx):
            value = ValueStateDescriptor("last", Types.INT())
            items = ListStateDescriptor("items", Types.INT())
            entries = MapStateDescriptor("entries", Types.STRING(), Types.INT())
            for descriptor in (value, items, entries):
                descriptor.enable_time_to_live(ttl)
            self.last = ctx.get_state(value)
            self.items = ctx.get_list_state(items)
            self.entries = ctx.get_map_state(entries)

        def process_element(self, value, ctx):
            command, number = value
            if command == "write":
                self.last.update(number)
                self.items.add(number)
                self.entries.put(str(number), number)
            yield self.last.value(), list(self.items.get()), sorted(self.entries.items())

    return OperatorHarness.for_keyed_process(Remember(), key_selector=lambda v: "k").open()


def test_values_expire_after_the_ttl_and_each_list_element_and_map_entry_on_its_own():
    h = harness_for(StateTtlConfig.new_builder(Time.seconds(10)).build())
    h.host.now = 0
    h.process([("write", 1)])
    h.host.now = 6_000
    assert h.process([("write", 2)]) == [(2, [1, 2], [("1", 1), ("2", 2)])]
    h.host.now = 10_000  # element 1 written at 0: expired; 2 written at 6000: alive
    assert h.process([("read", 0)]) == [(2, [2], [("2", 2)])]
    h.host.now = 16_000
    assert h.process([("read", 0)]) == [(None, [], [])]


def test_reads_refresh_the_ttl_with_on_read_and_write():
    h = harness_for(StateTtlConfig.new_builder(Time.seconds(10)).update_ttl_on_read_and_write().build())
    h.host.now = 0
    h.process([("write", 1)])
    h.host.now = 9_000
    assert h.process([("read", 0)])[0][0] == 1
    h.host.now = 18_000  # read at 9000, so alive until 19000
    assert h.process([("read", 0)])[0][0] == 1


def test_expired_values_stay_visible_until_cleaned_up_when_asked():
    h = harness_for(StateTtlConfig.new_builder(Time.seconds(1)).return_expired_if_not_cleaned_up().build())
    h.host.now = 0
    h.process([("write", 7)])
    h.host.now = 5_000
    assert h.process([("read", 0)]) == [(7, [7], [("7", 7)])]
