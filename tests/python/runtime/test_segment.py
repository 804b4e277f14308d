"""Segments as the engine drives them: fused operations, exits in each format, batch moves."""

import base64
import json
import pickle
import random
import threading
from array import array

from pyflink.common import Types
from pyflink.datastream import StreamExecutionEnvironment
from pystream._runtime import worker
from pystream._runtime.context import LONG_MIN
from pystream._runtime.keycodec import encode_key
from pystream.testing import InMemoryHost


def job_of(env: StreamExecutionEnvironment) -> worker.JobRuntime:
    return worker.load_job(env._take_spec("test").SerializeToString())


def describe(operations, exits, entries=1):
    return json.dumps({
        "operations": operations,
        "entries": entries,
        "exits": exits,
        "task": {"name": "t", "index": 0, "parallelism": 1, "max_parallelism": 128, "attempt": 0},
    })


def exit_(source, port, fmt, consumer, keying="none", function=b""):
    return {"from": [source, port], "format": fmt, "keying": keying, "consumer": consumer,
            "function": base64.b64encode(function).decode()}


def test_fused_chain_prints_with_the_sinks_type():
    env = StreamExecutionEnvironment.get_execution_environment()
    ds = env.from_collection([1, 2, 3])
    ds.map(lambda x: (str(x), x * 1.5), Types.TUPLE([Types.STRING(), Types.DOUBLE()])).filter(lambda t: t[1] > 2).print()
    job = job_of(env)
    ids = [t.id for t in job.spec.transformations]  # source, map, filter, print
    segment = job.create_segment(describe(
        [{"id": ids[1], "inputs": [[-1, 0, 0]]}, {"id": ids[2], "inputs": [[0, 0, 0]]}],
        [exit_(1, 0, "printed", ids[3])]), InMemoryHost())
    segment.open()
    assert segment.process_range(0, 1, 3, 1) == [("(2,3.0)\n(3,4.5)", 2, None, None, None, None, None, None)]


def test_printed_records_holding_newlines_say_where_they_end():
    env = StreamExecutionEnvironment.get_execution_environment()
    env.from_collection(["a\nb", "c"]).print()
    job = job_of(env)
    sink_id = job.spec.transformations[1].id
    segment = job.create_segment(describe([], [exit_(-1, 0, "printed", sink_id)]), InMemoryHost())
    text, count, _, _, _, ends, _, _ = segment.process(0, ["a\nb", "c"])[0]
    stops = array("q")
    stops.frombytes(ends)
    assert (text, count, list(stops)) == ("a\nb\nc", 2, [3, 5])


def test_keyed_exit_attaches_canonical_key_bytes():
    env = StreamExecutionEnvironment.get_execution_environment()
    keyed = env.from_collection(["a", "bb"]).key_by(len)
    keyed.reduce(lambda a, b: a).print()
    job = job_of(env)
    source_id, reduce_id = job.spec.transformations[0].id, job.spec.transformations[1].id
    edge = job.spec.transformations[1].inputs[0]
    segment = job.create_segment(describe([], [exit_(-1, 0, "records", reduce_id, "keyselector", edge.function)]), InMemoryHost())
    records, count, keys, ends, partitions, _, _, _ = segment.process(0, ["a", "bb", "c"])[0]
    assert (records, count, partitions) == (["a", "bb", "c"], 3, None)
    stops = array("q")
    stops.frombytes(ends)
    assert keys == encode_key(1) + encode_key(2) + encode_key(1)
    assert list(stops) == [9, 18, 27]


def test_custom_partitioner_exit_and_pickled_exit():
    env = StreamExecutionEnvironment.get_execution_environment()
    ds = env.from_collection([5, 6, 7]).partition_custom(lambda key, n: key % n, lambda x: x)
    ds.print()
    job = job_of(env)
    sink = job.spec.transformations[-1]
    segment = job.create_segment(describe([], [exit_(-1, 0, "pickled", sink.id, "partitioner", sink.inputs[0].function)]), InMemoryHost())
    payload, count, keys, ends, partitions, _, _, _ = segment.process(0, [5, 6, 7])[0]
    assert pickle.loads(payload) == [5, 6, 7] and count == 3 and keys is None
    indexes = array("i")
    indexes.frombytes(partitions)
    assert list(indexes) == [0, 0, 0]  # the print sink has parallelism 1: every key % 1 == 0


def test_text_and_range_entries_become_python_records():
    env = StreamExecutionEnvironment.get_execution_environment()
    env.from_collection([0]).map(lambda x: x).print()
    job = job_of(env)
    map_id, sink_id = job.spec.transformations[1].id, job.spec.transformations[2].id
    segment = job.create_segment(describe([{"id": map_id, "inputs": [[-1, 0, 0]]}], [exit_(0, 0, "records", sink_id)]), InMemoryHost())
    segment.open()
    assert segment.process_text(0, "a\n\nb", 3)[0][0] == ["a", "", "b"]
    assert segment.process_text(0, "", 1)[0][0] == [""]
    # Records holding newlines come with their ends, in code points (the engine counts them so).
    ends = array("q", [7, 11, 17]).tobytes()
    assert segment.process_text(0, "😀 one\n{\ntwo\nx\n😀\ny", 3, None, LONG_MIN, ends)[0][0] == ["😀 one\n{", "two", "x\n😀\ny"]
    assert segment.process_range(0, 10, 3, 5)[0][0] == [10, 15, 20]


def test_split_round_robin_and_share():
    targets = array("i", [1, 0, 1, 1]).tobytes()
    assert worker.split(["a", "b", "c", "d"], targets, 3) == [["b"], ["a", "c", "d"], None]
    assert worker.round_robin([0, 1, 2, 3, 4], 1, 3) == [[2], [0, 3], [1, 4]]
    records = [1]
    assert worker.share(records) is records


def test_split_by_masks_and_by_loop_agree_with_a_plain_model():
    # Up to 8 parts the split picks parts out by byte masks; beyond, it loops: both against a dict of lists.
    chooser = random.Random(16)
    records = [(i, str(i)) for i in range(500)]
    for count in (1, 2, 3, 8, 9, 40):
        targets = [chooser.randrange(count) for _ in records]
        model: dict[int, list] = {}
        for record, target in zip(records, targets):
            model.setdefault(target, []).append(record)
        expected = [model.get(part) for part in range(count)]
        assert worker.split(records, array("i", targets).tobytes(), count) == expected, count


def test_split_pickled_pickles_each_part_or_gives_them_all_as_objects():
    records = [(i % 7, str(i)) for i in range(300)]
    targets = [i % 7 % 3 for i in range(300)]
    parts = worker.split_pickled(records, array("i", targets).tobytes(), 4)
    assert [None if part is None else worker.unpickle_batch(part) for part in parts] == [
        [r for r, t in zip(records, targets) if t == part] or None for part in range(4)]
    lock = threading.Lock()  # plain pickle refuses it: every part crosses as objects, the very lock in each
    parts = worker.split_pickled([(1, lock), (2, lock)], array("i", [1, 0]).tobytes(), 2)
    assert parts == [[(2, lock)], [(1, lock)]] and parts[0][0][1] is lock


def test_pickled_batches_without_the_memo_and_the_batches_that_need_it():
    shared = {"a": [1, 2]}
    records = [(1, "x", 2.5, None, True), shared, shared, b"\x00", 10**30]
    back = worker.unpickle_batch(worker.pickle_batch(records))
    assert back == records
    assert back[1] is not back[2]  # as in Flink, records share no objects once they crossed a channel
    cycle: list = [1]
    cycle.append(cycle)
    back = worker.unpickle_batch(worker.pickle_batch([cycle, (3, 4)]))
    assert back[0][1] is back[0] and back[1] == (3, 4)


def test_user_errors_name_the_operation():
    env = StreamExecutionEnvironment.get_execution_environment()
    env.from_collection([0]).map(lambda x: 1 // x).name("Divide").print()
    job = job_of(env)
    map_id, sink_id = job.spec.transformations[1].id, job.spec.transformations[2].id
    segment = job.create_segment(describe([{"id": map_id, "inputs": [[-1, 0, 0]]}], [exit_(0, 0, "records", sink_id)]), InMemoryHost())
    segment.open()
    try:
        segment.process(0, [0])
    except ZeroDivisionError as error:
        from pystream._runtime.errors import describe_user_error
        name, text = describe_user_error(type(error), error, error.__traceback__)
        assert name == "Divide"
        assert text.splitlines()[0] == "Traceback (most recent call last):"
        assert "test_segment.py" in text.splitlines()[1]
        assert text.splitlines()[-1] == "ZeroDivisionError: integer division or modulo by zero"
    else:
        raise AssertionError("the map must raise")


def test_a_subscript_key_selector_keys_records_as_the_lambda_does_and_its_errors_name_the_users_line():
    import cloudpickle

    from pystream._runtime.keycodec import encode_keys

    env = StreamExecutionEnvironment.get_execution_environment()
    env.from_collection([(1, "a")]).key_by(lambda r: r[0]).map(lambda r: r).print()
    job = job_of(env)
    consumer = job.spec.transformations[-2].id
    selector = cloudpickle.dumps(lambda r: r[0])
    segment = job.create_segment(describe([], [exit_(-1, 0, "records", consumer, "keyselector", selector)]), InMemoryHost())
    records = [(7, "a"), ("k", "b"), ((1, 2), "c")]
    _, count, keys, ends, *_ = segment.process(0, records)[0]
    blob, expected_ends = encode_keys([7, "k", (1, 2)])
    assert (count, keys, ends) == (3, blob, expected_ends.tobytes())
    try:
        segment.process(0, [(7, "a"), ()])
    except IndexError as error:
        from pystream._runtime.errors import describe_user_error
        _, text = describe_user_error(type(error), error, error.__traceback__)
        lines = text.splitlines()
        # The selector's own frame, as without the fast getter.
        assert any("test_segment.py" in line and "in <lambda>" in line for line in lines), text
        assert text.splitlines()[-1] == "IndexError: tuple index out of range"
    else:
        raise AssertionError("the key selector must raise")


def test_a_file_sinks_simple_string_encoder_writes_typed_records_as_java_does():
    from pyflink.common import Encoder
    from pyflink.datastream.connectors.file_system import FileSink
    env = StreamExecutionEnvironment.get_execution_environment()
    env.from_collection([("to", 2)]).map(lambda t: t, Types.TUPLE([Types.STRING(), Types.INT()])) \
       .sink_to(FileSink.for_row_format("/tmp/unused", Encoder.simple_string_encoder()).build())
    job = job_of(env)
    sink_id = job.spec.transformations[-1].id
    segment = job.create_segment(describe([], [exit_(-1, 0, "encoded", sink_id)]), InMemoryHost())
    assert segment.process(0, [("to", 2), ("be", 1)])[0][0] == b"(to,2)\n(be,1)\n"


def test_an_endless_generator_streams_in_paused_calls_of_a_bounded_size():
    import itertools

    from pystream._runtime.context import Pace

    env = StreamExecutionEnvironment.get_execution_environment()
    ds = env.from_collection([1, 2])
    ds.flat_map(lambda n: (n * 1_000_000 + i for i in itertools.count()), Types.LONG()).map(lambda x: x + 1, Types.LONG()).print()
    job = job_of(env)
    ids = [t.id for t in job.spec.transformations]  # source, flat_map, map, print
    segment = job.create_segment(describe(
        [{"id": ids[1], "inputs": [[-1, 0, 0]]}, {"id": ids[2], "inputs": [[0, 0, 0]]}],
        [exit_(1, 0, "pickled", ids[3])]), InMemoryHost())
    segment.open()

    first = segment.process(0, [1, 2])
    assert len(first) == 2 and first[1] is True  # the exit's output, then "paused"
    payload, count = first[0][:2]
    assert count == Pace.RECORDS
    assert pickle.loads(payload) == [1_000_001 + i for i in range(Pace.RECORDS)]
    second = segment.resume()  # the same generator goes on where it stopped
    assert second[1] is True
    assert pickle.loads(second[0][0])[:3] == [1_000_001 + Pace.RECORDS + i for i in range(3)]


def test_a_finite_generator_ends_its_call_unpaused_and_a_resume_without_a_pause_is_refused():
    import pytest

    env = StreamExecutionEnvironment.get_execution_environment()
    ds = env.from_collection([3])
    ds.flat_map(lambda n: (i for i in range(n)), Types.LONG()).print()
    job = job_of(env)
    ids = [t.id for t in job.spec.transformations]
    segment = job.create_segment(describe([{"id": ids[1], "inputs": [[-1, 0, 0]]}], [exit_(0, 0, "pickled", ids[2])]), InMemoryHost())
    segment.open()
    outputs = segment.process(0, [3, 2])
    assert len(outputs) == 1 and pickle.loads(outputs[0][0]) == [0, 1, 2, 0, 1]
    with pytest.raises(RuntimeError, match="nothing to resume"):
        segment.resume()


def typed_segment(build):
    """A segment of the one Python operation ``build(env)`` adds, reading every entry, feeding a sink."""
    env = StreamExecutionEnvironment.get_execution_environment()
    build(env).print()
    job = job_of(env)
    operation = next(t for t in job.spec.transformations if t.WhichOneof("body") == "python")
    entries = len(operation.inputs)
    segment = job.create_segment(describe(
        [{"id": operation.id, "inputs": [[-1, i, i] for i in range(entries)]}],
        [exit_(0, 0, "records", job.spec.transformations[-1].id)], entries), InMemoryHost())
    segment.open()
    return segment


def misfit_of(call):
    from pystream._runtime.errors import describe_user_error
    try:
        call()
    except TypeError as error:
        return describe_user_error(type(error), error, error.__traceback__)
    raise AssertionError("the batch must fail")


def test_a_result_that_does_not_fit_the_output_type_fails_at_its_function():
    segment = typed_segment(lambda env: env.from_collection([1, 2]).map(
        lambda x: "abc" if x == 2 else x, output_type=Types.INT()).name("Parse"))
    assert segment.process(0, [1, 1])[0][:2] == ([1, 1], 2)  # records that fit pass unchanged
    name, text = misfit_of(lambda: segment.process(0, [1, 2]))
    assert name == "Parse"
    lines = text.splitlines()
    at = lines.index("TypeError: Parse returned 'abc' (str), which does not fit its output_type Integer: "
                     "needs an int from -2147483648 to 2147483647")
    assert lines[at + 1].startswith(f'  File "{__file__}", line ')
    assert lines[at + 2] == '    lambda x: "abc" if x == 2 else x, output_type=Types.INT()).name("Parse"))'
    assert "output_types.py" not in text  # PyStream's own frames stay hidden


def test_flat_map_and_process_results_are_checked_too():
    segment = typed_segment(lambda env: env.from_collection([1]).flat_map(
        lambda x: [(str(x), x), (str(x),)], output_type=Types.TUPLE([Types.STRING(), Types.INT()])))
    _, text = misfit_of(lambda: segment.process(0, [7]))
    assert "FlatMap returned ('7',) (tuple), which does not fit its output_type TupleTypeInfo(String, Integer): " \
           "needs a tuple of 2 fields (it has 1)" in text


def test_the_second_input_of_a_co_map_is_located_at_map2():
    from pyflink.datastream.functions import CoMapFunction

    class Both(CoMapFunction):
        def map1(self, value):
            return value

        def map2(self, value):
            return str(value)

    segment = typed_segment(lambda env: env.from_collection([1]).connect(env.from_collection([2])).map(
        Both(), output_type=Types.LONG()))
    assert segment.process(0, [1])[0][:2] == ([1], 1)
    _, text = misfit_of(lambda: segment.process(1, [2]))
    assert "returned '2' (str), which does not fit its output_type Long" in text
    assert ", in map2" in text


def test_untyped_results_are_not_checked():
    segment = typed_segment(lambda env: env.from_collection([1]).map(lambda x: object() if x else x))
    assert segment.process(0, [0])[0][:2] == ([0], 1)
    assert type(segment.process(0, [1])[0][0][0]) is object
