"""CSV rows, as in ``pyflink.datastream.formats.csv``.

The schemas only describe the format (a row type and Jackson's CSV options); the Python
worker builds the codecs that read and write the lines from them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from pystream.common.typeinfo import RowTypeInfo, TypeInformation
from pystream.datastream.formats._row_types import require_csv_supported

__all__ = ["CsvRowDeserializationSchema", "CsvRowSerializationSchema"]


@dataclass(frozen=True)
class CsvOptions:
    """Jackson's CSV settings, as the schema builders set them."""

    field_delimiter: str = ","
    quote_character: str | None = '"'
    escape_character: str | None = None
    array_element_delimiter: str = ";"
    null_literal: str | None = None
    line_delimiter: str = "\n"
    allow_comments: bool = False
    ignore_parse_errors: bool = False

_LINE_DELIMITERS = ("\n", "\r", "\r\n", "")


def _char(value: str, what: str) -> str:
    # Java takes a char here; PyFlink passes a one-character str.
    if not isinstance(value, str) or len(value) != 1:
        raise ValueError(f"{what} must be a single character, got {value!r}")
    return value


class CsvRowDeserializationSchema:
    """Reads the first CSV record of each value into a row of the declared type."""

    def __init__(self, type_info: RowTypeInfo, options: CsvOptions) -> None:
        self._type_info = require_csv_supported(type_info)
        self._options = options
        self._ignore_parse_errors = options.ignore_parse_errors

    def get_produced_type(self) -> TypeInformation:
        return self._type_info

    def __repr__(self) -> str:
        return f"CsvRowDeserializationSchema({self._type_info!r}, {self._options})"

    class Builder:
        def __init__(self, type_info: TypeInformation) -> None:
            self._type_info = require_csv_supported(type_info)
            self._options = CsvOptions()

        def _set(self, **changes: Any) -> "CsvRowDeserializationSchema.Builder":
            self._options = replace(self._options, **changes)
            return self

        def set_field_delimiter(self, delimiter: str) -> "CsvRowDeserializationSchema.Builder":
            return self._set(field_delimiter=_char(delimiter, "field delimiter"))

        def set_allow_comments(self, allow_comments: bool) -> "CsvRowDeserializationSchema.Builder":
            return self._set(allow_comments=bool(allow_comments))

        def set_array_element_delimiter(self, delimiter: str) -> "CsvRowDeserializationSchema.Builder":
            if not delimiter:
                raise ValueError("Delimiter must not be empty.")
            return self._set(array_element_delimiter=delimiter)

        def set_quote_character(self, c: str) -> "CsvRowDeserializationSchema.Builder":
            return self._set(quote_character=_char(c, "quote character"))

        def set_escape_character(self, c: str) -> "CsvRowDeserializationSchema.Builder":
            return self._set(escape_character=_char(c, "escape character"))

        def set_null_literal(self, null_literal: str) -> "CsvRowDeserializationSchema.Builder":
            if null_literal is None:
                raise ValueError("Null literal must not be null.")
            return self._set(null_literal=null_literal)

        def set_ignore_parse_errors(self, ignore_parse_errors: bool) -> "CsvRowDeserializationSchema.Builder":
            return self._set(ignore_parse_errors=bool(ignore_parse_errors))

        def build(self) -> "CsvRowDeserializationSchema":
            return CsvRowDeserializationSchema(self._type_info, self._options)


class CsvRowSerializationSchema:
    """Writes rows as CSV lines (with a trailing line delimiter, ``\\n`` by default, as Flink)."""

    def __init__(self, type_info: RowTypeInfo, options: CsvOptions) -> None:
        self._type_info = require_csv_supported(type_info)
        self._options = options

    def __repr__(self) -> str:
        return f"CsvRowSerializationSchema({self._type_info!r}, {self._options})"

    class Builder:
        def __init__(self, type_info: TypeInformation) -> None:
            self._type_info = require_csv_supported(type_info)
            self._options = CsvOptions()

        def _set(self, **changes: Any) -> "CsvRowSerializationSchema.Builder":
            self._options = replace(self._options, **changes)
            return self

        def set_field_delimiter(self, c: str) -> "CsvRowSerializationSchema.Builder":
            return self._set(field_delimiter=_char(c, "field delimiter"))

        def set_line_delimiter(self, delimiter: str) -> "CsvRowSerializationSchema.Builder":
            if delimiter not in _LINE_DELIMITERS:
                raise ValueError("Unsupported new line delimiter. Only \\n, \\r, \\r\\n, or empty string are "
                                 "supported.")
            return self._set(line_delimiter=delimiter)

        def set_array_element_delimiter(self, delimiter: str) -> "CsvRowSerializationSchema.Builder":
            if delimiter is None:
                raise ValueError("Delimiter must not be null.")
            return self._set(array_element_delimiter=delimiter)

        def disable_quote_character(self) -> "CsvRowSerializationSchema.Builder":
            return self._set(quote_character=None)

        def set_quote_character(self, c: str) -> "CsvRowSerializationSchema.Builder":
            return self._set(quote_character=_char(c, "quote character"))

        def set_escape_character(self, c: str) -> "CsvRowSerializationSchema.Builder":
            return self._set(escape_character=_char(c, "escape character"))

        def set_null_literal(self, s: str) -> "CsvRowSerializationSchema.Builder":
            if s is None:
                raise ValueError("Null literal must not be null.")
            return self._set(null_literal=s)

        def build(self) -> "CsvRowSerializationSchema":
            return CsvRowSerializationSchema(self._type_info, self._options)
