import copy
import pickle

import cloudpickle
import pytest

from pystream.common import Row, RowKind


def test_positional_row():
    row = Row(1, "a")
    assert row[0] == 1 and row[1] == "a" and row[-1] == "a" and row[0:2] == [1, "a"]
    assert len(row) == 2 and list(row) == [1, "a"] and row._values == [1, "a"]
    assert not hasattr(row, "_fields")
    assert repr(row) == "<Row(1, 'a')>" and str(row) == "<Row(1, 'a')>"


def test_keyword_row_keeps_keyword_order():
    row = Row(name="ann", age=3)
    assert row._fields == ["name", "age"]
    assert row.name == "ann" and row["age"] == 3 and row[0] == "ann"
    assert repr(row) == "Row(name='ann', age=3)"
    assert row.as_dict() == {"name": "ann", "age": 3}
    assert Row(b=1, a=2)._values == [1, 2]


def test_row_of_names_is_a_factory():
    Person = Row("name", "age")
    ann = Person("ann", 3)
    assert ann.name == "ann" and ann.age == 3
    assert repr(ann) == "Row(name='ann', age=3)"
    with pytest.raises(ValueError):
        Person("ann", 3, "extra")


def test_args_and_kwargs_cannot_mix():
    with pytest.raises(ValueError):
        Row(1, b=2)


def test_row_kind_defaults_to_insert_and_prints_short():
    row = Row(1)
    assert row.get_row_kind() is RowKind.INSERT
    row.set_row_kind(RowKind.UPDATE_AFTER)
    assert row.get_row_kind() is RowKind.UPDATE_AFTER
    assert [str(k) for k in RowKind] == ["+I", "-U", "+U", "-D"]
    assert [k.value for k in RowKind] == [0, 1, 2, 3]


def test_equality_compares_kind_and_values_not_names():
    assert Row(1, "a") == Row(1, "a")
    assert Row(1, "a") != Row(1, "b")
    assert Row(a=1) == Row(1)
    deleted = Row(1, "a")
    deleted.set_row_kind(RowKind.DELETE)
    assert deleted != Row(1, "a")
    assert Row(1, 2) != (1, 2)
    assert hash(Row(1, "a")) == hash(Row(1, "a")) == hash((1, "a"))
    assert {Row(1, "a"): "x"}[Row(1, "a")] == "x"


def test_set_field_names_and_lookup_errors():
    row = Row("ann", 3)
    row.set_field_names(["name", "age"])
    assert row.age == 3 and repr(row) == "Row(name='ann', age=3)"
    with pytest.raises(AttributeError):
        row.missing
    with pytest.raises(ValueError):
        row["missing"]
    with pytest.raises(ValueError):
        Row(1)["name"]


def test_item_assignment_but_read_only_attributes():
    row = Row(name="ann", age=3)
    row["age"] = 4
    row[0] = "bob"
    assert row._values == ["bob", 4]
    with pytest.raises(RuntimeError):
        row.age = 5


def test_contains_checks_names_when_named_else_values():
    assert "name" in Row(name="ann")
    assert "ann" not in Row(name="ann")
    assert "ann" in Row("ann")


def test_as_dict_recursive_and_unnamed_error():
    nested = Row(outer=Row(inner=1), items=[Row(x=2)])
    assert nested.as_dict(recursive=True) == {"outer": {"inner": 1}, "items": [{"x": 2}]}
    assert nested.as_dict()["outer"] == Row(inner=1)
    with pytest.raises(TypeError):
        Row(1).as_dict()


def test_get_fields_by_names():
    row = Row(a=1, b=2, c=3)
    assert row.get_fields_by_names(["c", "a"]) == [3, 1]
    with pytest.raises(ValueError):
        row.get_fields_by_names(["z"])


@pytest.mark.parametrize("dumps, loads", [(pickle.dumps, pickle.loads),
                                          (cloudpickle.dumps, cloudpickle.loads)])
def test_pickle_round_trip_keeps_names_and_kind(dumps, loads):
    row = Row(name="ann", tags=["x"])
    row.set_row_kind(RowKind.UPDATE_BEFORE)
    back = loads(dumps(row))
    assert back == row and back._fields == ["name", "tags"]
    assert back.get_row_kind() is RowKind.UPDATE_BEFORE
    plain = loads(dumps(Row(1, 2)))
    assert plain == Row(1, 2) and not hasattr(plain, "_fields")


def test_copy_and_deepcopy():
    row = Row(a=[1])
    shallow, deep = copy.copy(row), copy.deepcopy(row)
    assert shallow == deep == row
    deep["a"].append(2)
    assert row.a == [1]
