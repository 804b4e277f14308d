"""``DataTypes`` and the logical types of PyFlink's ``pyflink.table.types``.

A type only describes: ``str(t)`` is its SQL text as Flink writes it (``INT NOT NULL``,
``DECIMAL(10, 2)``, ``ROW<`a` INT, `b` STRING>``), which is how a table program's types
reach the engine (in DDL text). ``_parse_type`` reads the engine's type texts back.
"""

from __future__ import annotations

import copy
import re
from typing import Any, Iterator, Sequence

from pystream.table._sql_text import quote_identifier, quote_string

__all__ = [
    "DataType", "AtomicType", "NullType", "CharType", "VarCharType", "BinaryType", "VarBinaryType", "BooleanType",
    "TinyIntType", "SmallIntType", "IntType", "BigIntType", "FloatType", "DoubleType", "DecimalType", "DateType",
    "TimeType", "TimestampType", "LocalZonedTimestampType", "ArrayType", "MapType", "MultisetType", "RowField",
    "RowType", "Resolution", "DayTimeIntervalType", "YearMonthIntervalType", "DataTypes",
]

_MAX_LENGTH = 2147483647


class DataType:
    """A logical type with its nullability."""

    def __init__(self, nullable: bool = True) -> None:
        self._nullable = nullable

    def _sql(self) -> str:
        raise NotImplementedError

    def not_null(self) -> "DataType":
        return self._with_nullable(False)

    def nullable(self) -> "DataType":
        return self._with_nullable(True)

    def _with_nullable(self, nullable: bool) -> "DataType":
        twin = copy.copy(self)
        twin._nullable = nullable
        return twin

    def __str__(self) -> str:
        return self._sql() if self._nullable else f"{self._sql()} NOT NULL"

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str(self)!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, DataType) and str(self) == str(other)

    def __hash__(self) -> int:
        return hash(str(self))


class AtomicType(DataType):
    """A type without parameters, written as its name."""

    _NAME = ""

    def _sql(self) -> str:
        return self._NAME


class NullType(AtomicType):
    _NAME = "NULL"


class BooleanType(AtomicType):
    _NAME = "BOOLEAN"


class TinyIntType(AtomicType):
    _NAME = "TINYINT"


class SmallIntType(AtomicType):
    _NAME = "SMALLINT"


class IntType(AtomicType):
    _NAME = "INT"


class BigIntType(AtomicType):
    _NAME = "BIGINT"


class FloatType(AtomicType):
    _NAME = "FLOAT"


class DoubleType(AtomicType):
    _NAME = "DOUBLE"


class DateType(AtomicType):
    _NAME = "DATE"


class _Sized(DataType):
    """A type with one size parameter (a length or a precision)."""

    _NAME = ""
    _RANGE = (0, _MAX_LENGTH)

    def __init__(self, size: int, nullable: bool = True) -> None:
        super().__init__(nullable)
        low, high = self._RANGE
        if not isinstance(size, int) or not low <= size <= high:
            raise ValueError(f"{self._NAME} takes a size between {low} and {high}, got {size!r}")
        self.length = self.precision = size

    def _sql(self) -> str:
        return f"{self._NAME}({self.length})"


class CharType(_Sized):
    _NAME = "CHAR"
    _RANGE = (1, _MAX_LENGTH)


class VarCharType(_Sized):
    _NAME = "VARCHAR"
    _RANGE = (1, _MAX_LENGTH)

    def _sql(self) -> str:
        return "STRING" if self.length == _MAX_LENGTH else super()._sql()


class BinaryType(_Sized):
    _NAME = "BINARY"
    _RANGE = (1, _MAX_LENGTH)


class VarBinaryType(_Sized):
    _NAME = "VARBINARY"
    _RANGE = (1, _MAX_LENGTH)

    def _sql(self) -> str:
        return "BYTES" if self.length == _MAX_LENGTH else super()._sql()


class TimeType(_Sized):
    _NAME = "TIME"
    _RANGE = (0, 9)


class TimestampType(_Sized):
    _NAME = "TIMESTAMP"
    _RANGE = (0, 9)


class LocalZonedTimestampType(_Sized):
    _NAME = "TIMESTAMP_LTZ"
    _RANGE = (0, 9)


class DecimalType(DataType):
    def __init__(self, precision: int = 10, scale: int = 0, nullable: bool = True) -> None:
        super().__init__(nullable)
        if not isinstance(precision, int) or not 1 <= precision <= 38:
            raise ValueError(f"DECIMAL takes a precision between 1 and 38, got {precision!r}")
        if not isinstance(scale, int) or not 0 <= scale <= precision:
            raise ValueError(f"DECIMAL takes a scale between 0 and the precision {precision}, got {scale!r}")
        self.precision = precision
        self.scale = scale

    def _sql(self) -> str:
        return f"DECIMAL({self.precision}, {self.scale})"


class ArrayType(DataType):
    def __init__(self, element_type: DataType, nullable: bool = True) -> None:
        super().__init__(nullable)
        self.element_type = _require_type(element_type, "ARRAY's element type")

    def _sql(self) -> str:
        return f"ARRAY<{self.element_type}>"


class MultisetType(DataType):
    def __init__(self, element_type: DataType, nullable: bool = True) -> None:
        super().__init__(nullable)
        self.element_type = _require_type(element_type, "MULTISET's element type")

    def _sql(self) -> str:
        return f"MULTISET<{self.element_type}>"


class MapType(DataType):
    def __init__(self, key_type: DataType, value_type: DataType, nullable: bool = True) -> None:
        super().__init__(nullable)
        self.key_type = _require_type(key_type, "MAP's key type")
        self.value_type = _require_type(value_type, "MAP's value type")

    def _sql(self) -> str:
        return f"MAP<{self.key_type}, {self.value_type}>"


class RowField:
    """A named field of a ``ROW`` type."""

    def __init__(self, name: str, data_type: DataType, description: str | None = None) -> None:
        if not isinstance(name, str) or not name:
            raise ValueError(f"a ROW field needs a name, got {name!r}")
        self.name = name
        self.data_type = _require_type(data_type, f"the type of ROW field '{name}'")
        self.description = description

    def __str__(self) -> str:
        described = "" if self.description is None else f" {quote_string(self.description)}"
        return f"{quote_identifier(self.name)} {self.data_type}{described}"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RowField) and str(self) == str(other)

    def __hash__(self) -> int:
        return hash(str(self))


class RowType(DataType):
    def __init__(self, fields: Sequence[RowField], nullable: bool = True) -> None:
        super().__init__(nullable)
        self.fields = list(fields)
        for field in self.fields:
            if not isinstance(field, RowField):
                raise TypeError(f"ROW takes fields made by DataTypes.FIELD(name, type), got {field!r}")

    def field_names(self) -> list[str]:
        return [f.name for f in self.fields]

    def field_types(self) -> list[DataType]:
        return [f.data_type for f in self.fields]

    def __iter__(self) -> Iterator[RowField]:
        return iter(self.fields)

    def _sql(self) -> str:
        return f"ROW<{', '.join(str(f) for f in self.fields)}>"


class Resolution:
    """One end of an interval type: a unit with its precision (``DataTypes.DAY(2)``, ``SECOND(3)``)."""

    YEAR_MONTH_UNITS = ("YEAR", "MONTH")
    DAY_TIME_UNITS = ("DAY", "HOUR", "MINUTE", "SECOND")

    def __init__(self, unit: str, precision: int | None = None) -> None:
        self.unit = unit
        self.precision = precision

    def __str__(self) -> str:
        return self.unit if self.precision is None else f"{self.unit}({self.precision})"


class _IntervalType(DataType):
    def __init__(self, upper: Resolution, lower: Resolution | None, nullable: bool = True) -> None:
        super().__init__(nullable)
        self.upper = upper
        self.lower = lower

    def _sql(self) -> str:
        return f"INTERVAL {self.upper}" + ("" if self.lower is None else f" TO {self.lower}")


class DayTimeIntervalType(_IntervalType):
    pass


class YearMonthIntervalType(_IntervalType):
    pass


class _TypeText(DataType):
    """A type the engine named that has no class here (shown as the engine wrote it)."""

    def __init__(self, text: str, nullable: bool = True) -> None:
        super().__init__(nullable)
        self._text = text

    def _sql(self) -> str:
        return self._text


def _require_type(value: Any, what: str) -> DataType:
    if not isinstance(value, DataType):
        raise TypeError(f"{what} must be a DataType (DataTypes.INT() ...), got {value!r}")
    return value


class DataTypes:
    """The logical types, as ``pyflink.table.DataTypes``: ``DataTypes.INT()``, ``DataTypes.DECIMAL(10, 2)``..."""

    @staticmethod
    def NULL() -> NullType:
        return NullType()

    @staticmethod
    def CHAR(length: int, nullable: bool = True) -> CharType:
        return CharType(length, nullable)

    @staticmethod
    def VARCHAR(length: int, nullable: bool = True) -> VarCharType:
        return VarCharType(length, nullable)

    @staticmethod
    def STRING(nullable: bool = True) -> VarCharType:
        return VarCharType(_MAX_LENGTH, nullable)

    @staticmethod
    def BOOLEAN(nullable: bool = True) -> BooleanType:
        return BooleanType(nullable)

    @staticmethod
    def BINARY(length: int, nullable: bool = True) -> BinaryType:
        return BinaryType(length, nullable)

    @staticmethod
    def VARBINARY(length: int, nullable: bool = True) -> VarBinaryType:
        return VarBinaryType(length, nullable)

    @staticmethod
    def BYTES(nullable: bool = True) -> VarBinaryType:
        return VarBinaryType(_MAX_LENGTH, nullable)

    @staticmethod
    def DECIMAL(precision: int, scale: int, nullable: bool = True) -> DecimalType:
        return DecimalType(precision, scale, nullable)

    @staticmethod
    def TINYINT(nullable: bool = True) -> TinyIntType:
        return TinyIntType(nullable)

    @staticmethod
    def SMALLINT(nullable: bool = True) -> SmallIntType:
        return SmallIntType(nullable)

    @staticmethod
    def INT(nullable: bool = True) -> IntType:
        return IntType(nullable)

    @staticmethod
    def BIGINT(nullable: bool = True) -> BigIntType:
        return BigIntType(nullable)

    @staticmethod
    def FLOAT(nullable: bool = True) -> FloatType:
        return FloatType(nullable)

    @staticmethod
    def DOUBLE(nullable: bool = True) -> DoubleType:
        return DoubleType(nullable)

    @staticmethod
    def DATE(nullable: bool = True) -> DateType:
        return DateType(nullable)

    @staticmethod
    def TIME(precision: int = 0, nullable: bool = True) -> TimeType:
        return TimeType(precision, nullable)

    @staticmethod
    def TIMESTAMP(precision: int = 6, nullable: bool = True) -> TimestampType:
        return TimestampType(precision, nullable)

    @staticmethod
    def TIMESTAMP_LTZ(precision: int = 6, nullable: bool = True) -> LocalZonedTimestampType:
        return LocalZonedTimestampType(precision, nullable)

    @staticmethod
    def TIMESTAMP_WITH_LOCAL_TIME_ZONE(precision: int = 6, nullable: bool = True) -> LocalZonedTimestampType:
        return LocalZonedTimestampType(precision, nullable)

    @staticmethod
    def ARRAY(element_type: DataType, nullable: bool = True) -> ArrayType:
        return ArrayType(element_type, nullable)

    @staticmethod
    def MULTISET(element_type: DataType, nullable: bool = True) -> MultisetType:
        return MultisetType(element_type, nullable)

    @staticmethod
    def MAP(key_type: DataType, value_type: DataType, nullable: bool = True) -> MapType:
        return MapType(key_type, value_type, nullable)

    @staticmethod
    def FIELD(name: str, data_type: DataType, description: str | None = None) -> RowField:
        return RowField(name, data_type, description)

    @staticmethod
    def ROW(row_fields: Sequence[RowField] = (), nullable: bool = True) -> RowType:
        return RowType(row_fields, nullable)

    @staticmethod
    def YEAR(precision: int = 2) -> Resolution:
        return Resolution("YEAR", _interval_precision(precision, 1, 4, "YEAR"))

    @staticmethod
    def MONTH() -> Resolution:
        return Resolution("MONTH")

    @staticmethod
    def DAY(precision: int = 2) -> Resolution:
        return Resolution("DAY", _interval_precision(precision, 1, 6, "DAY"))

    @staticmethod
    def HOUR() -> Resolution:
        return Resolution("HOUR")

    @staticmethod
    def MINUTE() -> Resolution:
        return Resolution("MINUTE")

    @staticmethod
    def SECOND(precision: int = 6) -> Resolution:
        return Resolution("SECOND", _interval_precision(precision, 0, 9, "SECOND"))

    @staticmethod
    def INTERVAL(upper_resolution: Resolution, lower_resolution: Resolution | None = None) -> DataType:
        """``INTERVAL(DAY(), SECOND(3))``: a year-month or a day-time interval, from the larger unit to the smaller."""
        units = Resolution.YEAR_MONTH_UNITS if upper_resolution.unit in Resolution.YEAR_MONTH_UNITS \
            else Resolution.DAY_TIME_UNITS
        if lower_resolution is not None and (lower_resolution.unit not in units or
                                             units.index(lower_resolution.unit) <= units.index(upper_resolution.unit)):
            raise ValueError(f"no interval type goes from {upper_resolution.unit} to {lower_resolution.unit}")
        if units is Resolution.YEAR_MONTH_UNITS:
            return YearMonthIntervalType(upper_resolution, lower_resolution)
        return DayTimeIntervalType(upper_resolution, lower_resolution)


def _interval_precision(precision: int, low: int, high: int, unit: str) -> int:
    if not isinstance(precision, int) or not low <= precision <= high:
        raise ValueError(f"the precision of {unit} must be between {low} and {high}, got {precision!r}")
    return precision


# -- the engine's type texts, read back -------------------------------------------------

_ATOMIC = {cls._NAME: cls for cls in (NullType, BooleanType, TinyIntType, SmallIntType, IntType, BigIntType,
                                       FloatType, DoubleType, DateType)}
_SIZED = {"CHAR": (CharType, 1), "VARCHAR": (VarCharType, 1), "BINARY": (BinaryType, 1),
          "VARBINARY": (VarBinaryType, 1), "TIME": (TimeType, 0), "TIMESTAMP": (TimestampType, 6),
          "TIMESTAMP_LTZ": (LocalZonedTimestampType, 6)}
_SIMPLE = re.compile(r"^([A-Z_]+)(?:\((\d+)(?:, *(\d+))?\))?$")
_MARKER = re.compile(r"\s*\*(?:ROWTIME|PROCTIME)\*")


def _parse_type(text: str) -> DataType:
    """The type the engine wrote as ``text`` (``INT NOT NULL``, ``TIMESTAMP(3) *ROWTIME*``); a type without a
    class here keeps its text."""
    body = _MARKER.sub("", text).strip()
    nullable = not body.endswith(" NOT NULL")
    if not nullable:
        body = body[:-len(" NOT NULL")].rstrip()
    match = _SIMPLE.match(body)
    if match is None:
        return _TypeText(body, nullable)
    name, first, second = match.group(1), match.group(2), match.group(3)
    if name in _ATOMIC and first is None:
        return _ATOMIC[name](nullable)
    if name == "STRING" and first is None:
        return DataTypes.STRING(nullable)
    if name == "BYTES" and first is None:
        return DataTypes.BYTES(nullable)
    if name == "DECIMAL":
        return DecimalType(int(first or 10), int(second or 0), nullable)
    if name in _SIZED and second is None:
        cls, default = _SIZED[name]
        return cls(int(first) if first is not None else default, nullable)
    return _TypeText(body, nullable)
