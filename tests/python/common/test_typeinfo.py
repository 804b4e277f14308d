import pickle

import cloudpickle
import pytest

from pystream.common import Types, TypeInformation
from pystream.common.typeinfo import (
    BasicArrayTypeInfo, BasicType, BasicTypeInfo, InstantTypeInfo, ListTypeInfo,
    MapTypeInfo, ObjectArrayTypeInfo, PickledBytesTypeInfo, PrimitiveArrayTypeInfo,
    RowTypeInfo, TupleTypeInfo)

ALL_TYPES = [
    Types.STRING(), Types.BYTE(), Types.BOOLEAN(), Types.SHORT(), Types.INT(), Types.LONG(),
    Types.FLOAT(), Types.DOUBLE(), Types.CHAR(), Types.BIG_INT(), Types.BIG_DEC(),
    Types.INSTANT(), Types.SQL_DATE(), Types.SQL_TIME(), Types.SQL_TIMESTAMP(),
    Types.LOCAL_DATE(), Types.LOCAL_TIME(), Types.LOCAL_DATE_TIME(), Types.PICKLED_BYTE_ARRAY(),
    Types.PRIMITIVE_ARRAY(Types.INT()), Types.BASIC_ARRAY(Types.STRING()),
    Types.OBJECT_ARRAY(Types.TUPLE([Types.INT()])), Types.ROW([Types.STRING(), Types.INT()]),
    Types.ROW_NAMED(["a", "b"], [Types.STRING(), Types.INT()]),
    Types.TUPLE([Types.STRING(), Types.LONG()]), Types.MAP(Types.STRING(), Types.INT()),
    Types.LIST(Types.DOUBLE()),
]


@pytest.mark.parametrize("type_info", ALL_TYPES, ids=repr)
def test_every_type_is_picklable_equal_and_hashable(type_info):
    assert isinstance(type_info, TypeInformation)
    for dumps, loads in ((pickle.dumps, pickle.loads), (cloudpickle.dumps, cloudpickle.loads)):
        copy = loads(dumps(type_info))
        assert copy == type_info
        assert hash(copy) == hash(type_info)
        assert repr(copy) == repr(type_info)


def test_a_fresh_factory_call_equals_the_previous_one():
    assert Types.ROW([Types.INT()]) == Types.ROW([Types.INT()])
    assert len({Types.STRING(), Types.STRING(), Types.INT()}) == 2


def test_different_types_are_not_equal():
    distinct = [repr(t) + type(t).__name__ for t in ALL_TYPES]
    assert len(set(distinct)) == len(ALL_TYPES)
    for i, a in enumerate(ALL_TYPES):
        for b in ALL_TYPES[i + 1:]:
            assert a != b, (a, b)


@pytest.mark.parametrize("factory, text", [
    (Types.STRING, "String"), (Types.INT, "Integer"), (Types.LONG, "Long"),
    (Types.DOUBLE, "Double"), (Types.BOOLEAN, "Boolean"), (Types.BIG_INT, "BigInteger"),
    (Types.BIG_DEC, "BigDecimal"), (Types.CHAR, "Char"), (Types.INSTANT, "Instant"),
    (Types.PICKLED_BYTE_ARRAY, "PickledByteArrayTypeInfo"),
    (Types.SQL_DATE, "DateTypeInfo"), (Types.LOCAL_DATE_TIME, "LocalDateTime"),
])
def test_basic_reprs_match_pyflink(factory, text):
    assert repr(factory()) == text


def test_composite_reprs_match_pyflink():
    assert repr(Types.ROW_NAMED(["a", "b"], [Types.STRING(), Types.INT()])) \
        == "RowTypeInfo(a: String, b: Integer)"
    assert repr(Types.ROW([Types.STRING(), Types.INT()])) == "RowTypeInfo(f0: String, f1: Integer)"
    assert repr(Types.TUPLE([Types.STRING(), Types.LONG()])) == "TupleTypeInfo(String, Long)"
    assert repr(Types.MAP(Types.STRING(), Types.INT())) == "MapTypeInfo<String, Integer>"
    assert repr(Types.LIST(Types.DOUBLE())) == "ListTypeInfo<Double>"
    assert repr(Types.PRIMITIVE_ARRAY(Types.INT())) == "PrimitiveArrayTypeInfo<Integer>"
    assert repr(Types.BASIC_ARRAY(Types.STRING())) == "BasicArrayTypeInfo<String>"
    assert repr(Types.OBJECT_ARRAY(Types.TUPLE([Types.INT()]))) \
        == "ObjectArrayTypeInfo<TupleTypeInfo(Integer)>"


def test_row_type_field_access():
    row = Types.ROW_NAMED(["name", "age"], [Types.STRING(), Types.INT()])
    assert isinstance(row, RowTypeInfo)
    assert row.get_field_names() == ["name", "age"]
    assert row.get_field_types() == [Types.STRING(), Types.INT()]
    assert row.get_field_index("age") == 1
    assert row.get_field_index("missing") == -1
    assert Types.ROW([Types.INT(), Types.INT()]).get_field_names() == ["f0", "f1"]


def test_row_type_equality_includes_names_like_java():
    types = [Types.STRING(), Types.INT()]
    assert Types.ROW_NAMED(["a", "b"], types) != Types.ROW_NAMED(["x", "y"], types)
    assert Types.ROW_NAMED(["f0", "f1"], types) == Types.ROW(types)


def test_returned_field_lists_are_copies():
    row = Types.ROW([Types.INT()])
    row.get_field_types().append(Types.STRING())
    row.get_field_names().append("x")
    assert row.get_arity() == 1 and row.get_field_names() == ["f0"]


def test_tuple_map_list_accessors():
    tup = Types.TUPLE([Types.STRING(), Types.INT()])
    assert isinstance(tup, TupleTypeInfo) and tup.get_field_types() == [Types.STRING(), Types.INT()]
    mapping = Types.MAP(Types.STRING(), Types.LONG())
    assert isinstance(mapping, MapTypeInfo)
    assert (mapping.get_key_type(), mapping.get_value_type()) == (Types.STRING(), Types.LONG())
    assert isinstance(Types.LIST(Types.INT()), ListTypeInfo)
    assert Types.LIST(Types.INT()).elem_type == Types.INT()


def test_class_hierarchy_like_pyflink():
    assert isinstance(Types.INT(), BasicTypeInfo)
    assert Types.INT().basic_type is BasicType.INT
    assert isinstance(Types.INSTANT(), InstantTypeInfo)
    assert isinstance(Types.PICKLED_BYTE_ARRAY(), PickledBytesTypeInfo)
    assert isinstance(Types.PRIMITIVE_ARRAY(Types.BYTE()), PrimitiveArrayTypeInfo)
    assert isinstance(Types.BASIC_ARRAY(Types.INT()), BasicArrayTypeInfo)
    assert isinstance(Types.OBJECT_ARRAY(Types.STRING()), ObjectArrayTypeInfo)
    assert BasicTypeInfo.STRING_TYPE_INFO() == Types.STRING()


def test_invalid_declarations_fail_early():
    with pytest.raises(TypeError):
        Types.PRIMITIVE_ARRAY(Types.STRING())
    with pytest.raises(TypeError):
        Types.BASIC_ARRAY(Types.ROW([Types.INT()]))
    with pytest.raises(ValueError):
        Types.ROW_NAMED(["a"], [Types.INT(), Types.INT()])
    with pytest.raises(ValueError):
        Types.ROW_NAMED(["a", "a"], [Types.INT(), Types.INT()])
    with pytest.raises(TypeError):
        Types.TUPLE([int])
