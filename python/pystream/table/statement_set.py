"""``StatementSet``, as in ``pyflink.table.statement_set``: several INSERTs run as one job."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pystream._pyflink_api import install_unsupported
from pystream.table.table_result import TableResult

if TYPE_CHECKING:
    from pystream.table.table import Table
    from pystream.table.table_environment import TableEnvironment

__all__ = ["StatementSet"]


class StatementSet:
    def __init__(self, t_env: "TableEnvironment") -> None:
        self._t_env = t_env
        self._inserts: list[str] = []

    def add_insert_sql(self, stmt: str) -> "StatementSet":
        """Adds an ``INSERT INTO ... SELECT ...`` statement."""
        if not isinstance(stmt, str) or not stmt.strip():
            raise ValueError(f"add_insert_sql takes an INSERT statement, got {stmt!r}")
        self._inserts.append(stmt)
        return self

    def add_insert(self, target_path_or_descriptor: Any, table: "Table", overwrite: bool = False) -> "StatementSet":
        """Adds writing ``table`` into the table at ``target_path_or_descriptor`` (a path; a descriptor is
        created as a temporary table first, under a generated name)."""
        self._inserts.append(self._t_env._insert_sql(target_path_or_descriptor, table, overwrite))
        return self

    def explain(self, *extra_details: Any) -> str:
        """The plan of the job the INSERTs would run as, as the engine explains it."""
        return self._t_env._explain(inserts=self._inserts, details=extra_details)

    def execute(self) -> TableResult:
        """Runs the INSERTs as one job; the statement set is empty afterwards."""
        if not self._inserts:
            raise ValueError("the statement set has no INSERT to execute: add_insert_sql or add_insert first")
        inserts, self._inserts = self._inserts, []
        return self._t_env._execute(inserts=inserts)


install_unsupported(StatementSet)
