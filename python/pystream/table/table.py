"""``Table``, as in ``pyflink.table.table``: a query, described by its SQL text.

A table from ``sql_query`` holds the query's text; one from ``from_path`` reads the table of that
name. Running it (``execute``, ``execute_insert``, ``explain``) sends that text to the engine. In
SQL text, ``str(table)`` names the table (it is registered as a temporary view on first use,
``UnnamedTable$0`` ..., as in PyFlink). The expression methods (``select``, ``where``, ``group_by``
...) are the Table API's expression part, not supported yet: they raise ``NotImplementedError``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pystream._pyflink_api import install_unsupported
from pystream.table._sql_text import quote_identifier
from pystream.table.table_result import TableResult
from pystream.table.table_schema import TableSchema
from pystream.table.types import _parse_type

if TYPE_CHECKING:
    from pystream.table.table_environment import TableEnvironment

__all__ = ["Table"]


class Table:
    def __init__(self, query: str, t_env: "TableEnvironment") -> None:
        self._query = query
        self._t_env = t_env
        self._name: str | None = None

    def execute(self) -> TableResult:
        """Runs the query; the rows come from its result (``print()``, ``collect()``)."""
        return self._t_env._execute(self._query)

    def execute_insert(self, table_path_or_descriptor: Any, overwrite: bool = False) -> TableResult:
        """Writes the rows into the table at ``table_path_or_descriptor`` (a path, or a ``TableDescriptor``)."""
        return self._t_env._execute(self._t_env._insert_sql(table_path_or_descriptor, self, overwrite))

    def explain(self, *extra_details: Any) -> str:
        """The query's plan, as the engine explains it."""
        return self._t_env._explain(self._query, details=extra_details)

    def get_schema(self) -> TableSchema:
        """The query's columns and their types, as the engine derives them."""
        columns = self._t_env._describe(self._query)
        return TableSchema([c.name for c in columns], [_parse_type(c.type) for c in columns])

    def print_schema(self) -> None:
        """Prints the columns as Flink prints a resolved schema: ``(`a` INT, ...)``, one column a line."""
        columns = self._t_env._describe(self._query)
        print("(\n" + ",\n".join(f"  {quote_identifier(c.name)} {c.type}" for c in columns) + "\n)")

    def __str__(self) -> str:
        """The table's name in SQL text: the query is registered as a temporary view on first use."""
        if self._name is None:
            self._name = self._t_env._register_unnamed(self)
        return self._name


install_unsupported(Table)
