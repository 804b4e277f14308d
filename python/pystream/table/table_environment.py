"""``TableEnvironment`` and ``StreamTableEnvironment``, as in ``pyflink.table.table_environment``.

A table environment only describes: every statement goes to the engine as text (``SqlSession``),
which parses, validates, plans and runs it. What the environment keeps is the catalog the engine
returned, the configuration (``get_config()``) and the mode (batch or streaming).
"""

from __future__ import annotations

import itertools
from decimal import Decimal
from typing import Any, Iterable

from pystream._proto import sql_pb2
from pystream._pyflink_api import install_unsupported
from pystream.common.configuration import Configuration
from pystream.datastream.execution_mode import RuntimeExecutionMode
from pystream.datastream._pipeline import Node
from pystream.datastream.data_stream import DataStream
from pystream.datastream.stream_execution_environment import StreamExecutionEnvironment
from pystream.table._data_streams import add_sql_nodes, create_table_sql, joined_job, stream_type
from pystream.table._sql_session import SqlSession
from pystream.table.udf import python_function
from pystream.util.exceptions import ValidationException
from pystream.table._sql_text import quote_identifier, quote_path
from pystream.table.environment_settings import BUILT_IN_CATALOG, BUILT_IN_DATABASE, EnvironmentSettings
from pystream.table.explain_detail import ExplainDetail
from pystream.table.statement_set import StatementSet
from pystream.table.expression import _literal, _type_of
from pystream.table.table import Table, _path_parts
from pystream.table.table_config import TableConfig
from pystream.table.table_descriptor import TableDescriptor
from pystream.table.table_result import TableResult, _response_rows
from pystream.table.types import RowType

__all__ = ["TableEnvironment", "StreamTableEnvironment"]

_PARALLELISM = "parallelism.default"
_RUNTIME_MODE = "execution.runtime-mode"
_unnamed = itertools.count()


class TableEnvironment:
    """The entry point of a table program: SQL statements, tables, the configuration."""

    def __init__(self, settings: EnvironmentSettings, configuration: Configuration | None = None) -> None:
        config = Configuration(settings.get_configuration())
        config.remove_config(_RUNTIME_MODE)
        if configuration is not None:
            config.add_all(configuration)
        self._config = TableConfig(config)
        self._session = SqlSession(config, batch=not settings.is_streaming_mode())
        # Python function objects registered, by name: what a Table API call of one need not register again.
        self._function_objects: dict[str, Any] = {}

    @staticmethod
    def create(environment_settings: EnvironmentSettings | Configuration) -> "TableEnvironment":
        if isinstance(environment_settings, Configuration):
            environment_settings = EnvironmentSettings.from_configuration(environment_settings)
        if not isinstance(environment_settings, EnvironmentSettings):
            raise TypeError("TableEnvironment.create takes EnvironmentSettings (EnvironmentSettings.in_streaming_mode()"
                            f" or in_batch_mode()), got {environment_settings!r}")
        return TableEnvironment(environment_settings)

    # -- statements ---------------------------------------------------------------------

    def execute_sql(self, stmt: str) -> TableResult:
        """Runs one statement: DDL, SET, SHOW, DESCRIBE, EXPLAIN, a query, an INSERT, a statement set."""
        return self._execute(_statement(stmt))

    def sql_query(self, query: str) -> Table:
        """The table of a query (a SELECT); nothing runs until the table is executed."""
        return Table(_statement(query), self)

    def explain_sql(self, stmt: str, *extra_details: Any) -> str:
        return self._explain(_statement(stmt), details=extra_details)

    def create_statement_set(self) -> StatementSet:
        return StatementSet(self)

    def get_config(self) -> TableConfig:
        return self._config

    # -- the catalog --------------------------------------------------------------------

    def from_path(self, path: str) -> Table:
        """The table registered at ``path``."""
        return Table(f"SELECT * FROM {quote_path(path)}", self, path=_path_parts(path))

    def from_elements(self, elements: Iterable[Any], schema: Any = None, verify_schema: bool = True) -> Table:
        """A table of ``elements`` (tuples, lists or ``Row``s); ``schema`` names the columns (a list of names)
        or names and types them (``DataTypes.ROW([...])``). Without types, each column's type is the one
        PyFlink infers from its first non-null value (int BIGINT, float DOUBLE, str STRING ...)."""
        return Table(None, self, sql_pb2.TableOperation(values=_values(list(elements), schema)))

    def create_temporary_view(self, view_path: str, table_or_data_stream: Any, *fields_or_schema: Any) -> None:
        if not isinstance(table_or_data_stream, Table):
            self._register_data_stream(view_path, table_or_data_stream, fields_or_schema)
            return
        if fields_or_schema:
            raise NotImplementedError("create_temporary_view with fields or a schema is not supported by PyStream yet")
        if table_or_data_stream._operation_tree is not None:
            self._execute(table=table_or_data_stream._request(view=_path_parts(view_path)))
            return
        self._execute(f"CREATE TEMPORARY VIEW {quote_path(view_path)} AS {table_or_data_stream._query}")

    def _register_data_stream(self, path: str, data_stream: Any, fields_or_schema: tuple) -> None:
        raise NotImplementedError("a DataStream becomes a table in a StreamTableEnvironment "
                                  "(StreamTableEnvironment.create(env)), not in a TableEnvironment")

    def create_temporary_table(self, path: str, descriptor: TableDescriptor) -> None:
        """Registers ``descriptor``'s table at ``path`` for this environment's lifetime (CREATE TEMPORARY TABLE)."""
        self._execute(_descriptor(descriptor)._create_table_sql(path, temporary=True))

    def create_table(self, path: str, descriptor: TableDescriptor) -> None:
        self._execute(_descriptor(descriptor)._create_table_sql(path, temporary=False))

    def drop_temporary_table(self, table_path: str) -> bool:
        """Drops the temporary table; whether there was one."""
        return self._drops(f"DROP TEMPORARY TABLE IF EXISTS {quote_path(table_path)}")

    def drop_temporary_view(self, view_path: str) -> bool:
        """Drops the temporary view; whether there was one."""
        return self._drops(f"DROP TEMPORARY VIEW IF EXISTS {quote_path(view_path)}")

    def create_temporary_function(self, path: str, function: Any) -> None:
        """Registers a Python function (a ``udf`` result) for SQL under ``path``."""
        self._register(path, function, system=False)

    def create_temporary_system_function(self, name: str, function: Any) -> None:
        """Registers a Python function (a ``udf`` result) as a system function: it shadows a built-in one of the name."""
        self._register(name, function, system=True)

    def drop_temporary_function(self, path: str) -> bool:
        return self._drops(f"DROP TEMPORARY FUNCTION IF EXISTS {quote_path(path)}")

    def drop_temporary_system_function(self, name: str) -> bool:
        return self._drops(f"DROP TEMPORARY SYSTEM FUNCTION IF EXISTS {quote_identifier(name)}")

    def _register(self, path: str, function: Any, system: bool) -> None:
        name = path.rsplit(".", 1)[-1]
        try:
            described = python_function(name, function, temporary=True, system=system)
        except TypeError as error:
            raise ValidationException(str(error)) from None
        self._session.send(function=described)
        self._function_objects[name] = function

    def _register_called(self, function: Any) -> None:
        """A function object called in a Table API expression (join_lateral(split(col('s')))): registered under
        its name as a temporary system function unless it already is, as Flink registers inline functions."""
        if self._function_objects.get(function._name) is not function:
            self._register(function._name, function, system=True)

    def list_tables(self) -> list[str]:
        return self._names("SHOW TABLES")

    def list_views(self) -> list[str]:
        return self._names("SHOW VIEWS")

    def list_functions(self) -> list[str]:
        return self._names("SHOW FUNCTIONS")

    # One catalog with one database, as a table environment starts in Flink.
    def list_catalogs(self) -> list[str]:
        return [BUILT_IN_CATALOG]

    def list_databases(self) -> list[str]:
        return [BUILT_IN_DATABASE]

    def get_current_catalog(self) -> str:
        return BUILT_IN_CATALOG

    def get_current_database(self) -> str:
        return BUILT_IN_DATABASE

    # -- what Table, StatementSet and TableResult use -------------------------------------

    def _execute(self, statement: str = "", inserts: list[str] | None = None,
                 table: sql_pb2.TableRequest | None = None) -> TableResult:
        response, collect_id = self._session.send(statement, inserts or (), table=table)
        return TableResult(response, collect_id, self._session.batch, self._job_builder(response))

    def _job_builder(self, response: sql_pb2.SqlResponse) -> Any:
        """How to build the job of a response that is not the job as it is (None: it is)."""
        return None

    def _explain(self, statement: str = "", inserts: list[str] | None = None, details: tuple = (),
                 table: sql_pb2.TableRequest | None = None) -> str:
        """The engine's plan of the statement (or the INSERTs, or a Table API table); with ``details``, as
        ``EXPLAIN <details> <statement>``."""
        for detail in details:
            if not isinstance(detail, ExplainDetail):
                raise TypeError(f"explain takes ExplainDetail values, got {detail!r}")
        names = [detail.name for detail in details]
        if table is not None:
            table.explain_details.extend(names)
            response, _ = self._session.send(table=table, explain=not names)
        elif names:
            if inserts:
                raise NotImplementedError("StatementSet.explain with ExplainDetail is not supported by PyStream yet")
            response, _ = self._session.send(f"EXPLAIN {', '.join(names)} {statement}")
        else:
            response, _ = self._session.send(statement, inserts or (), explain=True, table=table)
        return "\n".join(str(values[0]) for _, values, _ in _response_rows(response))

    def _describe(self, query: str = "", table: sql_pb2.TableRequest | None = None) -> list[sql_pb2.ResultColumn]:
        """A query's columns: the engine explains the query and names them."""
        response, _ = self._session.send(query, table=table)
        return list(response.columns)

    def _names(self, statement: str) -> list[str]:
        response, _ = self._session.send(statement)
        return [str(values[0]) for _, values, _ in _response_rows(response)]

    def _drops(self, statement: str) -> bool:
        """Runs a DROP ... IF EXISTS: the engine returns a catalog entry only when it dropped something."""
        response, _ = self._session.send(statement)
        return bool(response.catalog_entry.sql)

    def _insert_sql(self, target: Any, table: Table, overwrite: bool) -> str:
        verb = "INSERT OVERWRITE" if overwrite else "INSERT INTO"
        query = table._query if table._operation_tree is None else f"SELECT * FROM {table}"
        return f"{verb} {quote_path(self._sink_path(target))} {query}"

    def _sink_path(self, target: Any) -> str:
        """The path of a sink: a descriptor's table is created first, as a temporary table under a generated name."""
        if isinstance(target, TableDescriptor):
            name = f"sink_{next(_unnamed)}"
            self.create_temporary_table(name, target)
            return name
        return target

    def _register_unnamed(self, table: Table) -> str:
        name = f"UnnamedTable${next(_unnamed)}"
        if table._operation_tree is None:
            self._execute(f"CREATE TEMPORARY VIEW {quote_identifier(name)} AS {table._query}")
        else:
            self._execute(table=table._request(view=[name]))
        return quote_identifier(name)


class StreamTableEnvironment(TableEnvironment):
    """A table environment on a ``StreamExecutionEnvironment``: its parallelism and configuration apply."""

    def __init__(self, stream_execution_environment: StreamExecutionEnvironment, settings: EnvironmentSettings) -> None:
        env = stream_execution_environment
        configuration = Configuration()
        for key, value in dict(env._configuration).items():
            configuration.set_string(key, str(value))
        configuration.set_string(_PARALLELISM, str(env.get_parallelism()))
        super().__init__(settings, configuration)
        self._env = env
        # The DataStreams registered as tables, by transformation id (the tables' option 'transformation').
        self._data_streams: dict[int, Node] = {}
        self._session.first_transformation_id = lambda: env._pipeline._next_id

    @staticmethod
    def create(stream_execution_environment: StreamExecutionEnvironment | None = None,  # type: ignore[override]
               environment_settings: EnvironmentSettings | None = None) -> "StreamTableEnvironment":
        if stream_execution_environment is None:
            stream_execution_environment = StreamExecutionEnvironment.get_execution_environment()
        if environment_settings is None:
            batch = stream_execution_environment._mode is RuntimeExecutionMode.BATCH
            environment_settings = EnvironmentSettings.in_batch_mode() if batch else EnvironmentSettings.in_streaming_mode()
        return StreamTableEnvironment(stream_execution_environment, environment_settings)

    # -- DataStream <-> Table ---------------------------------------------------------

    def from_data_stream(self, data_stream: DataStream, *fields_or_schema: Any) -> Table:
        """The DataStream as a table: columns from its type (``Types.ROW_NAMED`` names them; a tuple or
        ``Types.ROW`` gives ``f0, f1, ...``; any other type is the column ``f0``), plus a ``Schema``'s
        computed columns, ``rowtime`` metadata column and watermark."""
        name = f"*anonymous_datastream_source${next(_unnamed)}*"
        self._register_data_stream(name, data_stream, fields_or_schema)
        return self.from_path(quote_identifier(name))

    def from_changelog_stream(self, data_stream: DataStream, schema: Any = None, changelog_mode: Any = None) -> Table:
        """A DataStream of ``Row``s whose kinds (``set_row_kind``) are changes, as an updating table: an
        INSERT, UPDATE_BEFORE/UPDATE_AFTER pairs, DELETEs (Flink's ``ChangelogMode.all()``)."""
        if changelog_mode is not None:
            raise NotImplementedError("from_changelog_stream with a changelog mode is not supported by PyStream yet "
                                      "(every row kind is taken)")
        name = f"*anonymous_datastream_source${next(_unnamed)}*"
        self._register_data_stream(name, data_stream, () if schema is None else (schema,), changelog=True)
        return self.from_path(quote_identifier(name))

    def _register_data_stream(self, path: str, data_stream: Any, fields_or_schema: tuple, changelog: bool = False) -> None:
        if not isinstance(data_stream, DataStream):
            raise TypeError(f"expected a Table or a DataStream, got {data_stream!r}")
        if data_stream._env is not self._env:
            raise ValueError("The DataStream's StreamExecutionEnvironment must be the one of this table environment")
        if len(fields_or_schema) > 1:
            raise NotImplementedError("from_data_stream with field expressions is not supported by PyStream; pass a Schema")
        schema = fields_or_schema[0] if fields_or_schema else None
        node = data_stream._node
        try:
            statement = create_table_sql(path, node.id, node.output_type, schema, changelog)
        except TypeError as error:
            raise ValidationException(str(error)) from None
        self._execute(statement)
        self._data_streams[node.id] = node

    def _job_builder(self, response: sql_pb2.SqlResponse) -> Any:
        """A query or INSERT that reads DataStreams runs with their nodes, as one job (the DataStreams'
        other pending operations stay for ``env.execute()``)."""
        if response.kind != sql_pb2.SqlResponse.JOB or not self._data_streams:
            return None
        return lambda: joined_job(response.job, self._data_streams, self._env)

    def to_data_stream(self, table: Table) -> DataStream:
        """The insert-only table as a DataStream of ``Row``s (field names, the rowtime as each record's
        timestamp); an updating table is refused (use ``to_changelog_stream``)."""
        return self._to_stream(table, changelog=False)

    def to_changelog_stream(self, table: Table, target_schema: Any = None, changelog_mode: Any = None) -> DataStream:
        """The table as a DataStream of ``Row``s whose ``get_row_kind()`` is each change's kind."""
        if target_schema is not None or changelog_mode is not None:
            raise NotImplementedError("to_changelog_stream with a target schema or changelog mode is not supported by "
                                      "PyStream yet")
        return self._to_stream(table, changelog=True)

    def _to_stream(self, table: Table, changelog: bool) -> DataStream:
        if not isinstance(table, Table):
            raise TypeError(f"expected a Table, got {table!r}")
        pipeline = self._env._pipeline
        request = table._request(to_data_stream=sql_pb2.DataStreamConversion(changelog=changelog))
        response, _ = self._session.send(table=request)
        last = add_sql_nodes(pipeline, response.job, self._data_streams)
        last.output_type = stream_type(list(response.columns))
        return DataStream(self._env, last)


def _values(rows: list[Any], schema: Any) -> sql_pb2.TableValues:
    """from_elements' rows as literals, with the columns' names and types."""
    rows = [list(row) if isinstance(row, (tuple, list)) else [row] for row in rows]
    if not rows:
        raise ValueError("from_elements needs at least one element")
    width = len(rows[0])
    if isinstance(schema, RowType):
        names, types = schema.field_names(), [str(t) for t in schema.field_types()]
    elif schema is None or isinstance(schema, (list, tuple)):
        names = list(schema) if schema else [f"_{i + 1}" for i in range(width)]
        types = [_inferred_type(rows, c) for c in range(width)]
    else:
        raise TypeError(f"from_elements takes a schema of DataTypes.ROW([...]) or a list of names, got {schema!r}")
    if len(names) != width:
        raise ValueError(f"from_elements: the schema has {len(names)} columns ({', '.join(names)}), the first element "
                         f"{width}")
    return sql_pb2.TableValues(rows=[sql_pb2.TableExpressionList(items=[_literal(v) for v in row]) for row in rows],
                               column_names=names, column_types=types)


def _inferred_type(rows: list[list[Any]], column: int) -> str:
    """PyFlink's type for a column of Python values: that of its first non-null value."""
    for row in rows:
        if column < len(row) and row[column] is not None:
            value = row[column]
            if isinstance(value, bool):
                return "BOOLEAN"
            if isinstance(value, int):
                return "BIGINT"
            if isinstance(value, str):
                return "STRING"
            if isinstance(value, Decimal):
                return "DECIMAL(38, 18)"
            if isinstance(value, (bytes, bytearray)):
                return "BYTES"
            return _type_of(value)
    raise ValueError(f"from_elements: column {column + 1} holds only None; give the types with DataTypes.ROW([...])")


def _statement(text: Any) -> str:
    if not isinstance(text, str) or not text.strip():
        raise ValueError(f"a SQL statement must be a non-empty str, got {text!r}")
    return text


def _descriptor(descriptor: Any) -> TableDescriptor:
    if not isinstance(descriptor, TableDescriptor):
        raise TypeError(f"expected a TableDescriptor (TableDescriptor.for_connector(...).build()), got {descriptor!r}")
    return descriptor


install_unsupported(TableEnvironment)
install_unsupported(StreamTableEnvironment)
