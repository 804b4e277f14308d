"""Canonical bytes for key values: the contract between Python and the C# engine.

The engine partitions and looks up keyed state by these bytes. C# only hashes and
compares them; only Python decodes them. Python's ``hash()`` is never used, since it
is salted per process.

Encoding of one key: a tag byte, then a payload that runs to the end of the key.

    tag   type                      payload
    0x00  None                      (empty)
    0x01  False                     (empty)
    0x02  True                      (empty)
    0x03  int in [-2**63, 2**63)    8 bytes, big-endian two's complement
    0x04  int outside that range    (bit_length + 8) // 8 bytes, big-endian two's complement
    0x05  float                     8 bytes IEEE-754 big-endian; -0.0 written as 0.0,
                                    every NaN as 0x7FF8000000000000
    0x06  str                       UTF-8 (lone surrogates kept, as 'surrogatepass')
    0x07  bytes, bytearray          the bytes (decodes as bytes)
    0x10  tuple                     elements, each as u32 length + its encoding
    0x11  list                      same as tuple (decodes as list)
    0x12  Row without names         fields, each as u32 length + its encoding
    0x13  Row with names            per field: u32 length + UTF-8 name,
                                    then u32 length + the field's encoding
    0x20  datetime.date             ASCII isoformat, e.g. 2024-01-31
    0x21  datetime.time             ASCII isoformat (with its UTC offset if aware)
    0x22  naive datetime            ASCII isoformat
    0x23  aware datetime            ASCII isoformat of the same instant in UTC
    0x24  datetime.timedelta        days, seconds, microseconds: 3 x i32 big-endian
    0x25  decimal.Decimal           ASCII text of the value without trailing zeros
                                    (Decimal('1.50') is written 1.5, -0 as 0)

u32 is an unsigned 32-bit big-endian integer. Subclasses encode as their base type
(a namedtuple as a tuple, an IntEnum as an int); objects with ``__index__`` (numpy
integers) encode as int. Anything else raises TypeError.

Equal keys give equal bytes within one type. Across types they differ on purpose:
``1``, ``1.0``, ``True`` and ``Decimal(1)`` are equal in Python but are four keys here,
as in PyFlink, which keys by the serialized bytes of the key's type (a declared key
type, or pickle when none is declared). Rows are keyed by values and names; the row
kind is not part of a key. Two rows with equal values but different field names are
different keys; a key selector produces the same names for every record.

``encode_keys`` returns all keys of a batch as one blob plus an ``array('q')`` (native
byte order) of end offsets: key i is ``blob[ends[i-1]:ends[i]]``, with ``ends[-1]``
taken as 0.
"""
from __future__ import annotations

import datetime
import struct
import sys
from array import array
from decimal import Decimal
from itertools import accumulate
from operator import add
from typing import Any, Callable, Dict, List, Sequence, Tuple

from pystream.common.types import Row

__all__ = ["encode_key", "decode_key", "encode_keys"]

T_NONE, T_FALSE, T_TRUE, T_INT, T_BIG_INT, T_FLOAT, T_STR, T_BYTES = range(8)
T_TUPLE, T_LIST, T_ROW, T_NAMED_ROW = 0x10, 0x11, 0x12, 0x13
T_DATE, T_TIME, T_DATETIME, T_DATETIME_UTC, T_TIMEDELTA, T_DECIMAL = range(0x20, 0x26)

_INT64_MIN, _INT64_MAX = -(1 << 63), (1 << 63) - 1
_pack_tagged_int = struct.Struct(">Bq").pack
_pack_tagged_float = struct.Struct(">Bd").pack
_pack_u32 = struct.Struct(">I").pack
_unpack_u32 = struct.Struct(">I").unpack_from
_TIMEDELTA = struct.Struct(">iii")
_NAN = bytes([T_FLOAT]) + bytes.fromhex("7ff8000000000000")
_STR_TAG = bytes([T_STR])
_NONE, _FALSE, _TRUE = bytes([T_NONE]), bytes([T_FALSE]), bytes([T_TRUE])


def encode_key(key: Any) -> bytes:
    """Return the canonical bytes of one key (see the module docstring)."""
    encoder = _ENCODERS.get(type(key))
    if encoder is None:
        encoder = _encoder_for_subclass(key)
    return encoder(key)


def encode_keys(keys: Sequence[Any]) -> Tuple[bytes, array]:
    """Encode a batch: one concatenated blob and the end offset of every key."""
    count = len(keys)
    if count == 0:
        return b"", array("q")
    kinds = set(map(type, keys))
    if len(kinds) == 1:
        kind = kinds.pop()
        if kind is str:
            batch = _encode_str_batch(keys)
            if batch is not None:
                return batch
        elif kind is int:
            batch = _encode_int_batch(keys)
            if batch is not None:
                return batch
    parts = list(map(encode_key, keys))
    return b"".join(parts), array("q", accumulate(map(len, parts)))


def decode_key(data: bytes) -> Any:
    """Rebuild the key from its bytes; the result equals the encoded key."""
    data = bytes(data)
    if not data:
        raise ValueError("an encoded key has at least a tag byte")
    return _decode(data, 0, len(data))


# ---- batch fast paths ----------------------------------------------------------

def _encode_str_batch(keys: Sequence[str]) -> Any:
    try:
        encoded = list(map(str.encode, keys))
    except UnicodeEncodeError:
        return None  # lone surrogates: the general path handles them
    blob = _STR_TAG + _STR_TAG.join(encoded)
    # Each key is its UTF-8 bytes plus one tag byte.
    ends = array("q", map(add, accumulate(map(len, encoded)), range(1, len(encoded) + 1)))
    return blob, ends


def _encode_int_batch(keys: Sequence[int]) -> Any:
    try:
        values = array("q", keys)
    except OverflowError:
        return None  # some key needs the big-int encoding
    if sys.byteorder == "little":
        values.byteswap()
    raw = values.tobytes()
    count = len(values)
    # Interleave a tag byte before every 8-byte big-endian value, one byte lane at a time.
    blob = bytearray(9 * count)
    blob[0::9] = bytes([T_INT]) * count
    for lane in range(8):
        blob[lane + 1::9] = raw[lane::8]
    return bytes(blob), _int_batch_ends(count)


_int_ends_cache = array("q")


def _int_batch_ends(count: int) -> array:
    # Every int key is 9 bytes, so the offsets only depend on the batch size; building
    # them from Python ints costs more than the encoding, hence a shared prefix to copy.
    global _int_ends_cache
    if len(_int_ends_cache) < count:
        size = max(count, 2 * len(_int_ends_cache))
        _int_ends_cache = array("q", range(9, 9 * size + 1, 9))
    return _int_ends_cache[:count]


# ---- single-key encoders ---------------------------------------------------------

def _encode_int(key: int) -> bytes:
    if _INT64_MIN <= key <= _INT64_MAX:
        return _pack_tagged_int(T_INT, key)
    return bytes([T_BIG_INT]) + key.to_bytes((key.bit_length() + 8) // 8, "big", signed=True)


def _encode_float(key: float) -> bytes:
    if key != key:
        return _NAN
    return _pack_tagged_float(T_FLOAT, key + 0.0)  # + 0.0 turns -0.0 into 0.0


def _encode_str(key: str) -> bytes:
    try:
        return _STR_TAG + key.encode()
    except UnicodeEncodeError:
        return _STR_TAG + key.encode("utf-8", "surrogatepass")


def _encode_bytes(key: Any) -> bytes:
    return bytes([T_BYTES]) + bytes(key)


def _encode_elements(tag: int, elements: Any) -> bytes:
    parts = [bytes([tag])]
    for element in elements:
        encoded = encode_key(element)
        parts.append(_pack_u32(len(encoded)))
        parts.append(encoded)
    return b"".join(parts)


def _encode_row(key: Row) -> bytes:
    names = key._names
    if names is None:
        return _encode_elements(T_ROW, key._values)
    parts = [bytes([T_NAMED_ROW])]
    for name, value in zip(names, key._values):
        encoded_name = name.encode("utf-8", "surrogatepass")
        encoded = encode_key(value)
        parts += [_pack_u32(len(encoded_name)), encoded_name, _pack_u32(len(encoded)), encoded]
    return b"".join(parts)


def _encode_datetime(key: datetime.datetime) -> bytes:
    if key.tzinfo is None or key.utcoffset() is None:
        return bytes([T_DATETIME]) + key.isoformat().encode("ascii")
    utc = key.astimezone(datetime.timezone.utc)
    return bytes([T_DATETIME_UTC]) + utc.isoformat().encode("ascii")


def _encode_decimal(key: Decimal) -> bytes:
    if not key.is_finite():
        return bytes([T_DECIMAL]) + str(key).encode("ascii")
    sign, digits, exponent = key.as_tuple()
    while len(digits) > 1 and digits[-1] == 0:
        digits = digits[:-1]
        exponent += 1  # type: ignore[operator]
    if digits == (0,):
        sign, exponent = 0, 0
    # Built from the tuple, so no context rounding applies.
    return bytes([T_DECIMAL]) + str(Decimal((sign, digits, exponent))).encode("ascii")


def _encode_timedelta(key: datetime.timedelta) -> bytes:
    return bytes([T_TIMEDELTA]) + _TIMEDELTA.pack(key.days, key.seconds, key.microseconds)


_ENCODERS: Dict[type, Callable[[Any], bytes]] = {
    type(None): lambda key: _NONE,
    bool: lambda key: _TRUE if key else _FALSE,
    int: _encode_int,
    float: _encode_float,
    str: _encode_str,
    bytes: _encode_bytes,
    bytearray: _encode_bytes,
    tuple: lambda key: _encode_elements(T_TUPLE, key),
    list: lambda key: _encode_elements(T_LIST, key),
    Row: _encode_row,
    datetime.date: lambda key: bytes([T_DATE]) + key.isoformat().encode("ascii"),
    datetime.time: lambda key: bytes([T_TIME]) + key.isoformat().encode("ascii"),
    datetime.datetime: _encode_datetime,
    datetime.timedelta: _encode_timedelta,
    Decimal: _encode_decimal,
}

# Checked in order for subclasses: bool before int, datetime before date.
_BASES = (bool, int, float, str, bytes, bytearray, tuple, list, Row,
          datetime.datetime, datetime.date, datetime.time, datetime.timedelta, Decimal)


def _encoder_for_subclass(key: Any) -> Callable[[Any], bytes]:
    for base in _BASES:
        if isinstance(key, base):
            return _ENCODERS[base]
    if hasattr(type(key), "__index__"):
        return lambda value: _encode_int(value.__index__())
    raise TypeError(
        "cannot use a value of type %s as a key: keys must be of basic types (None, bool, "
        "int, float, str, bytes, date/time, Decimal), or tuples, lists or Rows of them"
        % type(key).__qualname__)


# ---- decoding ---------------------------------------------------------------------

def _decode(data: bytes, start: int, end: int) -> Any:
    tag = data[start]
    body = start + 1
    if tag == T_STR:
        return data[body:end].decode("utf-8", "surrogatepass")
    if tag == T_INT:
        return int.from_bytes(data[body:end], "big", signed=True)
    if tag in _CONSTANTS:
        return _CONSTANTS[tag]
    if tag == T_FLOAT:
        return struct.unpack(">d", data[body:end])[0]
    if tag == T_BIG_INT:
        return int.from_bytes(data[body:end], "big", signed=True)
    if tag == T_BYTES:
        return data[body:end]
    if tag == T_TUPLE:
        return tuple(_decode_elements(data, body, end))
    if tag == T_LIST:
        return _decode_elements(data, body, end)
    if tag == T_ROW:
        return Row(*_decode_elements(data, body, end))
    if tag == T_TIMEDELTA:
        days, seconds, micros = _TIMEDELTA.unpack(data[body:end])
        return datetime.timedelta(days, seconds, micros)
    if tag == T_NAMED_ROW:
        pairs = _decode_elements(data, body, end, raw=True)
        row = Row(*[_decode(data, s, e) for s, e in pairs[1::2]])
        row.set_field_names([data[s:e].decode("utf-8", "surrogatepass") for s, e in pairs[0::2]])
        return row
    if tag not in _TEXT_TAGS:
        raise ValueError("unknown key tag 0x%02x" % tag)
    text = data[body:end].decode("ascii")
    if tag == T_DATE:
        return datetime.date.fromisoformat(text)
    if tag == T_TIME:
        return datetime.time.fromisoformat(text)
    if tag in (T_DATETIME, T_DATETIME_UTC):
        return datetime.datetime.fromisoformat(text)
    return Decimal(text)


_CONSTANTS = {T_NONE: None, T_FALSE: False, T_TRUE: True}
_TEXT_TAGS = frozenset({T_DATE, T_TIME, T_DATETIME, T_DATETIME_UTC, T_DECIMAL})


def _decode_elements(data: bytes, start: int, end: int, raw: bool = False) -> List[Any]:
    items: List[Any] = []
    position = start
    while position < end:
        (length,) = _unpack_u32(data, position)
        position += 4
        if position + length > end:
            raise ValueError("truncated key encoding")
        items.append((position, position + length) if raw
                     else _decode(data, position, position + length))
        position += length
    return items
