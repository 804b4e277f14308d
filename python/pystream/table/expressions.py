"""``pyflink.table.expressions``: the functions that start a Table API expression.

``col('a')`` names a column, ``lit(5)`` is a literal (``lit(5).seconds`` an interval), ``call('f', ...)``
calls a function by its name; the rest are functions of the Table API, described by name for the
engine (see ``expression``).
"""

from __future__ import annotations

from typing import Any

from pystream._proto import sql_pb2
from pystream.table.expression import Expression, TimeIntervalUnit, TimePointUnit, _call, _expression, _literal
from pystream.table.types import DataType

__all__ = [
    "col", "lit", "call", "call_sql", "if_then_else", "row", "array", "map_", "null_of", "and_", "or_", "not_",
    "concat", "concat_ws", "coalesce", "current_date", "current_time", "current_timestamp", "local_time",
    "local_timestamp", "to_date", "to_timestamp", "to_timestamp_ltz", "date_format", "log", "rand", "rand_integer",
    "with_columns", "TimeIntervalUnit", "TimePointUnit",
    "UNBOUNDED_ROW", "UNBOUNDED_RANGE", "CURRENT_ROW", "CURRENT_RANGE", "row_interval",
]

# The bounds of an over window's frame (Over ... .preceding(...)).
UNBOUNDED_ROW = Expression(sql_pb2.TableExpression(symbol="UNBOUNDED_ROW"))
UNBOUNDED_RANGE = Expression(sql_pb2.TableExpression(symbol="UNBOUNDED_RANGE"))
CURRENT_ROW = Expression(sql_pb2.TableExpression(symbol="CURRENT_ROW"))
CURRENT_RANGE = Expression(sql_pb2.TableExpression(symbol="CURRENT_RANGE"))


def row_interval(rows: int) -> Expression:
    """A frame of ``rows`` rows before the current one: ``Over ... .preceding(row_interval(2))``."""
    if isinstance(rows, bool) or not isinstance(rows, int) or rows < 0:
        raise ValueError(f"row_interval takes a number of rows (an int >= 0), got {rows!r}")
    return _call("row_interval", rows)


def col(name: str) -> Expression:
    """The column ``name`` (``col('*')``: every column)."""
    if not isinstance(name, str) or not name:
        raise ValueError(f"col takes a column name, got {name!r}")
    return Expression(sql_pb2.TableExpression(field=name))


def lit(v: Any, data_type: DataType | None = None) -> Expression:
    """A literal value, typed as PyFlink types it (``lit(5)`` INT, ``lit(1.5)`` DOUBLE, ``lit('a')`` STRING), or as
    ``data_type`` says."""
    return Expression(_literal(v, data_type))


def null_of(data_type: DataType) -> Expression:
    return lit(None, data_type)


# Python functions called as objects in Table API expressions (add(col('a'), col('b'))), by name: a
# table registers the ones its expressions call, as Flink registers inline functions.
_called_functions: dict[str, Any] = {}


def call(f: Any, *args: Any) -> Expression:
    """A function called by its name (a built-in SQL function or one registered with
    ``create_temporary_function``), or a Python function object (``udf``, ``udtf``, ``udaf``)."""
    from pystream.table.udf import UserDefinedFunctionWrapper

    if isinstance(f, UserDefinedFunctionWrapper):
        _called_functions[f._name] = f
        return Expression(sql_pb2.TableExpression(function=sql_pb2.TableCall(name=f._name, args=[_expression(a) for a in args])), f)
    if not isinstance(f, str) or not f:
        raise TypeError(f"call takes a function's name or a Python function (udf, udtf, udaf), got {f!r}")
    return Expression(sql_pb2.TableExpression(function=sql_pb2.TableCall(name=f, args=[_expression(a) for a in args])))


def call_sql(sql_expression: str) -> Expression:
    raise NotImplementedError("call_sql is not supported by PyStream yet; use sql_query or the expression functions")


def if_then_else(condition: Any, if_true: Any, if_false: Any) -> Expression:
    return _call("if_then_else", condition, if_true, if_false)


def row(head: Any, *tail: Any) -> Expression:
    return _call("row", head, *tail)


def array(head: Any, *tail: Any) -> Expression:
    return _call("array", head, *tail)


def map_(key: Any, value: Any, *tail: Any) -> Expression:
    if len(tail) % 2:
        raise ValueError("map_ takes keys and values in pairs")
    return _call("map", key, value, *tail)


def and_(predicate0: Any, predicate1: Any, *predicates: Any) -> Expression:
    result = _call("and", predicate0, predicate1)
    for predicate in predicates:
        result = _call("and", result, predicate)
    return result


def or_(predicate0: Any, predicate1: Any, *predicates: Any) -> Expression:
    result = _call("or", predicate0, predicate1)
    for predicate in predicates:
        result = _call("or", result, predicate)
    return result


def not_(expression: Any) -> Expression:
    return _call("not", expression)


def concat(first: Any, *others: Any) -> Expression:
    return _call("concat", first, *others)


def concat_ws(separator: Any, first: Any, *others: Any) -> Expression:
    return _call("concat_ws", separator, first, *others)


def coalesce(*args: Any) -> Expression:
    return _call("coalesce", *args)


def current_date() -> Expression:
    return _call("current_date")


def current_time() -> Expression:
    return _call("current_time")


def current_timestamp() -> Expression:
    return _call("current_timestamp")


def local_time() -> Expression:
    return _call("local_time")


def local_timestamp() -> Expression:
    return _call("local_timestamp")


def to_date(date_str: Any, format: Any = None) -> Expression:
    return _call("to_date", date_str) if format is None else _call("to_date_formatted", date_str, format)


def to_timestamp(timestamp_str: Any, format: Any = None) -> Expression:
    return _call("to_timestamp", timestamp_str) if format is None else _call("to_timestamp", timestamp_str, format)


def to_timestamp_ltz(numeric_epoch_time: Any, precision: Any) -> Expression:
    return _call("to_timestamp_ltz", numeric_epoch_time, precision)


def date_format(timestamp: Any, format: Any) -> Expression:
    return _call("date_format", timestamp, format)


def log(v: Any, base: Any = None) -> Expression:
    return _call("log", v) if base is None else _call("log", base, v)


def rand(seed: Any = None) -> Expression:
    return _call("rand") if seed is None else _call("rand", seed)


def rand_integer(bound: Any, seed: Any = None) -> Expression:
    return _call("rand_integer", bound) if seed is None else _call("rand_integer", seed, bound)


def with_columns(head: Any, *tails: Any) -> Expression:
    raise NotImplementedError("with_columns (column ranges) is not supported by PyStream yet; name the columns with col")
