"""Rows to CSV lines and back, as Flink's ``CsvRowSerializationSchema`` and
``CsvRowDeserializationSchema`` (Jackson's CSV mapper underneath) do.

Writing: numbers and booleans bare; text quoted when it holds a character below the
highest of the delimiter, quote and line-delimiter characters (Jackson's quick quoting
check, which quotes ``a b`` because of the space); arrays and nested rows joined by the
array element delimiter; a line delimiter (``\\n`` by default) after every row.

Reading: the first record of the text; fields parsed as Java parses them. With
``ignore_parse_errors`` a field that does not parse becomes null and missing trailing
fields are null, as in Flink; a record that cannot be split at all is still an error.
"""

from __future__ import annotations

import base64
import re
from typing import Any, Callable

from pystream._runtime.formatting import java_double_str, java_float_str, java_text_for
from pystream._runtime.java_text import bool_text, checked_number, int_text, iso_local_time, scalar_parser, wrong_value
from pystream._runtime.json_rows import row_values
from pystream.common._type_classes import is_byte_array
from pystream.common.typeinfo import (
    BasicType, BasicTypeInfo, LocalTimeType, LocalTimeTypeInfo, RowTypeInfo, TypeInformation)
from pystream.common.types import Row, _restore_row
from pystream.datastream.formats._row_types import csv_nested_types, require_csv_supported
from pystream.datastream.formats.csv import CsvOptions

__all__ = ["csv_row_encoder", "csv_row_decoder"]

Text = Callable[[Any], str]


# ---- writing -------------------------------------------------------------------------

def _quoter(options: CsvOptions) -> Callable[[str], str]:
    quote, escape, delimiter = options.quote_character, options.escape_character, options.field_delimiter
    if quote is None:
        if escape is None:
            return lambda text: text
        specials = re.compile("[" + re.escape(delimiter + escape) + "]")
        return lambda text: specials.sub(lambda m: escape + m.group(), text)  # type: ignore[operator]
    highest = max(ord(c) for c in delimiter + quote + options.line_delimiter)
    unsafe = re.compile("[\\u0000-\\u%04x%s%s]" % (highest, re.escape(quote), re.escape(escape or "")))
    doubled = quote + quote

    def quoted(text: str) -> str:
        if unsafe.search(text) is None:
            return text
        if escape is not None:
            text = text.replace(escape, escape + escape)
        return quote + text.replace(quote, doubled) + quote
    return quoted


def _string(value: Any) -> str:
    return value if type(value) is str else wrong_value(value, "a str")


def _raw_text(type_info: TypeInformation) -> Text:
    """The unquoted text of a simple value."""
    if isinstance(type_info, BasicTypeInfo):
        kind = type_info.basic_type
        if kind is BasicType.STRING:
            return _string
        if kind is BasicType.BOOLEAN:
            return bool_text
        if kind is BasicType.DOUBLE:
            return checked_number(java_double_str, "a number")
        if kind is BasicType.FLOAT:
            return checked_number(java_float_str, "a number")
        if kind is BasicType.BIG_DEC:
            return str
        return int_text
    if isinstance(type_info, LocalTimeTypeInfo) and type_info.time_type is LocalTimeType.LOCAL_DATE_TIME:
        # Flink writes local date-times as "yyyy-MM-dd HH:mm:ss[.f]".
        return lambda v: v.date().isoformat() + " " + iso_local_time(v.time())
    return java_text_for(type_info)  # java.sql and java.time values: their toString()


def _field_text(type_info: TypeInformation, options: CsvOptions, quoted: Callable[[str], str]) -> Text:
    nested = csv_nested_types(type_info)
    if nested is not None:
        elements = [_raw_text(t) for t in nested]
        null = options.null_literal or ""
        separator = options.array_element_delimiter
        if isinstance(type_info, RowTypeInfo):
            names = type_info.get_field_names()
            return lambda v: quoted(separator.join([null if x is None else f(x)
                                                    for f, x in zip(elements, row_values(v, names))]))
        element = elements[0]
        return lambda v: quoted(separator.join([null if x is None else element(x) for x in v]))
    if is_byte_array(type_info):
        return lambda v: quoted(base64.b64encode(bytes(v)).decode("ascii"))
    raw = _raw_text(type_info)
    if isinstance(type_info, BasicTypeInfo) and type_info.basic_type is not BasicType.STRING:
        return raw  # numbers and booleans are written bare
    return lambda v: quoted(raw(v))


def csv_row_encoder(row_type: RowTypeInfo, options: CsvOptions) -> Text:
    """One row (a Row, tuple, list or dict) to its CSV line, line delimiter included."""
    require_csv_supported(row_type)
    quoted = _quoter(options)
    names = row_type.get_field_names()
    writers = [_field_text(t, options, quoted) for t in row_type.get_field_types()]
    arity, null = len(names), options.null_literal or ""
    delimiter, end = options.field_delimiter, options.line_delimiter

    def write(value: Any) -> str:
        values = row_values(value, names)
        if len(values) != arity:
            raise ValueError(f"Row length mismatch. {arity} fields expected but was {len(values)}.")
        return delimiter.join([null if v is None else w(v) for w, v in zip(writers, values)]) + end
    return write


# ---- reading -------------------------------------------------------------------------

def _splitter(options: CsvOptions) -> Callable[[str], list[str] | None]:
    """The fields of the text's first record; None when the text holds only comment lines."""
    delimiter, quote, escape = options.field_delimiter, options.quote_character, options.escape_character
    specials = re.compile("[" + re.escape((quote or "") + (escape or "")) + "]") if quote or escape else None

    def scan(line: str) -> list[str]:
        fields: list[str] = []
        current: list[str] = []
        i, n, starting = 0, len(line), True
        while i < n:
            c = line[i]
            if c == escape:
                current.append(line[i + 1:i + 2])
                i, starting = i + 2, False
            elif c == quote and starting:
                i, starting = _quoted(line, i + 1, current, quote, escape), False
                if i < n and line[i] != delimiter:
                    raise ValueError(f"Expected separator ('{delimiter}') or end-of-line after a quoted value")
            elif c == delimiter:
                fields.append("".join(current))
                current, i, starting = [], i + 1, True
            else:
                current.append(c)
                i, starting = i + 1, False
        fields.append("".join(current))
        return fields

    def split(text: str) -> list[str] | None:
        if not text:
            raise ValueError("No content to map due to end-of-input")
        if options.allow_comments:
            while text.startswith("#"):
                _, _, text = text.partition("\n")
            if not text:
                return None
        if specials is not None and specials.search(text) is not None:
            return scan(_first_record(text, quote))
        return _first_line(text).split(delimiter)
    return split


def _quoted(line: str, i: int, current: list[str], quote: str, escape: str | None) -> int:
    """Reads a quoted value from ``line[i:]`` into ``current``; returns the index after its closing quote."""
    n = len(line)
    while i < n:
        c = line[i]
        if c == escape:
            current.append(line[i + 1:i + 2])
            i += 2
        elif c == quote:
            if line[i + 1:i + 2] != quote:
                return i + 1
            current.append(quote)  # a doubled quote is one quote character
            i += 2
        else:
            current.append(c)
            i += 1
    raise ValueError("Missing closing quote for value")


def _first_line(text: str) -> str:
    end = len(text)
    for brk in ("\n", "\r"):
        at = text.find(brk)
        if 0 <= at < end:
            end = at
    return text[:end]


def _first_record(text: str, quote: str | None) -> str:
    # Line breaks inside quotes belong to the value; the first one outside ends the record.
    if quote is None or quote not in text:
        return _first_line(text)
    inside = False
    for i, c in enumerate(text):
        if c == quote:
            inside = not inside
        elif not inside and (c == "\n" or c == "\r"):
            return text[:i]
    return text


def _guarded(read: Callable[[str], Any], name: str, ignore: bool) -> Callable[[str], Any]:
    def guarded(text: str) -> Any:
        try:
            return read(text)
        except (ValueError, ArithmeticError) as error:
            if ignore:
                return None  # Flink: a field that does not parse is null when parse errors are ignored
            raise ValueError(f"field '{name}': {error}") from error
    return guarded


def _field_reader(name: str, type_info: TypeInformation, options: CsvOptions) -> Callable[[str], Any]:
    ignore, null = options.ignore_parse_errors, options.null_literal
    nested = csv_nested_types(type_info)
    if nested is None:
        if is_byte_array(type_info):
            return _guarded(lambda text: base64.b64decode(text, validate=True), name, ignore)
        return _guarded(scalar_parser(type_info, csv=True), name, ignore)  # type: ignore[arg-type]
    readers = [_guarded(scalar_parser(t, csv=True), name, ignore) for t in nested]  # type: ignore[arg-type]
    separator = options.array_element_delimiter
    if isinstance(type_info, RowTypeInfo):
        names = type_info.get_field_names()

        def row(text: str) -> Row:
            parts = text.split(separator) if text else []
            if len(parts) != len(readers):
                if not ignore:
                    raise ValueError(f"field '{name}': Row length mismatch. {len(readers)} fields expected "
                                     f"but was {len(parts)}.")
                parts += [null] * (len(readers) - len(parts))
            return _restore_row([None if x is None or x == null else r(x) for r, x in zip(readers, parts)], names, 0)
        return row
    element = readers[0]
    return lambda text: [None if x == null else element(x) for x in text.split(separator)] if text else []


def csv_row_decoder(row_type: RowTypeInfo, options: CsvOptions) -> Callable[[str], Row | None]:
    """The first CSV record of the text to a Row with the type's field names; None for comments only."""
    require_csv_supported(row_type)
    names = row_type.get_field_names()
    readers = [_field_reader(n, t, options) for n, t in zip(names, row_type.get_field_types())]
    split = _splitter(options)
    arity, null, ignore = len(names), options.null_literal, options.ignore_parse_errors

    def decode(text: str) -> Row | None:
        fields = split(text)
        if fields is None:
            return None
        count = len(fields)
        if count != arity:
            if count > arity:
                raise ValueError(f"Too many entries: expected at most {arity}, got {count}")
            if not ignore:
                raise ValueError(f"Row length mismatch. {arity} fields expected but was {count}.")
            fields += [None] * (arity - count)  # type: ignore[list-item]
        return _restore_row([None if f is None or f == null else r(f) for r, f in zip(readers, fields)], names, 0)
    return decode
