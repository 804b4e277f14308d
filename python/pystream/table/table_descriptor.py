"""``TableDescriptor`` and ``FormatDescriptor``, as in ``pyflink.table.table_descriptor``.

They only describe a table; ``_create_table_sql`` writes one as the ``CREATE TABLE`` text the
engine reads (names in backquotes, strings with doubled quotes; no SQL semantics here).
"""

from __future__ import annotations

from typing import Any, Sequence

from pystream.table.schema import Schema
from pystream.table._sql_text import quote_identifier, quote_path, quote_string

__all__ = ["TableDescriptor", "FormatDescriptor"]


def _option_text(key: Any, value: Any) -> tuple[str, str]:
    """An option as text: ``True`` is ``'true'`` (as Flink's options read), anything else ``str``."""
    if not isinstance(key, str) or not key:
        raise ValueError(f"an option key must be a non-empty str, got {key!r}")
    if value is None:
        raise ValueError(f"option '{key}' needs a value, got None")
    text = ("true" if value else "false") if isinstance(value, bool) else str(value)
    return key, text


class FormatDescriptor:
    """A format and its options (``FormatDescriptor.for_format('json').option('ignore-parse-errors', True)``)."""

    def __init__(self, format: str, options: dict[str, str]) -> None:
        self._format = format
        self._options = dict(options)

    @staticmethod
    def for_format(format: str) -> "FormatDescriptor.Builder":
        if not isinstance(format, str) or not format:
            raise ValueError(f"a format needs a name, got {format!r}")
        return FormatDescriptor.Builder(format)

    def get_format(self) -> str:
        return self._format

    def get_options(self) -> dict[str, str]:
        return dict(self._options)

    def __str__(self) -> str:
        options = ", ".join(f"{quote_string(k)} = {quote_string(v)}" for k, v in self._options.items())
        return f"{self._format}[{options}]"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, FormatDescriptor) and (self._format, self._options) == (other._format, other._options)

    def __hash__(self) -> int:
        return hash(self._format)

    class Builder:
        def __init__(self, format: str) -> None:
            self._format = format
            self._options: dict[str, str] = {}

        def option(self, key: str, value: Any) -> "FormatDescriptor.Builder":
            """An option of the format, without its prefix (``'ignore-parse-errors'``, not ``'json.ignore-parse-errors'``)."""
            key, text = _option_text(key, value)
            self._options[key] = text
            return self

        def build(self) -> "FormatDescriptor":
            return FormatDescriptor(self._format, self._options)


class TableDescriptor:
    """A connector's table: schema, options, format, partition keys, comment."""

    def __init__(self, schema: Schema | None, options: dict[str, str], partition_keys: Sequence[str],
                 comment: str | None) -> None:
        self._schema = schema
        self._options = dict(options)
        self._partition_keys = list(partition_keys)
        self._comment = comment

    @staticmethod
    def for_connector(connector: str) -> "TableDescriptor.Builder":
        if not isinstance(connector, str) or not connector:
            raise ValueError(f"a connector needs a name, got {connector!r}")
        return TableDescriptor.Builder(connector)

    def get_schema(self) -> Schema | None:
        return self._schema

    def get_options(self) -> dict[str, str]:
        return dict(self._options)

    def get_partition_keys(self) -> list[str]:
        return list(self._partition_keys)

    def get_comment(self) -> str | None:
        return self._comment

    def _create_table_sql(self, path: str, temporary: bool) -> str:
        """``CREATE [TEMPORARY] TABLE`` of this table at ``path``."""
        create = "CREATE TEMPORARY TABLE" if temporary else "CREATE TABLE"
        return f"{create} {quote_path(path)} {self}"

    def __str__(self) -> str:
        """The table as Flink shows a descriptor: schema, comment, partition keys, options."""
        lines = [] if self._schema is None else [str(self._schema)]
        if self._comment is not None:
            lines.append(f"COMMENT {quote_string(self._comment)}")
        if self._partition_keys:
            lines.append(f"PARTITIONED BY ({', '.join(quote_identifier(k) for k in self._partition_keys)})")
        options = ",\n".join(f"  {quote_string(k)} = {quote_string(v)}" for k, v in self._options.items())
        lines.append(f"WITH (\n{options}\n)")
        return "\n".join(lines)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, TableDescriptor) and str(self) == str(other)

    def __hash__(self) -> int:
        return hash(str(self))

    class Builder:
        def __init__(self, connector: str) -> None:
            self._schema: Schema | None = None
            self._options: dict[str, str] = {"connector": connector}
            self._partition_keys: list[str] = []
            self._comment: str | None = None

        def schema(self, schema: Schema) -> "TableDescriptor.Builder":
            if not isinstance(schema, Schema):
                raise TypeError(f"schema takes a Schema (Schema.new_builder()...build()), got {schema!r}")
            self._schema = schema
            return self

        def option(self, key: str, value: Any) -> "TableDescriptor.Builder":
            key, text = _option_text(key, value)
            self._options[key] = text
            return self

        def format(self, format: str | FormatDescriptor, format_option_key: str | None = None) -> "TableDescriptor.Builder":
            """The format under ``format_option_key`` (default ``'format'``; ``'key.format'``, ``'value.format'``),
            its options prefixed as Flink prefixes them (``'json.ignore-parse-errors'``, ``'key.json.…'``)."""
            key = format_option_key or "format"
            descriptor = FormatDescriptor(format, {}) if isinstance(format, str) else format
            if not isinstance(descriptor, FormatDescriptor):
                raise TypeError(f"format takes a format name or a FormatDescriptor, got {format!r}")
            self._options[key] = descriptor.get_format()
            base = key[:-len("format")] if key.endswith("format") else f"{key}."
            for name, value in descriptor.get_options().items():
                self._options[f"{base}{descriptor.get_format()}.{name}"] = value
            return self

        def partitioned_by(self, *partition_keys: str) -> "TableDescriptor.Builder":
            self._partition_keys = list(partition_keys)
            return self

        def comment(self, comment: str) -> "TableDescriptor.Builder":
            self._comment = comment
            return self

        def build(self) -> "TableDescriptor":
            return TableDescriptor(self._schema, self._options, self._partition_keys, self._comment)

