"""The Python half of the Kafka connector, run in the engine's Python worker.

``KafkaRecordFramer`` turns the records reaching a Kafka sink into the bytes the engine
writes (topic, key and value of every record); ``DeserializeOperation`` turns the text
values a Kafka source read into rows of a JSON or CSV schema, chained right after the
source. Plain strings (SimpleStringSchema) need neither: the engine decodes them.
"""

from __future__ import annotations

import codecs
import struct
import sys
from itertools import repeat
from typing import TYPE_CHECKING, Any, Callable

from pystream._runtime.operations import Operation, method_of
from pystream._runtime.row_formats import bytes_encoder, text_decoder
from pystream.common.serialization import SimpleStringSchema
from pystream.errors import PyStreamError

if TYPE_CHECKING:
    from pystream._runtime.context import OperationContext

__all__ = ["KafkaRecordFramer", "DeserializeOperation"]

_LENGTH = struct.Struct("<i")
_ABSENT = _LENGTH.pack(-1)
# A value with no topic (the sink's own) and no key: both lengths -1, then the value's length.
_VALUE_ONLY = struct.Struct("<qi")
_SHOWN_CHARS = 200

Encode = Callable[[Any], bytes]


def _shown(record: Any) -> str:
    text = record if isinstance(record, str) else repr(record)
    return text if len(text) <= _SHOWN_CHARS else text[:_SHOWN_CHARS] + "..."


def _not_text(record: Any) -> bytes:
    raise TypeError(f"SimpleStringSchema serializes str records, got {type(record).__name__}: {_shown(record)}; "
                    "map the stream to str first (e.g. .map(str, Types.STRING()))")


def _encoder(schema: Any) -> Encode:
    """One record to the bytes of its key or value."""
    if isinstance(schema, SimpleStringSchema):
        serialize = schema.serialize
        return lambda record: serialize(record) if isinstance(record, str) else _not_text(record)
    encode = bytes_encoder(schema)

    def checked(record: Any) -> bytes:
        try:
            return encode(record)
        except (TypeError, ValueError, AttributeError, KeyError, IndexError) as error:
            raise PyStreamError(f"Could not serialize row '{_shown(record)}' with {type(schema).__name__}. "
                                f"Make sure that the schema matches the input: {error}") from error
    return checked


def _is_utf8(schema: Any) -> bool:
    return isinstance(schema, SimpleStringSchema) and codecs.lookup(schema.charset).name == "utf-8"


class KafkaRecordFramer:
    """Frames a batch: per record, little-endian int32 length (-1: none) and bytes of its
    topic (none: the sink's fixed topic), key and value, in that order."""

    def __init__(self, value_schema: Any, key_schema: Any = None, topic_selector: Any = None) -> None:
        self._value = _encoder(value_schema)
        self._key = None if key_schema is None else _encoder(key_schema)
        self._topic = None if topic_selector is None else method_of(topic_selector, "apply")
        self._strings_only = key_schema is None and topic_selector is None and _is_utf8(value_schema)

    def frame(self, records: list) -> bytes:
        if self._strings_only:
            return _frame_strings(records)
        out = bytearray()
        pack = _LENGTH.pack
        topic_of, key_of, value_of = self._topic, self._key, self._value
        for record in records:
            if topic_of is None:
                out += _ABSENT
            else:
                topic = topic_of(record)
                if not isinstance(topic, str):
                    raise TypeError(f"the topic selector returned {topic!r} for {_shown(record)}; it must return a str")
                data = topic.encode("utf-8")
                out += pack(len(data))
                out += data
            if key_of is None:
                out += _ABSENT
            else:
                data = key_of(record)
                out += pack(len(data))
                out += data
            data = value_of(record)
            out += pack(len(data))
            out += data
        return bytes(out)


def _frame_strings(records: list) -> bytes:
    """The benchmark path: str values in UTF-8, fixed topic, no key."""
    try:
        values = list(map(str.encode, records))
    except TypeError:
        values = [_not_text(r) for r in records if not isinstance(r, str)]  # raises for the first one
    except UnicodeEncodeError:
        # Java writes '?' for a lone surrogate instead of failing.
        values = [r.encode("utf-8", "replace") for r in records]
    parts: list = [None] * (2 * len(values))
    parts[1::2] = values
    parts[0::2] = map(_VALUE_ONLY.pack, repeat(-1), map(len, values))
    return b"".join(parts)


class DeserializeOperation(Operation):
    """Decodes the text values a source read, with the source's failure policy.

    ``function`` is the deserialization schema. A value that does not decode fails the
    job (``skip`` False) or is dropped and counted in ``skipped``; the first drop of each
    parallel instance is reported on stderr, later ones only counted.
    """

    def __init__(self, schema: Any, source_name: str, skip: bool) -> None:
        super().__init__(schema)
        self.source_name = source_name
        self.skip = skip
        self.skipped = 0

    def open(self, ctx: OperationContext) -> None:
        super().open(ctx)
        self.format_name, self.decode = text_decoder(self.function)
        self.skipped = 0

    def process(self, records: list, timestamps: list | None) -> tuple[list, list | None]:
        decode = self.decode
        out: list = []
        out_ts: list | None = None if timestamps is None else []
        for i, text in enumerate(records):
            if text is None:
                continue  # a tombstone (null value) holds no record, as Flink's row formats read it
            try:
                row = decode(text)
            except Exception as error:  # any parse problem is the record's, handled by the policy
                self._undecodable(text, error)
                continue
            if row is not None:  # None: no record in the text (a JSON null, CSV comments), as in Flink
                out.append(row)
                if out_ts is not None:
                    out_ts.append(timestamps[i])  # type: ignore[index]
        return out, out_ts

    def _undecodable(self, text: Any, error: Exception) -> None:
        reason = f"Failed to deserialize {self.format_name} '{_shown(text)}': {error}"
        if not self.skip:
            raise PyStreamError(reason) from error
        self.skipped += 1
        if self.skipped == 1:
            print(f"pystream: {self.source_name} skipped an undeserializable record: {reason}", file=sys.stderr)
