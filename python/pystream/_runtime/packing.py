"""Numbers and keys packed as bytes, the form batches cross the engine boundary in."""

from __future__ import annotations

from array import array

from pystream._runtime.keycodec import decode_key

__all__ = ["unpack_longs", "decode_keys"]


def unpack_longs(data: bytes | None) -> list | None:
    """int64 values in native byte order; None stays None."""
    if data is None:
        return None
    values = array("q")
    values.frombytes(data)
    return values.tolist()


def decode_keys(blob: bytes, ends: bytes) -> list:
    """Keys packed as one blob plus the end offset of each (int64)."""
    decoded, start = [], 0
    for stop in unpack_longs(ends):
        decoded.append(decode_key(blob[start:stop]))
        start = stop
    return decoded
