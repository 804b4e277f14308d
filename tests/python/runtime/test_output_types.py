"""A function's results are checked against its declared output_type, by PyFlink's coder rules,
once per batch; a misfit is reported at that function, naming the record, both types, and
where the function is defined."""

import pytest

from pyflink.common import Row, Types
from pystream._runtime.output_types import check_outputs, output_check_for

TUPLE = Types.TUPLE([Types.STRING(), Types.INT()])
ROW = Types.ROW([Types.STRING(), Types.INT()])


def make_pair(x):  # the function reported below: its line is found by this marker
    return x


def check(type_info, records):
    check_outputs(output_check_for(type_info), records, type_info, "Map", make_pair)


@pytest.mark.parametrize("type_info, records", [
    (Types.BYTE(), [-128, 127]),
    (Types.SHORT(), [-2**15, 2**15 - 1]),
    (Types.INT(), [-2**31, 2**31 - 1, True]),  # a bool is an int, as for PyFlink's coders
    (Types.LONG(), [-2**63, 2**63 - 1]),
    (Types.DOUBLE(), [1, 2.5, -0.0]),  # ints are fine where a float is declared, as in PyFlink
    (Types.FLOAT(), [3, 1.5]),
    (Types.STRING(), ["a", ""]),
    (Types.BOOLEAN(), [True, False, 1, 0]),  # PyFlink's coder writes a byte: small ints pass
    (TUPLE, [("a", 1), ["b", 2]]),
    (ROW, [Row("a", 1), Row("b", None), ("c", 3)]),  # a Row's fields may be null
    (Types.TUPLE([Types.STRING(), TUPLE]), [("a", ("b", 1))]),
    (TUPLE, []),
])
def test_results_that_fit_pass(type_info, records):
    check(type_info, records)


@pytest.mark.parametrize("type_info, records, bad, reason", [
    (Types.INT(), [1, "abc", 3], "'abc' (str)", "needs an int from -2147483648 to 2147483647"),
    (Types.INT(), [1, 2**31], "2147483648 (int)", "needs an int from -2147483648 to 2147483647"),
    (Types.BYTE(), [128], "128 (int)", "needs an int from -128 to 127"),
    (Types.LONG(), [1.5], "1.5 (float)", "needs an int from"),
    (Types.DOUBLE(), [1.0, "2.0"], "'2.0' (str)", "needs a float or an int"),
    (Types.DOUBLE(), [None], "None (NoneType)", "needs a float or an int"),
    (Types.STRING(), ["a", 3], "3 (int)", "needs a str"),
    (Types.BOOLEAN(), [True, "yes"], "'yes' (str)", "needs a bool (or an int from 0 to 255)"),
    (Types.BOOLEAN(), [256], "256 (int)", "needs a bool (or an int from 0 to 255)"),
    (TUPLE, [("a", 1), ("b", 2, 3)], "('b', 2, 3) (tuple)", "needs a tuple of 2 fields (it has 3)"),
    (TUPLE, [("a", 1), ("b",)], "('b',) (tuple)", "needs a tuple of 2 fields (it has 1)"),
    (TUPLE, ["ab"], "'ab' (str)", "needs a tuple of 2 fields"),
    (TUPLE, [("a", 1), ("b", "x")], "('b', 'x') (tuple)",
     "field 1 (Integer) needs an int from -2147483648 to 2147483647, got 'x' (str)"),
    (TUPLE, [("a", None)], "('a', None) (tuple)", "field 1 (Integer) needs an int"),  # tuple fields are not nullable
    (ROW, [Row("a", 1), Row("b", 1.5)], "<Row('b', 1.5)> (Row)", "field 1 (Integer) needs an int"),
    (ROW, [Row("a", 1, 2)], "<Row('a', 1, 2)> (Row)", "needs a Row of 2 fields (it has 3)"),
    (Types.TUPLE([Types.STRING(), TUPLE]), [("a", ("b", 1)), ("c", ("d", "e"))], "('c', ('d', 'e')) (tuple)",
     "field 1.1 (Integer) needs an int"),
])
def test_the_first_misfit_is_named_with_both_types_and_the_function(type_info, records, bad, reason):
    with pytest.raises(TypeError) as raised:
        check(type_info, records)
    message = str(raised.value)
    first, *location = message.splitlines()
    assert first.startswith(f"Map returned {bad}, which does not fit its output_type {type_info!r}: {reason}")
    lines = open(__file__, encoding="utf-8").read().splitlines()
    line = next(i for i, text in enumerate(lines, 1) if "def make_pair(x):  # the function reported" in text)
    assert location == [f'  File "{__file__}", line {line}, in make_pair', f"    {lines[line - 1].strip()}"]


def test_a_function_object_is_located_by_its_method():
    class Doubler:
        def __call__(self, x):
            return x

    doubler = Doubler()
    with pytest.raises(TypeError, match=r'File ".*test_output_types.py", line \d+, in __call__'):
        check_outputs(output_check_for(Types.INT()), ["x"], Types.INT(), "Map", doubler)


def test_untyped_and_uncovered_types_have_no_check():
    assert output_check_for(None) is None
    assert output_check_for(Types.PICKLED_BYTE_ARRAY()) is None
    assert output_check_for(Types.MAP(Types.STRING(), Types.INT())) is None
