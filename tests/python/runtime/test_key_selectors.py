"""Key selectors of the form ``lambda r: r[constant]`` run as an ``itemgetter``; every other one as it is."""

from operator import itemgetter

from pystream._runtime.key_selectors import fast_key_of
from pystream.common import Row

INDEX = 0


def first(record):
    return record[1]


def test_subscripts_by_a_constant_become_getters_that_give_the_same_keys():
    records = [(7, "a", 2.5), [8, "b", 0.0], Row(9, "c", 1.0)]
    for selector in (lambda r: r[0], lambda pair: pair[2], first, lambda r: r[-1]):
        fast = fast_key_of(selector)
        assert type(fast) is itemgetter
        assert [fast(r) for r in records] == [selector(r) for r in records]
    by_name = fast_key_of(lambda r: r["id"])
    assert type(by_name) is itemgetter and by_name({"id": 3}) == 3


def test_every_other_selector_is_kept():
    offset = 1
    kept = [
        lambda r: r[INDEX],  # a global may change
        lambda r: r[offset],  # a closure
        lambda r, other=0: r[0],
        lambda *r: r[0],
        lambda r: r[0] % 10,
        lambda r: r,
        lambda r: r.key,
        len,
        itemgetter(0),
    ]
    for selector in kept:
        assert fast_key_of(selector) is selector


def test_a_getter_raises_what_the_selector_raises():
    fast = fast_key_of(lambda r: r[5])
    for call in (fast, lambda r: r[5]):
        try:
            call((1, 2))
        except IndexError as error:
            assert str(error) == "tuple index out of range"
        else:
            raise AssertionError("no IndexError")
