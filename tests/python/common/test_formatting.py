import datetime
from decimal import Decimal

import pytest

from pystream._runtime.formatting import java_double_str, java_float_str, printer_for
from pystream.common import Instant, Row, RowKind, Types


@pytest.mark.parametrize("value, text", [
    (2.5, "2.5"), (2.5e7, "2.5E7"), (1e-5, "1.0E-5"), (1e16, "1.0E16"), (100.0, "100.0"),
    (1e7, "1.0E7"), (9999999.0, "9999999.0"), (0.001, "0.001"), (0.0009, "9.0E-4"),
    (123456789.0, "1.23456789E8"), (-2.5e-7, "-2.5E-7"), (0.0, "0.0"), (-0.0, "-0.0"),
    (163.29999999999998, "163.29999999999998"), (1.0, "1.0"), (3, "3.0"),
    (float("nan"), "NaN"), (float("inf"), "Infinity"), (float("-inf"), "-Infinity"),
    (1.7976931348623157e308, "1.7976931348623157E308"), (5e-324, "4.9E-324"),
])
def test_java_double_to_string(value, text):
    assert java_double_str(value) == text


@pytest.mark.parametrize("value, text", [
    (1.1, "1.1"), (0.1, "0.1"), (2.5e7, "2.5E7"), (1e-5, "1.0E-5"), (100.0, "100.0"),
    (16777217.0, "1.6777216E7"), (3.4028235e38, "3.4028235E38"), (1e39, "Infinity"),
    (1.401298464324817e-45, "1.4E-45"), (2e-40, "2.0E-40"),
])
def test_java_float_to_string(value, text):
    assert java_float_str(value) == text


def test_untyped_records_print_as_python():
    printer = printer_for(None)
    assert printer(("Alice", 110.1)) == "('Alice', 110.1)"
    assert printer(163.29999999999998) == "163.29999999999998"
    assert printer(True) == "True"
    assert printer(1e16) == "1e+16"
    assert printer_for(Types.PICKLED_BYTE_ARRAY())([1, 2]) == "[1, 2]"


def test_tuples_print_like_java_tuple_to_string():
    assert printer_for(Types.TUPLE([Types.STRING(), Types.INT()]))(("a", 1)) == "(a,1)"
    assert printer_for(Types.TUPLE([Types.STRING(), Types.INT()]))(["a", 1]) == "(a,1)"
    assert printer_for(Types.TUPLE([Types.STRING(), Types.INT()]))(("a", None)) == "(a,null)"
    doubles = printer_for(Types.TUPLE([Types.DOUBLE(), Types.DOUBLE(), Types.DOUBLE()]))
    assert doubles((2.5e7, 1e-5, 1e16)) == "(2.5E7,1.0E-5,1.0E16)"
    nested = printer_for(Types.TUPLE([Types.STRING(),
                                      Types.TUPLE([Types.INT(), Types.INT()])]))
    assert nested(("pt", (3, 4))) == "(pt,(3,4))"
    mixed = printer_for(Types.TUPLE([
        Types.BOOLEAN(), Types.PRIMITIVE_ARRAY(Types.INT()),
        Types.BASIC_ARRAY(Types.STRING()), Types.LIST(Types.DOUBLE())]))
    assert mixed((True, [1, 2, 3], ["a", None], [1.0, 2.5e7])) \
        == "(true,[1, 2, 3],[a, null],[1.0, 2.5E7])"


def test_nested_row_inside_a_tuple_uses_java_row_to_string():
    printer = printer_for(Types.TUPLE([Types.STRING(), Types.ROW([Types.STRING(), Types.INT()])]))
    assert printer(("k", Row("a", 1))) == "(k,+I[a, 1])"


def test_maps_print_in_java_hash_map_order():
    printer = printer_for(Types.MAP(Types.STRING(), Types.INT()))
    # Java: "zz".hashCode() lands in bucket 0 of the 4-slot table, "a" in 1, "b" in 2.
    assert printer({"b": 2, "a": 1, "zz": 3}) == "{zz=3, a=1, b=2}"
    assert printer({}) == "{}"
    ints = printer_for(Types.MAP(Types.INT(), Types.DOUBLE()))
    # 17 and 1 share bucket 1 of 4, so they keep their insertion order after 16.
    assert ints({17: 1.0, 1: 2.5e7, 16: 0.5}) == "{16=0.5, 17=1.0, 1=2.5E7}"


def test_rows_print_kind_and_python_str_fields():
    printer = printer_for(Types.ROW([Types.STRING(), Types.INT(), Types.DOUBLE()]))
    assert printer(Row("ann", 3, 1.5)) == "+I[ann,3,1.5]"
    assert printer(("bob", 4, 2)) == "+I[bob,4,2.0]"
    retract = Row("ann", 3, 1.5)
    retract.set_row_kind(RowKind.UPDATE_BEFORE)
    assert printer(retract) == "-U[ann,3,1.5]"
    flags = printer_for(Types.ROW([Types.BOOLEAN(), Types.STRING()]))
    assert flags(Row(True, None)) == "+I[True,None]"


def test_named_rows_are_read_by_the_types_names():
    printer = printer_for(Types.ROW_NAMED(["name", "age"], [Types.STRING(), Types.INT()]))
    assert printer(Row(age=3, name="ann")) == "+I[ann,3]"
    assert printer({"name": "ann", "age": 3}) == "+I[ann,3]"


def test_row_fields_come_back_as_pyflink_decodes_them():
    printer = printer_for(Types.ROW([Types.FLOAT(), Types.ROW([Types.STRING(), Types.INT()]),
                                     Types.TUPLE([Types.INT()]), Types.BASIC_ARRAY(Types.INT())]))
    assert printer(Row(1.1, Row("a", 1), [7], (1, 2))) \
        == "+I[1.100000023841858,Row(f0='a', f1=1),(7,),[1, 2]]"


def test_basic_types_print_as_java_string_value_of():
    assert printer_for(Types.STRING())("hello") == "hello"
    assert printer_for(Types.INT())(42) == "42"
    assert printer_for(Types.LONG())(-7) == "-7"
    assert printer_for(Types.DOUBLE())(1e16) == "1.0E16"
    assert printer_for(Types.DOUBLE())(163.29999999999998) == "163.29999999999998"
    assert printer_for(Types.FLOAT())(1.1) == "1.1"
    assert printer_for(Types.BOOLEAN())(True) == "true"
    assert printer_for(Types.BOOLEAN())(False) == "false"
    assert printer_for(Types.BIG_DEC())(Decimal("1.50")) == "1.50"
    assert printer_for(Types.BIG_INT())(2 ** 70) == str(2 ** 70)
    assert printer_for(Types.CHAR())("x") == "x"


def test_byte_arrays_are_signed_like_java():
    assert printer_for(Types.PRIMITIVE_ARRAY(Types.BYTE()))(bytes([1, 200])) == "[1, -56]"


def test_time_types_print_like_java():
    moment = datetime.datetime(2024, 1, 31, 8, 5, 0)
    assert printer_for(Types.SQL_DATE())(moment.date()) == "2024-01-31"
    assert printer_for(Types.SQL_TIME())(moment.time()) == "08:05:00"
    assert printer_for(Types.SQL_TIMESTAMP())(moment) == "2024-01-31 08:05:00.0"
    assert printer_for(Types.SQL_TIMESTAMP())(moment.replace(microsecond=120000)) \
        == "2024-01-31 08:05:00.12"
    assert printer_for(Types.LOCAL_DATE())(moment.date()) == "2024-01-31"
    assert printer_for(Types.LOCAL_TIME())(moment.time()) == "08:05"
    assert printer_for(Types.LOCAL_TIME())(datetime.time(8, 5, 1, 500)) == "08:05:01.000500"
    assert printer_for(Types.LOCAL_DATE_TIME())(moment.replace(microsecond=1000)) \
        == "2024-01-31T08:05:00.001"
    assert printer_for(Types.INSTANT())(Instant.of_epoch_milli(1500)) == "1970-01-01T00:00:01.500Z"
    assert printer_for(Types.INSTANT())(Instant(0)) == "1970-01-01T00:00:00Z"
