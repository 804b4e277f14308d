"""How a table environment joins the DataStream API: it only describes, the engine plans.

``from_data_stream`` registers the DataStream as a temporary table with the connector
``datastream``: its columns come from the stream's type (``Types.ROW_NAMED`` names them, a
``Types.ROW`` or a tuple gives ``f0, f1, ...``, any other type is the one column ``f0``), a
``Schema`` adds computed columns, the ``rowtime`` metadata column (each record's timestamp) and a
watermark (``SOURCE_WATERMARK()``: the stream's own). The table's option ``transformation`` is the
DataStream's transformation id, so the engine plans a read of it as an input edge from that node.

``to_data_stream``/``to_changelog_stream`` ask the engine for the table's job numbered after the
DataStream job's nodes (``DataStreamConversion``) and add its transformations to that job: one
JobSpec, whose last SQL node emits ``Row``s that DataStream operations read.
"""

from __future__ import annotations

from typing import Any

from pystream._proto import jobspec_pb2 as spec_pb
from pystream._proto import sql_pb2
from pystream.common._type_classes import is_byte_array
from pystream.common.typeinfo import (
    BasicType, BasicTypeInfo, DateTypeInfo, LocalTimeType, LocalTimeTypeInfo, PickledBytesTypeInfo, RowTypeInfo,
    TimestampTypeInfo, TimeTypeInfo, TupleTypeInfo, TypeInformation, Types)
from pystream.datastream._pipeline import Input, Node, Pipeline
from pystream.table._sql_text import quote_identifier, quote_path, quote_string
from pystream.table.schema import Schema

__all__ = ["create_table_sql", "add_sql_nodes", "joined_job", "stream_type", "ExternalRowTypeInfo"]

CONNECTOR = "datastream"

_SQL_OF_BASIC = {
    BasicType.STRING: "STRING", BasicType.CHAR: "STRING", BasicType.BOOLEAN: "BOOLEAN", BasicType.BYTE: "TINYINT",
    BasicType.SHORT: "SMALLINT", BasicType.INT: "INT", BasicType.LONG: "BIGINT", BasicType.FLOAT: "FLOAT",
    BasicType.DOUBLE: "DOUBLE", BasicType.BIG_DEC: "DECIMAL(38, 18)", BasicType.INSTANT: "TIMESTAMP_LTZ(9)",
}
_SQL_OF_LOCAL = {LocalTimeType.LOCAL_DATE: "DATE", LocalTimeType.LOCAL_TIME: "TIME(0)",
                 LocalTimeType.LOCAL_DATE_TIME: "TIMESTAMP(9)"}
_SQL_OF_CLASS = ((DateTypeInfo, "DATE"), (TimeTypeInfo, "TIME(0)"), (TimestampTypeInfo, "TIMESTAMP(3)"))


def _sql_type(type_info: TypeInformation, where: str) -> str:
    """Flink's SQL type of a DataStream field's type (its legacy type conversion)."""
    if isinstance(type_info, BasicTypeInfo) and type_info.basic_type in _SQL_OF_BASIC:
        return _SQL_OF_BASIC[type_info.basic_type]
    if isinstance(type_info, LocalTimeTypeInfo):
        return _SQL_OF_LOCAL[type_info.time_type]
    for type_class, sql_type in _SQL_OF_CLASS:
        if isinstance(type_info, type_class):
            return sql_type
    if is_byte_array(type_info):
        return "BYTES"
    raise TypeError(f"from_data_stream: {where} is of type {type_info!r}, which has no table type here yet")


def _physical_columns(type_info: TypeInformation | None) -> list[tuple[str, str]]:
    """The table columns of a DataStream's records: (name, SQL type)."""
    if type_info is None or isinstance(type_info, PickledBytesTypeInfo):
        raise TypeError("from_data_stream needs the DataStream's type: give its last operation an output_type "
                        "(Types.ROW_NAMED([...], [...]), Types.TUPLE([...]), Types.LONG() ...), or from_collection "
                        "a type_info")
    if isinstance(type_info, RowTypeInfo):
        names, types = type_info.get_field_names(), type_info.get_field_types()
    elif isinstance(type_info, TupleTypeInfo):
        types = type_info.get_field_types()
        names = [f"f{i}" for i in range(len(types))]
    else:
        names, types = ["f0"], [type_info]
    return [(name, _sql_type(t, f"field '{name}'")) for name, t in zip(names, types)]


def create_table_sql(path: str, transformation_id: int, type_info: TypeInformation | None, schema: Any,
                     changelog: bool = False) -> str:
    """The CREATE TEMPORARY TABLE of a DataStream: its type's columns, or the schema's physical columns
    when it declares them, then the schema's computed and metadata columns and its watermark; with
    ``changelog`` (from_changelog_stream) the rows' kinds are changes."""
    if schema is not None and not isinstance(schema, Schema):
        raise NotImplementedError("from_data_stream with field expressions is not supported by PyStream; "
                                  "pass a Schema (Schema.new_builder()...build())")
    derived = _physical_columns(type_info)
    lines = [f"{quote_identifier(name)} {sql_type}" for name, sql_type in derived]
    if schema is not None:
        declared = [c for c in schema._columns if not _is_derived(c.definition)]
        if declared:
            names = [c.name for c in declared]
            if len(declared) != len(derived):
                raise ValueError(f"from_data_stream: the schema declares {len(declared)} physical columns "
                                 f"({', '.join(names)}), the DataStream's type has {len(derived)} "
                                 f"({', '.join(n for n, _ in derived)})")
            lines = [c.ddl() for c in declared]
        lines += [c.ddl() for c in schema._columns if _is_derived(c.definition)]
        lines += [line for line in schema._ddl_lines() if line.startswith("WATERMARK FOR")]
    body = ",\n  ".join(lines)
    options = f"'connector' = {quote_string(CONNECTOR)}, 'transformation' = {quote_string(str(transformation_id))}"
    if changelog:
        options += ", 'changelog' = 'true'"
    return f"CREATE TEMPORARY TABLE {quote_path(path)} (\n  {body}\n) WITH ({options})"


def _is_derived(definition: str) -> bool:
    """Whether a schema column is computed (``AS ...``) or metadata, as opposed to physical."""
    return definition.startswith("AS ") or " METADATA" in definition


class ExternalRowTypeInfo(RowTypeInfo):
    """The type of a DataStream made from a table: ``Row``s whose ``print()`` is Java's
    ``Row.toString`` (``+I[a, 1]``), as a stream converted by the Java planner prints in PyFlink."""

    java_printed = True


_TYPE_OF_SQL = {
    "BOOLEAN": Types.BOOLEAN, "TINYINT": Types.BYTE, "SMALLINT": Types.SHORT, "INT": Types.INT, "BIGINT": Types.LONG,
    "FLOAT": Types.FLOAT, "DOUBLE": Types.DOUBLE, "DECIMAL": Types.BIG_DEC, "CHAR": Types.STRING,
    "VARCHAR": Types.STRING, "STRING": Types.STRING, "DATE": Types.LOCAL_DATE, "TIME": Types.LOCAL_TIME,
    "TIMESTAMP": Types.LOCAL_DATE_TIME, "TIMESTAMP_LTZ": Types.INSTANT,
}


def stream_type(columns: list[sql_pb2.ResultColumn]) -> ExternalRowTypeInfo:
    """The DataStream type of a table's columns (Flink's external types: LocalDateTime, Instant ...)."""
    types = []
    for column in columns:
        kind = column.type.split("(")[0].split(" ")[0]
        if kind in ("BYTES", "BINARY", "VARBINARY"):
            types.append(Types.PRIMITIVE_ARRAY(Types.BYTE()))
        else:
            types.append(_TYPE_OF_SQL[kind]())
    return ExternalRowTypeInfo(types, [column.name for column in columns])


def add_sql_nodes(pipeline: Any, job: bytes, streams: dict[int, Node]) -> Node:
    """Adds the engine's transformations of a table (numbered to follow the pipeline's nodes) to the
    pipeline; an edge to an id before them reads the DataStream registered under it. Returns the last node."""
    spec = spec_pb.JobSpec.FromString(job)
    added: dict[int, Node] = {}
    for transformation in spec.transformations:
        inputs = []
        for edge in transformation.inputs:
            source = added.get(edge.source_id) or streams.get(edge.source_id)
            if source is None:
                raise RuntimeError(f"the table's job reads transformation {edge.source_id}, which is no DataStream of "
                                   f"this table environment")
            inputs.append(Input(source, edge.partitioning))
        node = pipeline.add(transformation.name, "sql", inputs=inputs, parallelism=transformation.parallelism,
                            uid=transformation.uid, sql=transformation.sql)
        if node.id != transformation.id:
            raise RuntimeError(f"the table's job numbers its transformation {transformation.id}, the DataStream job "
                               f"gave it {node.id}")
        added[node.id] = node
    return added[spec.transformations[-1].id]


def joined_job(job: bytes, streams: dict[int, Node], env: Any) -> bytes:
    """A table's job (a query's, an INSERT's) with the DataStream nodes it reads and their inputs before
    its own, numbered as they are: one JobSpec. A job that reads no DataStream is returned as it is."""
    spec = spec_pb.JobSpec.FromString(job)
    read = [streams[e.source_id] for t in spec.transformations for e in t.inputs if e.source_id in streams]
    if not read:
        return job
    upstream = Pipeline()
    upstream.nodes = read
    streams_spec = env._pipeline_spec(upstream, spec.name)
    for transformation in reversed(streams_spec.transformations):
        spec.transformations.insert(0, transformation)
    spec.job_parameters.update(streams_spec.job_parameters)
    spec.python_files.extend(streams_spec.python_files)
    return spec.SerializeToString()
