"""What a table environment keeps for the engine, which keeps nothing between statements.

Its catalog is the statements the engine accepted (``SqlResponse.catalog_entry``), replayed with
every request; its configuration is the ``TableConfig``'s; its mode is batch or streaming. Each
statement is one ``SqlRequest`` through ``_bridge.sql``.
"""

from __future__ import annotations

import uuid
from typing import Callable, Sequence

from pystream import _bridge
from pystream._proto import sql_pb2
from pystream.common.configuration import Configuration
from pystream.table.udf import resolve

__all__ = ["SqlSession"]



class SqlSession:
    def __init__(self, configuration: Configuration, batch: bool) -> None:
        self.configuration = configuration
        self.batch = batch
        self.catalog: list[sql_pb2.CatalogEntry] = []
        # A StreamTableEnvironment's: the id after its DataStream job's nodes (SqlRequest.first_transformation_id).
        self.first_transformation_id: Callable[[], int] | None = None

    def send(self, statement: str = "", inserts: Sequence[str] = (), explain: bool = False,
             table: sql_pb2.TableRequest | None = None,
             function: sql_pb2.PythonFunction | None = None) -> tuple[sql_pb2.SqlResponse, str]:
        """The engine's answer to one statement (or a statement set's ``inserts``, a Table API ``table``, or a
        Python ``function`` to register), with the collect id its query results would arrive under; the catalog and
        configuration take what the answer changes."""
        # Unique across every client of a gateway: the gateway keeps results by this id.
        collect_id = f"sql-collect-{uuid.uuid4().hex}"
        request = sql_pb2.SqlRequest(catalog=self.catalog, configuration=self.configuration.to_dict(),
                                     batch_mode=self.batch, statement=statement, inserts=list(inserts),
                                     collect_id=collect_id, explain=explain, table=table,
                                     register_function=function,
                                     first_transformation_id=self.first_transformation_id() if self.first_transformation_id else 0)
        response = sql_pb2.SqlResponse.FromString(_bridge.sql(request.SerializeToString()))
        entry = response.catalog_entry
        if entry.python_function.qualified_name and not entry.python_function.function:
            # CREATE FUNCTION ... AS 'module.fn' LANGUAGE PYTHON: the engine asks for the object it names.
            registered, _ = self.send(function=resolve(entry.python_function))
            response.catalog_entry.CopyFrom(registered.catalog_entry)
            return response, collect_id
        if response.HasField("catalog_entry") and response.catalog_entry.sql:
            self.catalog.append(response.catalog_entry)
        if response.set_key:
            self.configuration.set_string(response.set_key, response.set_value)
        for key in response.reset_keys:
            self.configuration.remove_config(key)
        return response, collect_id
