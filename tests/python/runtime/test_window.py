"""The Python side of a window, driven by actions as the C# window operator sends them."""

from array import array

from pyflink.common import Types
from pyflink.datastream import ProcessWindowFunction, StreamExecutionEnvironment
from pyflink.datastream.state import ValueStateDescriptor
from pyflink.datastream.window import TumblingEventTimeWindows
from pystream._runtime import worker
from pystream._runtime.keycodec import encode_key
from pystream._runtime.window import ADD, CLEAR, FIRE, LATE, MERGE_FROM, MERGE_INTO, PURGE
from pystream.testing import InMemoryHost

TASK = '{"name": "w", "index": 0, "parallelism": 1, "max_parallelism": 128, "attempt": 0}'


def runner_for(build):
    env = StreamExecutionEnvironment.get_execution_environment()
    keyed = env.from_collection([("a", 1)]).key_by(lambda r: r[0]).window(TumblingEventTimeWindows.of(1000))
    build(keyed).print()
    job = worker.load_job(env._take_spec("t").SerializeToString())
    window = next(t for t in job.spec.transformations if t.WhichOneof("body") == "window")
    runner = job.create_window(window.id, TASK, InMemoryHost())
    runner.open()
    return runner


def actions(*steps):
    return array("q", [v for step in steps for v in (*step, 0, 0)]).tobytes()


def stamps(*values):
    return array("q", values).tobytes()


def records_of(output):
    return None if output is None else output[0]


def test_reduce_contents_fire_with_the_window_end_as_timestamp_and_purge():
    runner = runner_for(lambda w: w.reduce(lambda a, b: (a[0], a[1] + b[1])))
    out, late = runner.apply([("a", 1), ("a", 2), ("b", 5)], stamps(10, 20, 30),
                             actions((ADD, 0, 0, 1000), (ADD, 1, 0, 1000), (ADD, 2, 0, 1000), (FIRE, 0, 0, 1000)),
                             None, None, 999)
    assert records_of(out) == [("a", 3)] and late is None
    assert array("q", out[6]).tolist() == [999]
    keys = encode_key("a") + encode_key("b")
    ends = array("q", [len(encode_key("a")), len(keys)]).tobytes()
    out, _ = runner.apply(None, None, actions((PURGE, 0, 0, 1000), (FIRE, 0, 0, 1000), (FIRE, 1, 0, 1000)), keys, ends, 999)
    assert records_of(out) == [("b", 5)]


def test_late_records_go_to_port_one_with_their_timestamps():
    runner = runner_for(lambda w: w.reduce(lambda a, b: a))
    out, late = runner.apply([("a", 1), ("a", 2)], stamps(5, 6), actions((LATE, 1, 0, 0), (LATE, 0, 0, 0)), None, None, 100)
    assert out is None
    assert late[0] == [("a", 2), ("a", 1)] and array("q", late[6]).tolist() == [6, 5]


def test_merged_windows_combine_their_contents_and_clear_calls_the_functions_clear():
    class Collect(ProcessWindowFunction):
        def process(self, key, context, elements):
            state = context.window_state().get_state(ValueStateDescriptor("seen", Types.INT()))
            state.update(len(list(elements)))
            yield key, context.window().start, context.window().end, [e[1] for e in elements], state.value()

        def clear(self, context):
            assert (context.window().start, context.window().end) == (0, 600)
            context.window_state().get_state(ValueStateDescriptor("seen", Types.INT())).clear()

    runner = runner_for(lambda w: w.process(Collect()))
    out, _ = runner.apply(
        [("a", 1), ("a", 2), ("a", 3)], stamps(0, 500, 300),
        actions((ADD, 0, 0, 100), (ADD, 1, 500, 600), (MERGE_INTO, 2, 0, 600), (MERGE_FROM, 2, 0, 100),
                (MERGE_FROM, 2, 500, 600), (ADD, 2, 0, 600), (FIRE, 2, 0, 600), (CLEAR, 2, 0, 600)),
        None, None, 1000)
    assert records_of(out) == [("a", 0, 600, [1, 2, 3], 3)]
    runner.flush()
    window_state = {k: v for k, v in runner.host.state.items() if k.endswith("/window/seen")}
    assert not any(window_state.values())  # set when the window fired, removed again by clear()
    contents = {k: v for k, v in runner.host.state.items() if k.endswith("/contents")}
    assert all(not v for v in contents.values())
