"""PyFlink's ``pyflink.table``: the Table API and SQL.

This package only describes: statements travel to the engine as SQL text and Table API tables as
operation trees, which the engine validates, plans and runs (``proto/pystream/v1/sql.proto``), and
results come back as rows to show.
"""
from pystream.common.types import Row, RowKind
from pystream.table.environment_settings import EnvironmentSettings
from pystream.table.explain_detail import ExplainDetail
from pystream.table.result_kind import ResultKind
from pystream.table.schema import Schema
from pystream.table.statement_set import StatementSet
from pystream.table.table import GroupedTable, GroupWindowedTable, Table, WindowGroupedTable
from pystream.table.table_config import TableConfig
from pystream.table.table_descriptor import FormatDescriptor, TableDescriptor
from pystream.table.table_environment import StreamTableEnvironment, TableEnvironment
from pystream.table.table_result import TableResult
from pystream.table.table_schema import TableSchema
from pystream.table.types import DataType, DataTypes
from pystream.table.udf import AggregateFunction, FunctionContext, ScalarFunction, TableFunction

__all__ = [
    "AggregateFunction",
    "DataType",
    "DataTypes",
    "EnvironmentSettings",
    "ExplainDetail",
    "FormatDescriptor",
    "FunctionContext",
    "GroupWindowedTable",
    "GroupedTable",
    "ResultKind",
    "Row",
    "ScalarFunction",
    "RowKind",
    "Schema",
    "StatementSet",
    "StreamTableEnvironment",
    "Table",
    "TableFunction",
    "TableConfig",
    "TableDescriptor",
    "TableEnvironment",
    "TableResult",
    "TableSchema",
    "WindowGroupedTable",
]
