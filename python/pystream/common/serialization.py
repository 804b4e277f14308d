"""String (de)serialization schemas and the line encoder used by file sinks.

Charsets take Java names ("UTF-8", "ISO-8859-1", "US-ASCII", "UTF-16", ...). As Java's
``String.getBytes`` / ``new String(bytes, cs)`` do, unmappable characters become ``?``
and malformed input becomes U+FFFD instead of raising.
"""
from __future__ import annotations

import codecs

__all__ = ["SimpleStringSchema", "Encoder", "SimpleStringEncoder"]

_UTF16_BE_BOM = b"\xfe\xff"


class _Charset:
    """Encode/decode with Java semantics for one charset name."""

    __slots__ = ("name", "_codec", "_java_utf16")

    def __init__(self, name: str) -> None:
        try:
            codec = codecs.lookup(name).name
        except LookupError:
            raise ValueError("Unsupported charset: %r" % (name,)) from None
        self.name = name
        # Java's "UTF-16" writes big-endian with a byte-order mark and reads big-endian
        # when there is none; Python's "utf-16" uses the machine's order instead.
        self._java_utf16 = codec == "utf-16"
        self._codec = "utf-16-be" if self._java_utf16 else codec

    def encode(self, text: str) -> bytes:
        data = text.encode(self._codec, "replace")
        return _UTF16_BE_BOM + data if self._java_utf16 else data

    def decode(self, data: bytes) -> str:
        if self._java_utf16 and len(data) >= 2:
            if data[:2] == _UTF16_BE_BOM:
                data = data[2:]
            elif data[:2] == b"\xff\xfe":
                return bytes(data[2:]).decode("utf-16-le", "replace")
        return bytes(data).decode(self._codec, "replace")

    def __reduce__(self) -> object:
        return _Charset, (self.name,)


class SimpleStringSchema:
    """Turns strings into bytes and back with one charset (UTF-8 by default)."""

    def __init__(self, charset: str = "UTF-8") -> None:
        self._charset = _Charset(charset)

    @property
    def charset(self) -> str:
        return self._charset.name

    def serialize(self, element: str) -> bytes:
        return self._charset.encode(element)

    def deserialize(self, message: bytes) -> str:
        return self._charset.decode(message)

    def is_end_of_stream(self, next_element: str) -> bool:
        # String streams have no end marker, as in Flink.
        return False

    def get_produced_type(self) -> object:
        from .typeinfo import Types
        return Types.STRING()

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SimpleStringSchema) and other.charset == self.charset

    def __hash__(self) -> int:
        return hash(("SimpleStringSchema", self.charset))

    def __repr__(self) -> str:
        return "SimpleStringSchema(charset=%r)" % self.charset


class Encoder:
    """Turns one record into the bytes a row-format file sink appends."""

    def encode(self, value: object) -> bytes:
        raise NotImplementedError

    @staticmethod
    def simple_string_encoder(charset_name: str = "UTF-8") -> "SimpleStringEncoder":
        return SimpleStringEncoder(charset_name)


class SimpleStringEncoder(Encoder):
    """Writes ``str(value)`` in the charset followed by one ``\\n`` byte.

    The newline is a single byte whatever the charset, as Java's SimpleStringEncoder
    writes it with ``OutputStream.write('\\n')``.
    """

    def __init__(self, charset_name: str = "UTF-8") -> None:
        self._charset = _Charset(charset_name)

    @property
    def charset(self) -> str:
        return self._charset.name

    def encode(self, value: object) -> bytes:
        return self._charset.encode(value if type(value) is str else str(value)) + b"\n"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SimpleStringEncoder) and other.charset == self.charset

    def __hash__(self) -> int:
        return hash(("SimpleStringEncoder", self.charset))

    def __repr__(self) -> str:
        return "SimpleStringEncoder(charset=%r)" % self.charset


# PyFlink 1.15 and older kept the JSON and CSV row formats here; scripts written then import them from here.
_MOVED_TO_FORMATS = {
    "JsonRowDeserializationSchema": "json", "JsonRowSerializationSchema": "json",
    "CsvRowDeserializationSchema": "csv", "CsvRowSerializationSchema": "csv",
}


def __getattr__(name: str) -> object:
    if name in _MOVED_TO_FORMATS:
        import importlib
        return getattr(importlib.import_module("pystream.datastream.formats." + _MOVED_TO_FORMATS[name]), name)
    raise AttributeError(f"module 'pyflink.common.serialization' has no attribute '{name}'")
