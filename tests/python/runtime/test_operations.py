"""The Python operations through pystream.testing.OperatorHarness: state, timers, side outputs."""

from pyflink.common import Types
from pyflink.datastream import KeyedProcessFunction, MapFunction, OutputTag, ProcessFunction, RuntimeContext
from pyflink.datastream.state import ListStateDescriptor, ValueStateDescriptor
from pystream.testing import OperatorHarness


class Timeout(KeyedProcessFunction):
    """Emits (key, count) when a key has been quiet for 1000 ms."""

    def open(self, ctx: RuntimeContext):
        self.count = ctx.get_state(ValueStateDescriptor("count", Types.INT()))
        self.deadline = ctx.get_state(ValueStateDescriptor("deadline", Types.LONG()))

    def process_element(self, value, ctx):
        self.count.update((self.count.value() or 0) + 1)
        previous = self.deadline.value()
        if previous is not None:
            ctx.timer_service().delete_processing_time_timer(previous)
        deadline = ctx.timer_service().current_processing_time() + 1000
        self.deadline.update(deadline)
        ctx.timer_service().register_processing_time_timer(deadline)
        return []

    def on_timer(self, timestamp, ctx):
        yield ctx.get_current_key(), self.count.value(), timestamp, ctx.time_domain().name
        self.count.clear()
        self.deadline.clear()


def test_processing_time_timers_fire_per_key_in_order_and_deletes_apply():
    h = OperatorHarness.for_keyed_process(Timeout(), key_selector=lambda r: r[0]).open()
    assert h.process([("a", 1), ("b", 1)]) == []
    h.host.now = 500
    assert h.process([("a", 2)]) == []          # moves a's deadline to 1500
    assert h.advance_processing_time(999) == []
    assert h.advance_processing_time(1000) == [("b", 1, 1000, "PROCESSING_TIME")]
    assert h.advance_processing_time(2000) == [("a", 2, 1500, "PROCESSING_TIME")]
    assert h.state("count") == {}                # cleared on fire


def test_value_and_list_state_are_per_key_and_written_back():
    class Collect(MapFunction):
        def open(self, ctx):
            self.items = ctx.get_list_state(ListStateDescriptor("items", Types.INT()))

        def map(self, value):
            self.items.add(value[1])
            return value[0], list(self.items.get())

    h = OperatorHarness.for_map(Collect(), key_selector=lambda r: r[0]).open()
    assert h.process([("a", 1), ("b", 2), ("a", 3)]) == [("a", [1]), ("b", [2]), ("a", [1, 3])]
    assert h.state("items") == {"a": [1, 3], "b": [2]}


def test_state_needs_a_keyed_stream():
    class Stateful(MapFunction):
        def open(self, ctx):
            ctx.get_state(ValueStateDescriptor("v", Types.INT()))

        def map(self, value):
            return value

    try:
        OperatorHarness.for_map(Stateful()).open()
    except RuntimeError as error:
        assert "keyed stream" in str(error)
    else:
        raise AssertionError("state on a non-keyed stream must be refused")


def test_side_outputs_go_to_their_tag_and_undeclared_tags_are_dropped():
    low, high, other = OutputTag("low", Types.INT()), OutputTag("high", Types.INT()), OutputTag("other")

    class Route(ProcessFunction):
        def process_element(self, value, ctx):
            yield (low if value < 5 else high), value
            yield other, value
            yield value * 2

    h = OperatorHarness.for_process(Route(), side_outputs=[low, high]).open()
    assert h.process([1, 7]) == [2, 14]
    assert h.side_output(low) == [1]
    assert h.side_output(high) == [7]


def test_reduce_emits_every_update_in_streaming_and_final_values_in_batch():
    add = lambda a, b: (a[0], a[1] + b[1])  # noqa: E731
    streaming = OperatorHarness.for_reduce(add, key_selector=lambda r: r[0]).open()
    assert streaming.process([("x", 1), ("y", 5), ("x", 2)]) == [("x", 1), ("y", 5), ("x", 3)]
    assert streaming.end_input() == []

    batch = OperatorHarness.for_reduce(add, key_selector=lambda r: r[0], batch_mode=True).open()
    assert batch.process([("x", 1), ("y", 5)]) == []
    assert batch.process([("x", 2)]) == []
    assert batch.end_input() == [("x", 3), ("y", 5)]


def test_batch_reduce_keeps_first_seen_order_when_the_state_cache_overflows():
    # Three keys fit the cache; six do not, so batches write their values back and drop them in between.
    add = lambda a, b: (a[0], a[1] + b[1])  # noqa: E731
    batches = [[("c", 1), ("a", 2), ("c", 3)], [("f", 4), ("b", 5), ("e", 6), ("d", 7)], [("a", 8), ("d", 9), ("g", 10)], [("c", 11)]]
    h = OperatorHarness.for_reduce(add, key_selector=lambda r: r[0], batch_mode=True, state_cache_size=3).open()
    for batch in batches:
        assert h.process(batch) == []
    model: dict = {}
    for key, value in (record for batch in batches for record in batch):
        model[key] = model.get(key, 0) + value
    assert h.end_input() == list(model.items())


def test_timers_on_a_non_keyed_stream_are_refused():
    class Timers(ProcessFunction):
        def process_element(self, value, ctx):
            ctx.timer_service().register_processing_time_timer(5)
            return []

    h = OperatorHarness.for_process(Timers()).open()
    try:
        h.process([1])
    except RuntimeError as error:
        assert "keyed" in str(error)
    else:
        raise AssertionError("timers need a keyed stream")


def test_runtime_context_describes_the_parallel_instance():
    class Describe(MapFunction):
        def open(self, ctx: RuntimeContext):
            self.text = (f"{ctx.get_index_of_this_subtask()}/{ctx.get_number_of_parallel_subtasks()} "
                         f"{ctx.get_job_parameter('mode', 'none')} {ctx.get_job_parameter('x', 'dflt')}")

        def map(self, value):
            return self.text

    h = OperatorHarness(OperatorHarness.for_map(Describe()).operation, subtask=1, parallelism=3,
                        job_parameters={"mode": "fast"}).open()
    assert h.process([0]) == ["1/3 fast dflt"]


def test_event_time_timers_fire_on_the_watermark_with_their_time_as_timestamp():
    from pyflink.datastream import TimeDomain

    class Expire(KeyedProcessFunction):
        def process_element(self, value, ctx):
            ctx.timer_service().register_event_time_timer(ctx.timestamp() + 100)
            yield value, ctx.timestamp(), ctx.timer_service().current_watermark()

        def on_timer(self, timestamp, ctx):
            assert ctx.time_domain() is TimeDomain.EVENT_TIME
            yield "expired", ctx.get_current_key(), ctx.timestamp()

    h = OperatorHarness.for_keyed_process(Expire(), key_selector=lambda r: r).open()
    assert h.process(["a", "b"], timestamps=[1_000, 1_050]) == [("a", 1_000, -2**63), ("b", 1_050, -2**63)]
    assert h.last_timestamps == [1_000, 1_050]
    assert h.advance_watermark(1_099) == []
    assert h.advance_watermark(1_100) == [("expired", "a", 1_100)]
    assert h.last_timestamps == [1_100]
    assert h.advance_watermark(2_000) == [("expired", "b", 1_150)]


def test_records_without_timestamps_have_none():
    class Show(ProcessFunction):
        def process_element(self, value, ctx):
            yield ctx.timestamp()

    assert OperatorHarness.for_process(Show()).open().process([1]) == [None]


def test_metrics_count_inside_a_function():
    class Counted(MapFunction):
        def open(self, ctx):
            self.seen = ctx.get_metrics_group().add_group("pystream").counter("seen")

        def map(self, value):
            self.seen.inc()
            return self.seen.get_count()

    assert OperatorHarness.for_map(Counted()).open().process(["a", "b", "c"]) == [1, 2, 3]
