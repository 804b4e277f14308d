"""Type information for PyFlink-compatible streams.

These classes only describe types: the engine reads them to choose a wire format, a
printer and a key encoding. They hold plain attributes so that pickle and cloudpickle
can ship them to workers. Names, reprs and equality follow PyFlink's ``typeinfo``.
"""
from __future__ import annotations

from enum import Enum
from typing import Any, List, Optional, Tuple

__all__ = [
    "TypeInformation",
    "BasicType",
    "BasicTypeInfo",
    "InstantTypeInfo",
    "SqlTimeTypeInfo",
    "DateTypeInfo",
    "TimeTypeInfo",
    "TimestampTypeInfo",
    "LocalTimeType",
    "LocalTimeTypeInfo",
    "PrimitiveArrayTypeInfo",
    "BasicArrayTypeInfo",
    "ObjectArrayTypeInfo",
    "PickledBytesTypeInfo",
    "RowTypeInfo",
    "TupleTypeInfo",
    "MapTypeInfo",
    "ListTypeInfo",
    "Types",
]


class TypeInformation:
    """Base of all type descriptions.

    Equality and hashing compare the concrete class and ``_identity()``, so every
    subclass only has to say which attributes make it what it is.
    """

    def _identity(self) -> Tuple[Any, ...]:
        return ()

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return False
        return self._identity() == other._identity()  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash((type(self).__name__, self._identity()))

    def __repr__(self) -> str:
        return type(self).__name__


class BasicType(Enum):
    # The values are the Java class names PyFlink prints in a type's repr.
    STRING = "String"
    BYTE = "Byte"
    BOOLEAN = "Boolean"
    SHORT = "Short"
    INT = "Integer"
    LONG = "Long"
    FLOAT = "Float"
    DOUBLE = "Double"
    CHAR = "Char"
    BIG_INT = "BigInteger"
    BIG_DEC = "BigDecimal"
    INSTANT = "Instant"


class BasicTypeInfo(TypeInformation):
    """Primitive types, String, BigInteger, BigDecimal and Instant."""

    def __init__(self, basic_type: BasicType) -> None:
        self._basic_type = basic_type

    @property
    def basic_type(self) -> BasicType:
        return self._basic_type

    def _identity(self) -> Tuple[Any, ...]:
        return (self._basic_type,)

    def __eq__(self, other: object) -> bool:
        # PyFlink compares basic types by kind only, so InstantTypeInfo equals
        # BasicTypeInfo(BasicType.INSTANT).
        return isinstance(other, BasicTypeInfo) and other._basic_type is self._basic_type

    def __hash__(self) -> int:
        return hash(("BasicTypeInfo", self._basic_type))

    def __repr__(self) -> str:
        return self._basic_type.value

    @staticmethod
    def STRING_TYPE_INFO() -> "BasicTypeInfo":
        return BasicTypeInfo(BasicType.STRING)

    @staticmethod
    def BOOLEAN_TYPE_INFO() -> "BasicTypeInfo":
        return BasicTypeInfo(BasicType.BOOLEAN)

    @staticmethod
    def BYTE_TYPE_INFO() -> "BasicTypeInfo":
        return BasicTypeInfo(BasicType.BYTE)

    @staticmethod
    def SHORT_TYPE_INFO() -> "BasicTypeInfo":
        return BasicTypeInfo(BasicType.SHORT)

    @staticmethod
    def INT_TYPE_INFO() -> "BasicTypeInfo":
        return BasicTypeInfo(BasicType.INT)

    @staticmethod
    def LONG_TYPE_INFO() -> "BasicTypeInfo":
        return BasicTypeInfo(BasicType.LONG)

    @staticmethod
    def FLOAT_TYPE_INFO() -> "BasicTypeInfo":
        return BasicTypeInfo(BasicType.FLOAT)

    @staticmethod
    def DOUBLE_TYPE_INFO() -> "BasicTypeInfo":
        return BasicTypeInfo(BasicType.DOUBLE)

    @staticmethod
    def CHAR_TYPE_INFO() -> "BasicTypeInfo":
        return BasicTypeInfo(BasicType.CHAR)

    @staticmethod
    def BIG_INT_TYPE_INFO() -> "BasicTypeInfo":
        return BasicTypeInfo(BasicType.BIG_INT)

    @staticmethod
    def BIG_DEC_TYPE_INFO() -> "BasicTypeInfo":
        return BasicTypeInfo(BasicType.BIG_DEC)

    @staticmethod
    def INSTANT_TYPE_INFO() -> "InstantTypeInfo":
        return InstantTypeInfo()


class InstantTypeInfo(BasicTypeInfo):
    """Instants; values are ``pystream.common.time.Instant``."""

    def __init__(self, basic_type: BasicType = BasicType.INSTANT) -> None:
        super().__init__(basic_type)


class SqlTimeTypeInfo(TypeInformation):
    """Namespace for the java.sql time types, as in PyFlink."""

    @staticmethod
    def DATE() -> "DateTypeInfo":
        return DateTypeInfo()

    @staticmethod
    def TIME() -> "TimeTypeInfo":
        return TimeTypeInfo()

    @staticmethod
    def TIMESTAMP() -> "TimestampTypeInfo":
        return TimestampTypeInfo()


class DateTypeInfo(SqlTimeTypeInfo):
    """java.sql.Date; values are ``datetime.date``."""


class TimeTypeInfo(SqlTimeTypeInfo):
    """java.sql.Time; values are ``datetime.time``."""


class TimestampTypeInfo(SqlTimeTypeInfo):
    """java.sql.Timestamp; values are ``datetime.datetime``."""


class LocalTimeType(Enum):
    LOCAL_DATE = "LocalDate"
    LOCAL_TIME = "LocalTime"
    LOCAL_DATE_TIME = "LocalDateTime"


class LocalTimeTypeInfo(TypeInformation):
    """java.time local types; values are ``date``, ``time`` and ``datetime``."""

    def __init__(self, time_type: LocalTimeType) -> None:
        self._time_type = time_type

    @property
    def time_type(self) -> LocalTimeType:
        return self._time_type

    def _identity(self) -> Tuple[Any, ...]:
        return (self._time_type,)

    def __repr__(self) -> str:
        return self._time_type.value

    @staticmethod
    def LOCAL_DATE() -> "LocalTimeTypeInfo":
        return LocalTimeTypeInfo(LocalTimeType.LOCAL_DATE)

    @staticmethod
    def LOCAL_TIME() -> "LocalTimeTypeInfo":
        return LocalTimeTypeInfo(LocalTimeType.LOCAL_TIME)

    @staticmethod
    def LOCAL_DATE_TIME() -> "LocalTimeTypeInfo":
        return LocalTimeTypeInfo(LocalTimeType.LOCAL_DATE_TIME)


class _ElementTypeInfo(TypeInformation):
    """Shared shape of the array and list types: one element type."""

    _repr_name = ""

    def __init__(self, element_type: TypeInformation) -> None:
        _require_type(element_type, "element type")
        self._element_type = element_type

    def get_element_type(self) -> TypeInformation:
        return self._element_type

    def _identity(self) -> Tuple[Any, ...]:
        return (self._element_type,)

    def __repr__(self) -> str:
        return "%s<%r>" % (self._repr_name, self._element_type)


_PRIMITIVE_ELEMENTS = frozenset({
    BasicType.BOOLEAN, BasicType.BYTE, BasicType.SHORT, BasicType.INT,
    BasicType.LONG, BasicType.FLOAT, BasicType.DOUBLE, BasicType.CHAR,
})
_BASIC_ARRAY_ELEMENTS = _PRIMITIVE_ELEMENTS | {BasicType.STRING}


class PrimitiveArrayTypeInfo(_ElementTypeInfo):
    """Arrays of Java primitives (``int[]``, ``byte[]``, ...)."""

    _repr_name = "PrimitiveArrayTypeInfo"

    def __init__(self, element_type: TypeInformation) -> None:
        # PyFlink only fails when the Java type is built; failing here points at the
        # user's line instead.
        if not (isinstance(element_type, BasicTypeInfo)
                and element_type.basic_type in _PRIMITIVE_ELEMENTS):
            raise TypeError("Invalid element type for a primitive array: %r" % (element_type,))
        super().__init__(element_type)


class BasicArrayTypeInfo(_ElementTypeInfo):
    """Arrays of boxed primitives and strings (``Integer[]``, ``String[]``, ...)."""

    _repr_name = "BasicArrayTypeInfo"

    def __init__(self, element_type: TypeInformation) -> None:
        if not (isinstance(element_type, BasicTypeInfo)
                and element_type.basic_type in _BASIC_ARRAY_ELEMENTS):
            raise TypeError("Invalid element type for a basic array: %r" % (element_type,))
        super().__init__(element_type)


class ObjectArrayTypeInfo(_ElementTypeInfo):
    """Arrays of any other type."""

    _repr_name = "ObjectArrayTypeInfo"


class ListTypeInfo(_ElementTypeInfo):
    """``java.util.List`` of one element type; values are Python lists."""

    _repr_name = "ListTypeInfo"

    @property
    def elem_type(self) -> TypeInformation:
        # PyFlink exposes the element type under this name.
        return self._element_type


class MapTypeInfo(TypeInformation):
    """``java.util.Map``; values are Python dicts."""

    def __init__(self, key_type_info: TypeInformation, value_type_info: TypeInformation) -> None:
        _require_type(key_type_info, "key type")
        _require_type(value_type_info, "value type")
        self._key_type_info = key_type_info
        self._value_type_info = value_type_info

    def get_key_type(self) -> TypeInformation:
        return self._key_type_info

    def get_value_type(self) -> TypeInformation:
        return self._value_type_info

    def _identity(self) -> Tuple[Any, ...]:
        return (self._key_type_info, self._value_type_info)

    def __repr__(self) -> str:
        return "MapTypeInfo<%r, %r>" % (self._key_type_info, self._value_type_info)


class PickledBytesTypeInfo(TypeInformation):
    """Any Python object, shipped pickled; the default when no type is declared."""

    def __repr__(self) -> str:
        return "PickledByteArrayTypeInfo"


class RowTypeInfo(TypeInformation):
    """Rows of typed fields; unnamed rows get Flink's default names ``f0, f1, ...``."""

    def __init__(self, field_types: List[TypeInformation],
                 field_names: Optional[List[str]] = None) -> None:
        field_types = list(field_types)
        for field_type in field_types:
            _require_type(field_type, "field type")
        if field_names is None:
            field_names = ["f%d" % i for i in range(len(field_types))]
        else:
            field_names = list(field_names)
            if len(field_names) != len(field_types):
                raise ValueError("Number of field names (%d) and field types (%d) must match"
                                 % (len(field_names), len(field_types)))
            for name in field_names:
                if not isinstance(name, str):
                    raise TypeError("Field names must be strings, got %r" % (name,))
            if len(set(field_names)) != len(field_names):
                raise ValueError("Field names must be unique: %r" % (field_names,))
        self._field_types = field_types
        self._field_names = field_names

    def get_field_names(self) -> List[str]:
        return list(self._field_names)

    def get_field_types(self) -> List[TypeInformation]:
        return list(self._field_types)

    def get_field_index(self, field_name: str) -> int:
        # -1 for an unknown name, like Java's RowTypeInfo.getFieldIndex.
        try:
            return self._field_names.index(field_name)
        except ValueError:
            return -1

    def get_arity(self) -> int:
        return len(self._field_types)

    def _identity(self) -> Tuple[Any, ...]:
        # Java's RowTypeInfo.equals compares names as well as types.
        return (tuple(self._field_types), tuple(self._field_names))

    def __repr__(self) -> str:
        return "RowTypeInfo(%s)" % ", ".join(
            "%s: %r" % (name, field_type)
            for name, field_type in zip(self._field_names, self._field_types))


class TupleTypeInfo(TypeInformation):
    """Java tuples of typed fields; values are Python tuples."""

    def __init__(self, field_types: List[TypeInformation]) -> None:
        field_types = list(field_types)
        for field_type in field_types:
            _require_type(field_type, "field type")
        self._field_types = field_types

    def get_field_types(self) -> List[TypeInformation]:
        return list(self._field_types)

    def get_arity(self) -> int:
        return len(self._field_types)

    def _identity(self) -> Tuple[Any, ...]:
        return tuple(self._field_types)

    def __repr__(self) -> str:
        return "TupleTypeInfo(%s)" % ", ".join(repr(t) for t in self._field_types)


def _require_type(value: object, what: str) -> None:
    if not isinstance(value, TypeInformation):
        raise TypeError("Expected a TypeInformation as %s, got %r" % (what, value))


class Types:
    """Factory of the common types, with PyFlink's method names."""

    STRING = staticmethod(BasicTypeInfo.STRING_TYPE_INFO)
    BYTE = staticmethod(BasicTypeInfo.BYTE_TYPE_INFO)
    BOOLEAN = staticmethod(BasicTypeInfo.BOOLEAN_TYPE_INFO)
    SHORT = staticmethod(BasicTypeInfo.SHORT_TYPE_INFO)
    INT = staticmethod(BasicTypeInfo.INT_TYPE_INFO)
    LONG = staticmethod(BasicTypeInfo.LONG_TYPE_INFO)
    FLOAT = staticmethod(BasicTypeInfo.FLOAT_TYPE_INFO)
    DOUBLE = staticmethod(BasicTypeInfo.DOUBLE_TYPE_INFO)
    CHAR = staticmethod(BasicTypeInfo.CHAR_TYPE_INFO)
    BIG_INT = staticmethod(BasicTypeInfo.BIG_INT_TYPE_INFO)
    BIG_DEC = staticmethod(BasicTypeInfo.BIG_DEC_TYPE_INFO)
    INSTANT = staticmethod(BasicTypeInfo.INSTANT_TYPE_INFO)
    SQL_DATE = staticmethod(SqlTimeTypeInfo.DATE)
    SQL_TIME = staticmethod(SqlTimeTypeInfo.TIME)
    SQL_TIMESTAMP = staticmethod(SqlTimeTypeInfo.TIMESTAMP)
    LOCAL_DATE = staticmethod(LocalTimeTypeInfo.LOCAL_DATE)
    LOCAL_TIME = staticmethod(LocalTimeTypeInfo.LOCAL_TIME)
    LOCAL_DATE_TIME = staticmethod(LocalTimeTypeInfo.LOCAL_DATE_TIME)
    PICKLED_BYTE_ARRAY = staticmethod(PickledBytesTypeInfo)
    ROW = staticmethod(RowTypeInfo)  # ROW(field_types)
    TUPLE = staticmethod(TupleTypeInfo)  # TUPLE(field_types)
    PRIMITIVE_ARRAY = staticmethod(PrimitiveArrayTypeInfo)  # PRIMITIVE_ARRAY(element_type)
    BASIC_ARRAY = staticmethod(BasicArrayTypeInfo)  # BASIC_ARRAY(element_type)
    OBJECT_ARRAY = staticmethod(ObjectArrayTypeInfo)  # OBJECT_ARRAY(element_type)
    MAP = staticmethod(MapTypeInfo)  # MAP(key_type_info, value_type_info)
    LIST = staticmethod(ListTypeInfo)  # LIST(element_type_info)

    @staticmethod
    def ROW_NAMED(field_names: List[str], field_types: List[TypeInformation]) -> RowTypeInfo:
        return RowTypeInfo(field_types, field_names)
