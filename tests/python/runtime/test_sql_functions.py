"""The packed columns of Python SQL functions: values in, values out, nulls, and wrong results named."""

from __future__ import annotations

from array import array
from datetime import date, datetime
from decimal import Decimal

import pytest

from pystream._runtime.sql_functions import decode_column, encode_column


def test_fixed_width_columns_read_as_their_values_and_nulls_as_none() -> None:
    data = array("q", [5, -7, 0]).tobytes()
    assert list(decode_column("BIGINT", data, None, None)) == [5, -7, 0]
    assert decode_column("BIGINT NOT NULL", data, None, bytes([0, 1, 0])) == [5, None, 0]
    assert list(decode_column("BOOLEAN", bytes([1, 0]), None, None)) == [True, False]
    assert list(decode_column("DOUBLE", array("d", [0.5]).tobytes(), None, None)) == [0.5]


def test_strings_and_bytes_are_cut_at_their_end_offsets() -> None:
    ends = array("q", [2, 2, 5]).tobytes()
    assert decode_column("STRING", b"abxyz", ends, None) == ["ab", "", "xyz"]
    # 'é' is two bytes in UTF-8: offsets count bytes, not characters.
    assert decode_column("VARCHAR(10)", "éa".encode() + b"b", array("q", [3, 4]).tobytes(), None) == ["éa", "b"]
    assert decode_column("BYTES", b"\x00\x01\x02", array("q", [1, 3]).tobytes(), None) == [b"\x00", b"\x01\x02"]


def test_decimals_dates_and_timestamps_become_python_values() -> None:
    assert decode_column("DECIMAL(5, 2)", b"1.50-0.25", array("q", [4, 9]).tobytes(), None) == [Decimal("1.50"), Decimal("-0.25")]
    # 19782 days after 1970-01-01 is 2024-02-29; 1 µs after midnight of 1970-01-02.
    assert decode_column("DATE", array("i", [19782]).tobytes(), None, None) == [date(2024, 2, 29)]
    assert decode_column("TIMESTAMP(6)", array("q", [86_400_000_001]).tobytes(), None, None) == [datetime(1970, 1, 2, 0, 0, 0, 1)]


def test_results_pack_with_a_null_mask_only_when_a_value_is_none() -> None:
    data, ends, nulls = encode_column("BIGINT", [1, None, 3])
    assert (list(data), ends, nulls) == ([1, 0, 3], None, bytes([0, 1, 0]))
    data, ends, nulls = encode_column("STRING", ["a", "é", None])
    assert (bytes(data), list(ends), nulls) == ("aé".encode(), [1, 3, 3], bytes([0, 0, 1]))
    assert encode_column("BOOLEAN", [True, None]) == (bytes([1, 0]), None, bytes([0, 1]))
    data, ends, _ = encode_column("DECIMAL(10, 2)", [Decimal(1) / 3, 2])
    assert (bytes(data), list(ends)) == (b"0.332.00", [4, 8])
    data, _, _ = encode_column("DATE", [date(1970, 1, 11)])
    assert list(data) == [10]


def test_a_result_of_the_wrong_type_is_named() -> None:
    with pytest.raises(TypeError, match=r"the function's result 'x' is not a value of the result type BIGINT"):
        encode_column("BIGINT", [1, "x"])
    with pytest.raises(TypeError, match=r"the function's result 1.5 is not a value of the result type INT"):
        encode_column("INT", [1.5])
