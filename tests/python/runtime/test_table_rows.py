"""DataStream records as a table's packed columns, and packed columns as pyflink Rows."""

from array import array
from datetime import datetime
from decimal import Decimal

import pytest

from pystream._runtime.sql_functions import decode_column, encode_column
from pystream._runtime.table_rows import columns_to_records, records_to_columns
from pystream.common.types import Row, RowKind


def crossed(column):
    """A packed column as the engine hands it back: bytes, not arrays."""
    return tuple(None if part is None else bytes(part) for part in column)


def decoded(types, packed):
    return [list(decode_column(t, *crossed(column))) for t, column in zip(types, packed)]


def test_rows_tuples_and_atomic_records_give_one_value_per_column():
    types = ["STRING", "INT", "DECIMAL(10, 2)"]
    records = [Row("a", 1, Decimal("1.50")), ("b", None, Decimal("2")), ["c", 3, None]]
    assert decoded(types, records_to_columns(records, types)[0]) == [
        ["a", "b", "c"], [1, None, 3], [Decimal("1.50"), Decimal("2.00"), None]]
    assert decoded(["BIGINT"], records_to_columns([7, 8], ["BIGINT"])[0]) == [[7, 8]]


def test_a_changelog_keeps_each_rows_kind():
    update = Row("a", 2)
    update.set_row_kind(RowKind.UPDATE_AFTER)
    packed, kinds = records_to_columns([Row("a", 1), update, ("b", 3)], ["STRING", "INT"], changelog=True)
    assert kinds == bytes([0, 2, 0])
    assert decoded(["STRING", "INT"], packed) == [["a", "a", "b"], [1, 2, 3]]
    assert records_to_columns([Row("a", 1)], ["STRING", "INT"])[1] is None


def test_a_record_of_the_wrong_width_or_a_value_of_the_wrong_type_is_named():
    with pytest.raises(TypeError, match=r"the record \('a',\) has 1 fields, and the table 2 columns"):
        records_to_columns([("a",)], ["STRING", "INT"])
    with pytest.raises(TypeError, match="the record 5 is no Row or tuple, and the table has 2 columns"):
        records_to_columns([5], ["STRING", "INT"])
    with pytest.raises(TypeError, match="column 2 of the table is INT"):
        records_to_columns([("a", "x")], ["STRING", "INT"])


def test_columns_become_named_rows_with_their_kinds():
    types = ["STRING", "BIGINT NOT NULL", "TIMESTAMP(3)"]
    packed = [crossed(encode_column("STRING", ["a", "b"])), (array("q", [1, 2]).tobytes(), None, None),
              crossed(encode_column("TIMESTAMP(3)", [datetime(2024, 1, 1, 10), datetime(2024, 1, 1, 11)]))]
    rows = columns_to_records(2, packed, bytes([1, 2]), ["k", "n", "ts"], types)
    assert [r.get_row_kind() for r in rows] == [RowKind.UPDATE_BEFORE, RowKind.UPDATE_AFTER]
    assert [r.as_dict() for r in rows] == [{"k": "a", "n": 1, "ts": datetime(2024, 1, 1, 10)},
                                           {"k": "b", "n": 2, "ts": datetime(2024, 1, 1, 11)}]
    inserts = columns_to_records(2, packed, None, ["k", "n", "ts"], types)
    assert [r.get_row_kind() for r in inserts] == [RowKind.INSERT, RowKind.INSERT]
    assert repr(inserts[0]) == "Row(k='a', n=1, ts=datetime.datetime(2024, 1, 1, 10, 0))"
