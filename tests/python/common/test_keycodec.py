import datetime
import json
import os
import subprocess
import sys
from array import array
from collections import namedtuple
from decimal import Decimal
from enum import IntEnum
from pathlib import Path

import pytest

from pystream._runtime.keycodec import decode_key, encode_key, encode_keys
from pystream.common import Row, RowKind

PYTHON_DIR = Path(__file__).resolve().parents[3] / "python"

ROUND_TRIP_KEYS = [
    None, True, False, 0, 1, -1, 2 ** 63 - 1, -2 ** 63, 2 ** 63, -2 ** 63 - 1, 10 ** 40,
    -(10 ** 40), 0.0, 1.5, -2.5e-300, float("inf"), "", "alice", "héllo ✓ 😀", "\ud800",
    b"", b"\x00\xff", (), ("a", 1), ("a", (1, (2.5, None))), [1, "x", [2]], Row(1, "a"),
    Row(name="ann", age=3), (Row(k=("x", 1)), [Row()]),
    datetime.date(2024, 1, 31), datetime.time(8, 5, 1, 7),
    datetime.datetime(2024, 1, 31, 8, 5, 1, 7),
    datetime.datetime(2024, 1, 31, 8, 5, tzinfo=datetime.timezone.utc),
    datetime.timedelta(days=-3, seconds=5, microseconds=9), Decimal("123.4500"),
    Decimal("-0"), Decimal("1E+3"),
]


@pytest.mark.parametrize("key", ROUND_TRIP_KEYS, ids=repr)
def test_round_trip(key):
    decoded = decode_key(encode_key(key))
    assert decoded == key
    assert type(decoded) is type(key)
    if isinstance(key, Row):
        assert decoded._names == key._names


def test_known_encodings_are_the_documented_contract():
    assert encode_key(None) == b"\x00"
    assert encode_key(False) == b"\x01" and encode_key(True) == b"\x02"
    assert encode_key(1) == b"\x03" + (1).to_bytes(8, "big")
    assert encode_key(-1) == b"\x03" + b"\xff" * 8
    assert encode_key(2 ** 63) == b"\x04\x00\x80" + b"\x00" * 7
    assert encode_key(1.5) == b"\x05\x3f\xf8" + b"\x00" * 6
    assert encode_key("ab") == b"\x06ab"
    assert encode_key(b"ab") == b"\x07ab"
    assert encode_key(("a", 1)) == (b"\x10" + b"\x00\x00\x00\x02\x06a"
                                    + b"\x00\x00\x00\x09\x03" + (1).to_bytes(8, "big"))
    assert encode_key(["a"]) == b"\x11\x00\x00\x00\x02\x06a"
    assert encode_key(Row("a")) == b"\x12\x00\x00\x00\x02\x06a"
    assert encode_key(Row(k="a")) == b"\x13\x00\x00\x00\x01k\x00\x00\x00\x02\x06a"
    assert encode_key(datetime.date(2024, 1, 31)) == b"\x202024-01-31"
    assert encode_key(Decimal("1.50")) == b"\x251.5"


def test_equal_values_of_one_type_give_equal_bytes():
    assert encode_key(-0.0) == encode_key(0.0)
    assert encode_key(float("nan")) == encode_key(-float("nan"))
    assert encode_key(Decimal("1.0")) == encode_key(Decimal("1.00")) == encode_key(Decimal(1))
    assert encode_key(Decimal("-0.00")) == encode_key(Decimal("0"))
    assert encode_key(b"ab") == encode_key(bytearray(b"ab"))
    paris = datetime.timezone(datetime.timedelta(hours=1))
    assert encode_key(datetime.datetime(2024, 1, 1, 13, tzinfo=paris)) \
        == encode_key(datetime.datetime(2024, 1, 1, 12, tzinfo=datetime.timezone.utc))


def test_types_are_part_of_the_key():
    # 1 == 1.0 == True in Python, but they are distinct keys, as in PyFlink.
    assert len({encode_key(1), encode_key(1.0), encode_key(True), encode_key(Decimal(1))}) == 4
    assert encode_key((1, 2)) != encode_key([1, 2])
    assert encode_key("1") != encode_key(b"1")


def test_row_kind_is_not_part_of_the_key():
    deleted = Row(1, "a")
    deleted.set_row_kind(RowKind.DELETE)
    assert encode_key(deleted) == encode_key(Row(1, "a"))


def test_nesting_is_unambiguous():
    assert encode_key(("ab", "c")) != encode_key(("a", "bc"))
    assert encode_key((("a",), "b")) != encode_key(("a", ("b",)))
    assert encode_key(("",)) != encode_key(())


def test_subclasses_encode_as_their_base_type():
    Point = namedtuple("Point", "x y")

    class Color(IntEnum):
        RED = 1

    class Index:
        def __index__(self):
            return 7

    assert encode_key(Point(1, 2)) == encode_key((1, 2))
    assert encode_key(Color.RED) == encode_key(1)
    assert encode_key(Index()) == encode_key(7)


@pytest.mark.parametrize("bad", [{"a": 1}, {1, 2}, frozenset(), object(), ("ok", {"no": 1})],
                         ids=lambda v: type(v).__name__)
def test_unsupported_keys_raise_type_error_naming_the_type(bad):
    with pytest.raises(TypeError) as error:
        encode_key(bad)
    message = str(error.value)
    inner = bad[1] if isinstance(bad, tuple) else bad
    assert type(inner).__name__ in message
    assert "basic types" in message and "tuples" in message and "Rows" in message


def test_unsupported_keys_raise_in_batches_too():
    with pytest.raises(TypeError):
        encode_keys(["a", {"b"}])


def test_bad_bytes_are_rejected_on_decode():
    with pytest.raises(ValueError):
        decode_key(b"")
    with pytest.raises(ValueError):
        decode_key(b"\x7f")
    with pytest.raises(ValueError):
        decode_key(b"\x10\x00\x00\x00\x09\x06a")


def _split(blob, ends):
    starts = [0] + list(ends[:-1])
    return [blob[s:e] for s, e in zip(starts, ends)]


@pytest.mark.parametrize("keys", [
    [], ["a", "héllo", "", "z" * 300], [0, 1, -1, 2 ** 63 - 1, -2 ** 63, 42],
    [1, 2 ** 64, 3], ["a", "\udc00", "b"], ["a", 1, None, ("x", 2), 2.5, Row(k=1)],
], ids=["empty", "str", "int", "big-int", "surrogate", "mixed"])
def test_batch_matches_single_encodings(keys):
    blob, ends = encode_keys(keys)
    assert isinstance(blob, bytes) and isinstance(ends, array) and ends.typecode == "q"
    assert len(ends) == len(keys)
    assert _split(blob, ends) == [encode_key(k) for k in keys]
    assert [decode_key(part) for part in _split(blob, ends)] == keys


def test_batch_str_and_int_fast_paths_on_large_batches():
    words = ["w%d" % (i % 977) for i in range(20_000)]
    blob, ends = encode_keys(words)
    assert ends[-1] == len(blob)
    assert _split(blob, ends)[::1999] == [encode_key(w) for w in words[::1999]]
    numbers = [(i * 7919) - 10**12 for i in range(20_000)]
    blob, ends = encode_keys(numbers)
    assert len(blob) == 9 * len(numbers) and list(ends[:3]) == [9, 18, 27]
    assert _split(blob, ends)[::1999] == [encode_key(n) for n in numbers[::1999]]


_SUBPROCESS_SCRIPT = """
import json, sys
from pystream._runtime.keycodec import encode_key, encode_keys
from pystream.common import Row
keys = [None, True, 7, -2**70, 1.25, "alice", b"x", ("a", 1), ["b"], Row(1, "a"), Row(k="v")]
blob, ends = encode_keys(["alice", "bob"])
print(json.dumps({"single": [encode_key(k).hex() for k in keys], "batch": blob.hex(),
                  "ends": list(ends)}))
"""


def _run_with_hash_seed(seed):
    env = dict(os.environ, PYTHONHASHSEED=str(seed), PYTHONPATH=str(PYTHON_DIR))
    out = subprocess.run([sys.executable, "-c", _SUBPROCESS_SCRIPT], env=env, check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out)


def test_encoding_does_not_depend_on_the_hash_seed():
    first, second = _run_with_hash_seed(1), _run_with_hash_seed(2)
    assert first == second
    keys = [None, True, 7, -2 ** 70, 1.25, "alice", b"x", ("a", 1), ["b"], Row(1, "a"), Row(k="v")]
    assert first["single"] == [encode_key(k).hex() for k in keys]
