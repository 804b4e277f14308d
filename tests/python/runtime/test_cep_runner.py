"""The Python side of a pattern stream: matches made from the flat layout, and conditions tested only where asked."""

from array import array

from pystream._runtime.cep import CepRunner


def _runner(*conditions) -> CepRunner:
    """A runner with only what preparing events and making items read (the rest comes from a job's protobuf)."""
    runner = CepRunner.__new__(CepRunner)
    runner._name = "cep"
    runner._first, runner._recent, runner._kept, runner._builders = 0, [], {}, {}
    runner._simple_calls = list(conditions)
    return runner


def _layout(*items: list[tuple[int, int]]) -> bytes:
    """Per item: the number of stages, then per stage its name's index and its number of events."""
    return array("i", [n for item in items for n in (len(item), *(x for stage in item for x in stage))]).tobytes()


def test_items_of_one_shape_and_of_mixed_shapes_are_the_stages_events():
    runner = _runner()
    names = ["a", "b", "c"]
    same = list(runner._items(_layout([(0, 1), (1, 2)], [(0, 1), (1, 2)]), names, ["a1", "b1", "b2", "a2", "b3", "b4"], 2))
    assert same == [{"a": ["a1"], "b": ["b1", "b2"]}, {"a": ["a2"], "b": ["b3", "b4"]}]
    assert list(same[0]) == ["a", "b"]  # stages in the order of their first event
    mixed = list(runner._items(_layout([(2, 1), (0, 1)], [(0, 2)], []), names, ["c1", "a1", "a2", "a3"], 3))
    assert mixed == [{"c": ["c1"], "a": ["a1"]}, {"a": ["a2", "a3"]}, {}]
    assert list(mixed[0]) == ["c", "a"]
    # Each item has lists of its own: a function that changes one changes no other.
    same[0]["b"].append("x")
    assert same[1]["b"] == ["b3", "b4"]


def test_a_shape_of_more_events_than_a_made_function_takes_is_read_one_by_one():
    runner = _runner()
    events = [f"a{i}" for i in range(80)]
    assert list(runner._items(_layout([(0, 40)], [(0, 40)]), ["a"], events, 2)) == [{"a": events[:40]}, {"a": events[40:]}]
    assert runner._builders == {}


def test_conditions_are_tested_on_every_event_or_only_on_those_asked_for():
    calls = []

    def small(value):
        calls.append(value)
        return value < 3

    runner = _runner(small, lambda value: value % 2 == 0)
    tested, late = runner._prepare([1, 2, 3, 4], 0, None, None, None)
    assert tested == bytes([1, 1, 0, 0, 0, 1, 0, 1]) and late == [None]
    calls.clear()
    # The first condition only for the events at 1 and 3, the second for all.
    tested, _ = runner._prepare([5, 2, 6, 1], 4, None, None, [array("i", [1, 3]).tobytes(), None])
    assert tested == bytes([1, 1, 0, 1, 1, 0])
    assert calls == [2, 1]
    assert runner.events(array("q", [0, 5, 7]).tobytes()) == [1, 2, 1]
