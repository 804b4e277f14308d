"""Decoding rows written in the RowWire format, from bytes built by hand."""
import datetime
import struct
import time
from decimal import Decimal

import pytest

from pystream.table._wire import WireFormatError, decode_rows

OWN_TEXT = struct.pack("<i", -2)
NULL_TEXT = struct.pack("<i", -1)


def text(s: str) -> bytes:
    data = s.encode("utf-8")
    return struct.pack("<i", len(data)) + data


def header(fields: int) -> bytes:
    return bytes([1]) + struct.pack("<i", fields)


def test_kinds_texts_and_scalar_values():
    # the same blob RowWireTests pins on the C# side: +I[7, hé, null], -U[-1, null, 2.5]
    data = bytes([1, 3, 0, 0, 0,
                  0,
                  0xfe, 0xff, 0xff, 0xff, 2, 7, 0, 0, 0, 0, 0, 0, 0,
                  0xfe, 0xff, 0xff, 0xff, 4, 3, 0, 0, 0, 0x68, 0xc3, 0xa9,
                  0xff, 0xff, 0xff, 0xff, 0,
                  1,
                  0xfe, 0xff, 0xff, 0xff, 2, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                  0xff, 0xff, 0xff, 0xff, 0,
                  3, 0, 0, 0, ord("2"), ord("."), ord("5"), 3, 0, 0, 0, 0, 0, 0, 0x04, 0x40])
    assert decode_rows(data) == [
        (0, (7, "hé", None), ("7", "hé", None)),
        (1, (-1, None, 2.5), ("-1", None, "2.5")),
    ]


def test_temporal_decimal_and_boolean_values():
    data = (header(7) + bytes([3])
            + text("TRUE") + bytes([1, 1])
            + text("1.50") + bytes([5]) + text("1.50")
            + text("1970-01-02") + bytes([6]) + struct.pack("<i", 1)
            + text("10:00:00.12") + bytes([7]) + struct.pack("<i", 36_000_120)
            + text("1970-01-01 00:00:01.000") + bytes([8]) + struct.pack("<q", 1_000_000)
            + text("+0 00:00:01.500") + bytes([15]) + struct.pack("<q", 1500)
            + text("+1-02") + bytes([14]) + struct.pack("<i", 14))
    [(kind, values, texts)] = decode_rows(data)
    assert kind == 3
    assert values == (True, Decimal("1.50"), datetime.date(1970, 1, 2), datetime.time(10, 0, 0, 120_000),
                      datetime.datetime(1970, 1, 1, 0, 0, 1), datetime.timedelta(seconds=1, milliseconds=500), 14)
    assert str(values[1]) == "1.50"
    assert texts == ("TRUE", "1.50", "1970-01-02", "10:00:00.12", "1970-01-01 00:00:01.000", "+0 00:00:01.500",
                     "+1-02")


def test_timestamps_before_the_epoch_and_dates_far_from_it():
    data = (header(2) + bytes([0])
            + text("1969-12-31 23:59:59.999") + bytes([8]) + struct.pack("<q", -1000)
            + text("2024-01-01") + bytes([6]) + struct.pack("<i", 19723))
    [(_, values, _)] = decode_rows(data)
    assert values == (datetime.datetime(1969, 12, 31, 23, 59, 59, 999_000), datetime.date(2024, 1, 1))


def test_local_zoned_timestamps_land_on_this_process_clock(monkeypatch):
    micros = (19723 * 86_400 + 10 * 3600) * 1_000_000  # 2024-01-01 10:00 UTC
    data = header(1) + bytes([0]) + text("2024-01-01 10:00:00.000") + bytes([9]) + struct.pack("<q", micros + 5)
    monkeypatch.setenv("TZ", "Asia/Shanghai")
    time.tzset()
    try:
        [(_, values, _)] = decode_rows(data)
    finally:
        monkeypatch.undo()
        time.tzset()
    assert values == (datetime.datetime(2024, 1, 1, 18, 0, 0, 5),)


def test_bytes_collections_and_named_rows():
    data = (header(3) + bytes([0])
            + text("x'0aff'") + bytes([10]) + struct.pack("<i", 2) + bytes([0x0a, 0xff])
            + text("{a=1, b=null}") + bytes([12]) + struct.pack("<i", 2)
            + bytes([4]) + text("a") + bytes([2]) + struct.pack("<q", 1)
            + bytes([4]) + text("b") + bytes([0])
            + text("(1, [TRUE, null])") + bytes([13]) + struct.pack("<i", 2)
            + text("a") + bytes([2]) + struct.pack("<q", 1)
            + text("b") + bytes([11]) + struct.pack("<i", 2) + bytes([1, 1, 0]))
    [(_, (raw, mapping, row), texts)] = decode_rows(data)
    assert raw == b"\x0a\xff"
    assert mapping == {"a": 1, "b": None}
    assert row._fields == ["a", "b"]
    assert (row[0], row[1], row["b"]) == (1, [True, None], [True, None])
    assert texts == ("x'0aff'", "{a=1, b=null}", "(1, [TRUE, null])")


def test_no_rows_and_no_columns():
    assert decode_rows(header(2)) == []
    assert decode_rows(header(0) + bytes([0, 2])) == [(0, (), ()), (2, (), ())]


@pytest.mark.parametrize("data, message", [
    (b"", "ends after 0 of 0 bytes"),
    (bytes([2, 0, 0, 0, 0]), "version 2"),
    (header(1) + bytes([0]) + OWN_TEXT + bytes([2, 1]), "ends after"),
    (header(1) + bytes([0]) + NULL_TEXT + bytes([99]), "unknown value tag 99"),
    (header(1) + bytes([7]), "unknown row kind 7"),
    (header(1) + bytes([0]) + struct.pack("<i", -3), "display length of -3"),
])
def test_malformed_data_is_refused(data, message):
    with pytest.raises(WireFormatError, match=message):
        decode_rows(data)


def test_data_ending_where_a_value_should_start_is_refused():
    with pytest.raises(WireFormatError, match="ends after 10 of 10 bytes"):
        decode_rows(header(1) + bytes([0]) + OWN_TEXT)
