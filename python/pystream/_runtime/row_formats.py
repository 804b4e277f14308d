"""Codecs for the row formats' schemas: the API's schemas only describe a format (a row
type and options); the worker builds the functions that read and write records from them.
"""

from __future__ import annotations

from typing import Any, Callable

from pystream._runtime.csv_rows import csv_row_decoder, csv_row_encoder
from pystream._runtime.json_rows import json_row_decoder, json_row_encoder
from pystream.common.types import Row
from pystream.datastream.formats.csv import CsvRowDeserializationSchema, CsvRowSerializationSchema
from pystream.datastream.formats.json import JsonRowDeserializationSchema, JsonRowSerializationSchema

__all__ = ["TextDecoder", "text_decoder", "bytes_encoder"]

TextDecoder = Callable[[str], "Row | None"]

# Per deserialization schema: the format's name in error messages, and its decoder.
_DECODERS: dict[type, tuple[str, Callable[[Any], TextDecoder]]] = {
    JsonRowDeserializationSchema: ("JSON", lambda s: json_row_decoder(s._type_info, s._fail_on_missing_field)),
    CsvRowDeserializationSchema: ("CSV row", lambda s: csv_row_decoder(s._type_info, s._options)),
}
_ENCODERS: dict[type, Callable[[Any], Callable[[Any], str]]] = {
    JsonRowSerializationSchema: lambda s: json_row_encoder(s._type_info),
    CsvRowSerializationSchema: lambda s: csv_row_encoder(s._type_info, s._options),
}


def _entry(table: dict[type, Any], schema: Any) -> Any:
    for kind in type(schema).__mro__:
        if kind in table:
            return table[kind]
    raise TypeError(f"{type(schema).__name__} is not a row format schema PyStream supports")


def text_decoder(schema: Any) -> tuple[str, TextDecoder]:
    """The format's name and a function from a value's text to a Row (None: no record)."""
    name, build = _entry(_DECODERS, schema)
    return name, build(schema)


def bytes_encoder(schema: Any) -> Callable[[Any], bytes]:
    """A function from a record to the UTF-8 bytes of its text in the schema's format."""
    text_of = _entry(_ENCODERS, schema)(schema)
    return lambda row: text_of(row).encode("utf-8")
