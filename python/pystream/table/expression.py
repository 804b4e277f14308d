"""``Expression``, as in ``pyflink.table.expression``: a Table API expression, described.

An expression is a tree the engine reads (``TableExpression`` in ``sql.proto``): a column, a literal
with its type, or a function of the Table API by its method's name (``plus``, ``upper_case``,
``sum`` ...) over its arguments. Nothing here knows what a function means or what type it has;
the engine turns the tree into the SQL expression of the same meaning and checks it there.
"""

from __future__ import annotations

import datetime
import decimal
from enum import Enum
from typing import Any

from pystream._proto import sql_pb2
from pystream.table.types import DataType

__all__ = ["Expression", "TimeIntervalUnit", "TimePointUnit"]


class TimeIntervalUnit(Enum):
    """The units of ``extract``, ``floor`` and ``ceil`` on a time point."""

    YEAR = 0
    YEAR_TO_MONTH = 1
    QUARTER = 2
    MONTH = 3
    WEEK = 4
    DAY = 5
    DAY_TO_HOUR = 6
    DAY_TO_MINUTE = 7
    DAY_TO_SECOND = 8
    HOUR = 9
    SECOND = 10
    HOUR_TO_MINUTE = 11
    HOUR_TO_SECOND = 12
    MINUTE = 13
    MINUTE_TO_SECOND = 14


class TimePointUnit(Enum):
    YEAR = 0
    MONTH = 1
    DAY = 2
    HOUR = 3
    MINUTE = 4
    SECOND = 5
    QUARTER = 6
    WEEK = 7
    MILLISECOND = 8
    MICROSECOND = 9


def _expression(value: Any) -> sql_pb2.TableExpression:
    """The tree of an argument: an expression as it is, a Python value as a literal."""
    if isinstance(value, Expression):
        return value._proto
    if isinstance(value, (TimeIntervalUnit, TimePointUnit)):
        return sql_pb2.TableExpression(symbol=value.name)
    return _literal(value)


def _literal(value: Any, data_type: DataType | None = None) -> sql_pb2.TableExpression:
    if data_type is not None:
        if not isinstance(data_type, DataType):
            raise TypeError(f"lit's data_type must be a DataType (DataTypes.INT() ...), got {data_type!r}")
        type_text = str(data_type)
    else:
        type_text = _type_of(value)
    if value is None:
        return sql_pb2.TableExpression(literal=sql_pb2.TableLiteral(type=type_text, is_null=True))
    return sql_pb2.TableExpression(literal=sql_pb2.TableLiteral(type=type_text, value=_text_of(value)))


def _type_of(value: Any) -> str:
    """The type PyFlink gives a Python value as a literal (``lit(5)`` is INT, a larger int BIGINT)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "BOOLEAN"
    if isinstance(value, int):
        return "INT" if -2**31 <= value < 2**31 else "BIGINT"
    if isinstance(value, float):
        return "DOUBLE"
    if isinstance(value, decimal.Decimal):
        sign, digits, exponent = value.as_tuple()
        scale = max(-int(exponent), 0)
        precision = max(len(digits), scale, 1)
        return f"DECIMAL({precision}, {scale})"
    if isinstance(value, str):
        return "STRING"
    if isinstance(value, (bytes, bytearray)):
        return "BYTES"
    if isinstance(value, datetime.datetime):
        return "TIMESTAMP(6)" if value.microsecond % 1000 else "TIMESTAMP(3)"
    if isinstance(value, datetime.date):
        return "DATE"
    if isinstance(value, datetime.time):
        return "TIME(0)"
    raise TypeError(f"a literal must be a bool, int, float, Decimal, str, bytes, date, time or datetime; got {value!r}")


def _text_of(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).hex()
    if isinstance(value, datetime.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    return str(value)


def _call(name: str, *args: Any) -> "Expression":
    return Expression(sql_pb2.TableExpression(call=sql_pb2.TableCall(name=name, args=[_expression(a) for a in args])))


def _interval(value: "Expression", unit: str) -> "Expression":
    return Expression(sql_pb2.TableExpression(interval=sql_pb2.TableInterval(value=value._proto, unit=unit)))


def _unary(name: str) -> property:
    return property(lambda self: _call(name, self))


def _interval_unit(unit: str) -> property:
    return property(lambda self: _interval(self, unit))


class Expression:
    """A Table API expression: ``col('a') + 1``, ``col('s').upper_case``, ``col('v').sum.alias('total')``."""

    __slots__ = ("_proto", "_function")

    def __init__(self, proto: sql_pb2.TableExpression, function: Any = None) -> None:
        self._proto = proto
        # The Python function object a call of one (udtf(...)(col('s'))) names, for join_lateral to register.
        self._function = function

    # -- operators -------------------------------------------------------------------------

    def __add__(self, other: Any) -> "Expression":
        return _call("plus", self, other)

    def __radd__(self, other: Any) -> "Expression":
        return _call("plus", other, self)

    def __sub__(self, other: Any) -> "Expression":
        return _call("minus", self, other)

    def __rsub__(self, other: Any) -> "Expression":
        return _call("minus", other, self)

    def __mul__(self, other: Any) -> "Expression":
        return _call("times", self, other)

    def __rmul__(self, other: Any) -> "Expression":
        return _call("times", other, self)

    def __truediv__(self, other: Any) -> "Expression":
        return _call("divided_by", self, other)

    def __rtruediv__(self, other: Any) -> "Expression":
        return _call("divided_by", other, self)

    def __mod__(self, other: Any) -> "Expression":
        return _call("mod", self, other)

    def __rmod__(self, other: Any) -> "Expression":
        return _call("mod", other, self)

    def __pow__(self, other: Any) -> "Expression":
        return _call("power", self, other)

    def __neg__(self) -> "Expression":
        return _call("negate", self)

    def __pos__(self) -> "Expression":
        return self

    def __eq__(self, other: Any) -> "Expression":  # type: ignore[override]
        return _call("equals", self, other)

    def __ne__(self, other: Any) -> "Expression":  # type: ignore[override]
        return _call("not_equals", self, other)

    def __gt__(self, other: Any) -> "Expression":
        return _call("greater_than", self, other)

    def __ge__(self, other: Any) -> "Expression":
        return _call("greater_than_or_equal", self, other)

    def __lt__(self, other: Any) -> "Expression":
        return _call("less_than", self, other)

    def __le__(self, other: Any) -> "Expression":
        return _call("less_than_or_equal", self, other)

    def __and__(self, other: Any) -> "Expression":
        return _call("and", self, other)

    def __rand__(self, other: Any) -> "Expression":
        return _call("and", other, self)

    def __or__(self, other: Any) -> "Expression":
        return _call("or", self, other)

    def __ror__(self, other: Any) -> "Expression":
        return _call("or", other, self)

    def __invert__(self) -> "Expression":
        return _call("not", self)

    __hash__ = None  # type: ignore[assignment]  # == builds an expression, so expressions are not dict keys

    def __bool__(self) -> bool:
        raise TypeError("a Table API expression has no truth value: combine conditions with &, | and ~, not and/or/not")

    def __str__(self) -> str:
        return str(self._proto).replace("\n", " ").strip()

    def __repr__(self) -> str:
        return f"Expression({self})"

    # -- naming and types --------------------------------------------------------------------

    def alias(self, name: str, *extra_names: str) -> "Expression":
        """The name of a column; several names for the columns of a table function's call (join_lateral)."""
        return Expression(sql_pb2.TableExpression(alias=sql_pb2.TableAliasedExpression(
            expr=self._proto, name=name, more_names=list(extra_names))), self._function)

    def cast(self, data_type: DataType) -> "Expression":
        return self._cast(data_type, try_cast=False)

    def try_cast(self, data_type: DataType) -> "Expression":
        return self._cast(data_type, try_cast=True)

    def _cast(self, data_type: DataType, try_cast: bool) -> "Expression":
        if not isinstance(data_type, DataType):
            raise TypeError(f"cast takes a DataType (DataTypes.BIGINT() ...), got {data_type!r}")
        return Expression(sql_pb2.TableExpression(cast=sql_pb2.TableCast(expr=self._proto, type=str(data_type),
                                                                        try_cast=try_cast)))

    # -- aggregates, window properties, ordering -------------------------------------------

    sum = _unary("sum")
    sum0 = _unary("sum0")
    count = _unary("count")
    avg = _unary("avg")
    min = _unary("min")
    max = _unary("max")
    first_value = _unary("first_value")
    last_value = _unary("last_value")
    stddev_pop = _unary("stddev_pop")
    stddev_samp = _unary("stddev_samp")
    var_pop = _unary("var_pop")
    var_samp = _unary("var_samp")
    distinct = _unary("distinct")

    def over(self, alias: Any) -> "Expression":
        """This aggregate over the over window aliased ``alias`` (``col('v').sum.over(col('w'))``), in
        ``Table.over_window(...).select``."""
        return _call("over", self, alias)

    def list_agg(self, separator: Any = None) -> "Expression":
        return _call("list_agg", self) if separator is None else _call("list_agg", self, separator)

    start = _unary("start")
    end = _unary("end")
    rowtime = _unary("rowtime")
    proctime = _unary("proctime")

    asc = _unary("asc")
    desc = _unary("desc")
    nulls_first = _unary("nulls_first")
    nulls_last = _unary("nulls_last")

    # -- logic and comparison ------------------------------------------------------------------

    is_null = _unary("is_null")
    is_not_null = _unary("is_not_null")
    is_true = _unary("is_true")
    is_false = _unary("is_false")
    is_not_true = _unary("is_not_true")
    is_not_false = _unary("is_not_false")

    def between(self, lower_bound: Any, upper_bound: Any) -> "Expression":
        return _call("between", self, lower_bound, upper_bound)

    def not_between(self, lower_bound: Any, upper_bound: Any) -> "Expression":
        return _call("not_between", self, lower_bound, upper_bound)

    def in_(self, first_element_or_table: Any, *remaining_elements: Any) -> "Expression":
        return _call("in", self, first_element_or_table, *remaining_elements)

    def then(self, if_true: Any, if_false: Any) -> "Expression":
        return _call("if_then_else", self, if_true, if_false)

    def if_null(self, null_replacement: Any) -> "Expression":
        return _call("coalesce", self, null_replacement)

    # -- numbers ----------------------------------------------------------------------------

    abs = _unary("abs")
    sqrt = _unary("sqrt")
    exp = _unary("exp")
    ln = _unary("ln")
    log10 = _unary("log10")
    log2 = _unary("log2")
    sign = _unary("sign")

    def log(self, base: Any = None) -> "Expression":
        return _call("log", self) if base is None else _call("log", base, self)

    def power(self, other: Any) -> "Expression":
        return _call("power", self, other)

    def round(self, places: Any) -> "Expression":
        return _call("round", self, places)

    def truncate(self, n: Any = 0) -> "Expression":
        return _call("truncate", self, n)

    @property
    def floor(self) -> "_TimeRounding":
        """``col('x').floor`` rounds a number down; ``col('ts').floor(TimeIntervalUnit.HOUR)`` a time point."""
        return _TimeRounding("floor", self)

    @property
    def ceil(self) -> "_TimeRounding":
        return _TimeRounding("ceil", self)

    # -- strings ----------------------------------------------------------------------------

    upper_case = _unary("upper_case")
    lower_case = _unary("lower_case")
    char_length = _unary("char_length")
    init_cap = _unary("init_cap")
    ltrim = _unary("ltrim")
    rtrim = _unary("rtrim")
    md5 = _unary("md5")
    sha256 = _unary("sha256")
    to_base64 = _unary("to_base64")
    from_base64 = _unary("from_base64")

    def like(self, pattern: Any) -> "Expression":
        return _call("like", self, pattern)

    def similar(self, pattern: Any) -> "Expression":
        return _call("similar", self, pattern)

    def substring(self, begin_index: Any, length: Any = None) -> "Expression":
        return _call("substring", self, begin_index) if length is None else _call("substring", self, begin_index, length)

    def substr(self, begin_index: Any, length: Any = None) -> "Expression":
        return self.substring(begin_index, length)

    def position(self, haystack: Any) -> "Expression":
        return _call("position", self, haystack)

    def trim(self, character: Any = None) -> "Expression":
        return self._trim("BOTH", character)

    def trim_leading(self, character: Any = None) -> "Expression":
        return self._trim("LEADING", character)

    def trim_trailing(self, character: Any = None) -> "Expression":
        return self._trim("TRAILING", character)

    def _trim(self, side: str, character: Any) -> "Expression":
        args = [self._proto, sql_pb2.TableExpression(symbol=side)]
        if character is not None:
            args.append(_expression(character))
        return Expression(sql_pb2.TableExpression(call=sql_pb2.TableCall(name="trim", args=args)))

    def replace(self, search: Any, replacement: Any) -> "Expression":
        return _call("replace", self, search, replacement)

    def repeat(self, n: Any) -> "Expression":
        return _call("repeat", self, n)

    def regexp_replace(self, regex: Any, replacement: Any) -> "Expression":
        return _call("regexp_replace", self, regex, replacement)

    def regexp_extract(self, regex: Any, extract_index: Any = None) -> "Expression":
        args = (self, regex) if extract_index is None else (self, regex, extract_index)
        return _call("regexp_extract", *args)

    def lpad(self, length: Any, pad: Any) -> "Expression":
        return _call("lpad", self, length, pad)

    def rpad(self, length: Any, pad: Any) -> "Expression":
        return _call("rpad", self, length, pad)

    def split_index(self, separator: Any, index: Any) -> "Expression":
        return _call("split_index", self, separator, index)

    def json_value(self, path: Any) -> "Expression":
        return _call("json_value", self, path)

    # -- time -------------------------------------------------------------------------------

    to_date = _unary("to_date")
    to_time = _unary("to_time")
    to_timestamp = _unary("to_timestamp")

    def extract(self, time_interval_unit: TimeIntervalUnit) -> "Expression":
        return _call("extract", time_interval_unit, self)

    # lit(5).seconds: an interval of that many units
    year = years = _interval_unit("YEAR")
    month = months = _interval_unit("MONTH")
    week = weeks = _interval_unit("WEEK")
    day = days = _interval_unit("DAY")
    hour = hours = _interval_unit("HOUR")
    minute = minutes = _interval_unit("MINUTE")
    second = seconds = _interval_unit("SECOND")
    milli = millis = _interval_unit("MILLISECOND")

    # -- values -----------------------------------------------------------------------------

    def at(self, index: Any) -> "Expression":
        return _call("at", self, index)

    def get(self, name_or_index: Any) -> "Expression":
        if not isinstance(name_or_index, str):
            raise NotImplementedError("Expression.get by field index is not supported by PyStream yet; name the field")
        return Expression(sql_pb2.TableExpression(call=sql_pb2.TableCall(
            name="get", args=[self._proto, sql_pb2.TableExpression(field=name_or_index)])))

    cardinality = _unary("cardinality")


class _TimeRounding(Expression):
    """``floor``/``ceil``: an expression (a number rounded) that, called with a unit, rounds a time point instead."""

    __slots__ = ("_name", "_operand")

    def __init__(self, name: str, operand: Expression) -> None:
        super().__init__(_call(name, operand)._proto)
        self._name = name
        self._operand = operand

    def __call__(self, time_interval_unit: TimeIntervalUnit | None = None) -> Expression:
        if time_interval_unit is None:
            return Expression(self._proto)
        return _call(self._name, self._operand, time_interval_unit)
