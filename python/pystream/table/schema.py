"""``Schema``, as in ``pyflink.table.schema``: the columns, watermark and primary key of a table.

It only describes; ``_ddl_lines`` writes it as the body of a ``CREATE TABLE`` (the engine reads it).
"""

from __future__ import annotations

from typing import Any, Sequence

from pystream.table._sql_text import quote_identifier, quote_string
from pystream.table.types import DataType

__all__ = ["Schema"]


class _Column:
    def __init__(self, name: str, definition: str, comment: str | None = None) -> None:
        self.name = name
        self.definition = definition
        self.comment = comment

    def ddl(self) -> str:
        comment = "" if self.comment is None else f" COMMENT {quote_string(self.comment)}"
        return f"{quote_identifier(self.name)} {self.definition}{comment}"


class Schema:
    """A table's schema: physical, computed and metadata columns, a watermark, a primary key."""

    def __init__(self, columns: Sequence[_Column], watermarks: Sequence[tuple[str, str]],
                 primary_key: tuple[str | None, tuple[str, ...]] | None) -> None:
        self._columns = list(columns)
        self._watermarks = list(watermarks)
        self._primary_key = primary_key

    @staticmethod
    def new_builder() -> "Schema.Builder":
        return Schema.Builder()

    def _ddl_lines(self) -> list[str]:
        lines = [c.ddl() for c in self._columns]
        lines += [f"WATERMARK FOR {quote_identifier(column)} AS {expression}" for column, expression in self._watermarks]
        if self._primary_key is not None:
            name, columns = self._primary_key
            constraint = "" if name is None else f"CONSTRAINT {quote_identifier(name)} "
            lines.append(f"{constraint}PRIMARY KEY ({', '.join(quote_identifier(c) for c in columns)}) NOT ENFORCED")
        return lines

    def __str__(self) -> str:
        return "(\n" + ",\n".join(f"  {line}" for line in self._ddl_lines()) + "\n)"

    def __repr__(self) -> str:
        return str(self)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Schema) and str(self) == str(other)

    def __hash__(self) -> int:
        return hash(str(self))

    class Builder:
        """Builds a ``Schema`` column by column."""

        def __init__(self) -> None:
            self._columns: list[_Column] = []
            self._watermarks: list[tuple[str, str]] = []
            self._primary_key: tuple[str | None, tuple[str, ...]] | None = None

        def from_schema(self, unresolved_schema: Schema) -> "Schema.Builder":
            self._columns.extend(_Column(c.name, c.definition, c.comment) for c in unresolved_schema._columns)
            self._watermarks.extend(unresolved_schema._watermarks)
            if unresolved_schema._primary_key is not None:
                self._set_primary_key(*unresolved_schema._primary_key)
            return self

        def from_row_data_type(self, data_type: DataType) -> "Schema.Builder":
            fields = getattr(data_type, "fields", None)
            if fields is None:
                raise TypeError(f"from_row_data_type takes a ROW type, got {data_type}")
            for field in fields:
                self.column(field.name, field.data_type)
            return self

        def from_fields(self, field_names: Sequence[str], field_data_types: Sequence[DataType]) -> "Schema.Builder":
            if len(field_names) != len(field_data_types):
                raise ValueError(f"from_fields got {len(field_names)} names but {len(field_data_types)} types")
            for name, data_type in zip(field_names, field_data_types):
                self.column(name, data_type)
            return self

        def column(self, column_name: str, data_type: DataType | str) -> "Schema.Builder":
            """A physical column of ``data_type`` (a DataType, or its SQL text such as ``'INT NOT NULL'``)."""
            return self._add(column_name, _type_text(data_type, column_name))

        def column_by_expression(self, column_name: str, expr: Any) -> "Schema.Builder":
            """A computed column: ``expr`` is SQL text (``'amount * 2'``)."""
            return self._add(column_name, f"AS {_expression_text(expr, column_name)}")

        def column_by_metadata(self, column_name: str, data_type: DataType | str, metadata_key: str | None = None,
                               is_virtual: bool = False) -> "Schema.Builder":
            """A column read from the connector's metadata ``metadata_key`` (default: the column's name)."""
            definition = f"{_type_text(data_type, column_name)} METADATA"
            if metadata_key is not None:
                definition += f" FROM {quote_string(metadata_key)}"
            if is_virtual:
                definition += " VIRTUAL"
            return self._add(column_name, definition)

        def with_comment(self, comment: str) -> "Schema.Builder":
            """A comment on the column declared last."""
            if not self._columns:
                raise ValueError("with_comment comments the column declared last; declare a column first")
            self._columns[-1].comment = comment
            return self

        def watermark(self, column_name: str, watermark_expr: Any) -> "Schema.Builder":
            """Event time from the column ``column_name``, with watermarks by ``watermark_expr`` (SQL text)."""
            self._require_name(column_name, "watermark")
            self._watermarks.append((column_name, _expression_text(watermark_expr, column_name)))
            return self

        def primary_key(self, *column_names: str) -> "Schema.Builder":
            return self._set_primary_key(None, column_names)

        def primary_key_named(self, constraint_name: str, *column_names: str) -> "Schema.Builder":
            return self._set_primary_key(constraint_name, column_names)

        def build(self) -> Schema:
            return Schema(self._columns, self._watermarks, self._primary_key)

        def _add(self, name: str, definition: str) -> "Schema.Builder":
            self._require_name(name, "column")
            self._columns.append(_Column(name, definition))
            return self

        def _set_primary_key(self, name: str | None, columns: Sequence[str]) -> "Schema.Builder":
            if self._primary_key is not None:
                raise ValueError("a schema has one primary key; it is declared already")
            if not columns:
                raise ValueError("a primary key needs at least one column")
            for column in columns:
                self._require_name(column, "primary key column")
            self._primary_key = (name, tuple(columns))
            return self

        @staticmethod
        def _require_name(name: Any, what: str) -> None:
            if not isinstance(name, str) or not name:
                raise ValueError(f"a {what} needs a name (a non-empty str), got {name!r}")


def _type_text(data_type: DataType | str, column: str) -> str:
    if isinstance(data_type, (DataType, str)) and str(data_type).strip():
        return str(data_type)
    raise TypeError(f"column '{column}' needs a DataType or its SQL text, got {data_type!r}")


def _expression_text(expr: Any, column: str) -> str:
    if isinstance(expr, str) and expr.strip():
        return expr
    raise NotImplementedError(f"the expression of column '{column}' must be SQL text for now "
                              f"(Table API expressions are not supported by PyStream yet), got {expr!r}")
