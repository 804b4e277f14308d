"""Result rows as the engine sends them (C# ``PyStream.Sql.Rendering.RowWire``).

Each row comes with its kind (0 ``+I``, 1 ``-U``, 2 ``+U``, 3 ``-D``), its values as PyFlink's
``collect()`` gives them, and the texts a tableau shows for them (``None`` for null). The
format is documented on ``RowWire``: little-endian, texts as an i32 byte length and UTF-8.

Values: BOOLEAN ``bool``; integers ``int``; FLOAT/DOUBLE ``float``; DECIMAL
``decimal.Decimal``; strings ``str``; BYTES ``bytes``; DATE ``datetime.date``; TIME
``datetime.time``; TIMESTAMP a naive ``datetime.datetime`` of its wall-clock fields;
TIMESTAMP_LTZ a naive ``datetime.datetime`` on this process's local clock (as PyFlink's
``LocalZonedTimestampType.from_sql_type``); INTERVAL DAY TO SECOND ``datetime.timedelta``;
INTERVAL YEAR TO MONTH ``int`` months; ARRAY/MULTISET ``list``; MAP ``dict``; ROW a named ``Row``.
"""
import datetime
import struct
from decimal import Decimal
from typing import Any, List, Optional, Tuple

from pystream.common.types import Row

__all__ = ["decode_rows", "WireFormatError"]

VERSION = 1
_NULL_DISPLAY = -1
_OWN_TEXT_DISPLAY = -2

_I32 = struct.Struct("<i")
_I64 = struct.Struct("<q")
_F64 = struct.Struct("<d")
_EPOCH = datetime.datetime(1970, 1, 1)
_EPOCH_DATE = datetime.date(1970, 1, 1)


class WireFormatError(ValueError):
    """The bytes are not rows in the format the engine writes."""


class _Reader:
    __slots__ = ("data", "at")

    def __init__(self, data: bytes) -> None:
        self.data = memoryview(data)
        self.at = 0

    def need(self, count: int) -> int:
        start = self.at
        if count < 0 or start + count > len(self.data):
            raise WireFormatError("row data ends after %d of %d bytes (wanted %d more)"
                                  % (start, len(self.data), count))
        self.at = start + count
        return start

    def byte(self) -> int:
        return self.data[self.need(1)]

    def i32(self) -> int:
        return _I32.unpack_from(self.data, self.need(4))[0]

    def i64(self) -> int:
        return _I64.unpack_from(self.data, self.need(8))[0]

    def f64(self) -> float:
        return _F64.unpack_from(self.data, self.need(8))[0]

    def raw(self, length: int) -> bytes:
        start = self.need(length)
        return bytes(self.data[start:start + length])

    def text(self) -> str:
        return self.raw(self.i32()).decode("utf-8")


def _time(millis: int) -> datetime.time:
    seconds, ms = divmod(millis, 1000)
    minutes, second = divmod(seconds, 60)
    hour, minute = divmod(minutes, 60)
    return datetime.time(hour, minute, second, ms * 1000)


def _local_timestamp(micros: int) -> datetime.datetime:
    seconds, micro = divmod(micros, 1_000_000)
    return datetime.datetime.fromtimestamp(seconds).replace(microsecond=micro)


def _row(reader: _Reader) -> Row:
    names = []
    values = []
    for _ in range(reader.i32()):
        names.append(reader.text())
        values.append(_value(reader))
    row = Row(*values)
    row.set_field_names(names)
    return row


_DECODERS = {
    0: lambda r: None,
    1: lambda r: r.byte() != 0,
    2: _Reader.i64,
    3: _Reader.f64,
    4: _Reader.text,
    5: lambda r: Decimal(r.text()),
    6: lambda r: _EPOCH_DATE + datetime.timedelta(days=r.i32()),
    7: lambda r: _time(r.i32()),
    8: lambda r: _EPOCH + datetime.timedelta(microseconds=r.i64()),
    9: lambda r: _local_timestamp(r.i64()),
    10: lambda r: r.raw(r.i32()),
    11: lambda r: [_value(r) for _ in range(r.i32())],
    12: lambda r: {_value(r): _value(r) for _ in range(r.i32())},
    13: _row,
    14: _Reader.i32,
    15: lambda r: datetime.timedelta(milliseconds=r.i64()),
}


def _value(reader: _Reader) -> Any:
    tag = reader.byte()
    decode = _DECODERS.get(tag)
    if decode is None:
        raise WireFormatError("unknown value tag %d at byte %d" % (tag, reader.at - 1))
    return decode(reader)


def decode_rows(data: bytes) -> List[Tuple[int, tuple, tuple]]:
    """``(row kind, values, display texts)`` for every row in ``data``."""
    reader = _Reader(data)
    version = reader.byte()
    if version != VERSION:
        raise WireFormatError("row data of version %d; this client reads version %d" % (version, VERSION))
    fields = reader.i32()
    if fields < 0:
        raise WireFormatError("a negative field count (%d)" % fields)
    rows = []
    data = reader.data
    end = len(data)
    while reader.at < end:
        kind = reader.byte()
        if kind > 3:
            raise WireFormatError("unknown row kind %d at byte %d" % (kind, reader.at - 1))
        values = []
        texts = []
        for _ in range(fields):
            length = reader.i32()
            display: Optional[str] = None
            if length >= 0:
                display = reader.raw(length).decode("utf-8")
            elif length not in (_NULL_DISPLAY, _OWN_TEXT_DISPLAY):
                raise WireFormatError("a display length of %d at byte %d" % (length, reader.at - 4))
            # the common scalars inline; everything else through the tag table
            tag = data[reader.at] if reader.at < end else -1
            if tag == 2:
                value = _I64.unpack_from(data, reader.need(9) + 1)[0]
            elif tag == 4:
                reader.at += 1
                value = reader.text()
            elif tag == 3:
                value = _F64.unpack_from(data, reader.need(9) + 1)[0]
            else:
                value = _value(reader)
            if length == _OWN_TEXT_DISPLAY:
                display = value if isinstance(value, str) else str(value)
            values.append(value)
            texts.append(display)
        rows.append((kind, tuple(values), tuple(texts)))
    return rows
