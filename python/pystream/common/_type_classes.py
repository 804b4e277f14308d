"""Groups of type information that several parts of PyStream treat alike.

Pure questions about a ``TypeInformation``; the API's checks and the worker's printers
and row codecs ask them, so each group is written down once.
"""

from __future__ import annotations

from pystream.common.typeinfo import (
    BasicArrayTypeInfo, BasicType, BasicTypeInfo, DateTypeInfo, ListTypeInfo, LocalTimeTypeInfo,
    ObjectArrayTypeInfo, PrimitiveArrayTypeInfo, TimestampTypeInfo, TimeTypeInfo, TypeInformation)

__all__ = ["SEQUENCE_TYPES", "is_text_scalar", "is_byte_array"]

# Type infos whose values are sequences of one element type.
SEQUENCE_TYPES = (PrimitiveArrayTypeInfo, BasicArrayTypeInfo, ObjectArrayTypeInfo, ListTypeInfo)

# Numbers, text and booleans: what Java reads from and writes as field text (not CHAR, INSTANT).
_TEXT_BASIC_TYPES = frozenset({BasicType.BYTE, BasicType.SHORT, BasicType.INT, BasicType.LONG, BasicType.FLOAT,
                               BasicType.DOUBLE, BasicType.BIG_DEC, BasicType.BIG_INT, BasicType.STRING,
                               BasicType.BOOLEAN})
_BYTES = BasicTypeInfo.BYTE_TYPE_INFO()


def is_text_scalar(type_info: TypeInformation) -> bool:
    """A field Flink's JSON and CSV formats read from one text: numbers, strings, booleans, dates and times."""
    if isinstance(type_info, BasicTypeInfo):
        return type_info.basic_type in _TEXT_BASIC_TYPES
    return isinstance(type_info, (DateTypeInfo, TimeTypeInfo, TimestampTypeInfo, LocalTimeTypeInfo))


def is_byte_array(type_info: TypeInformation) -> bool:
    """``Types.PRIMITIVE_ARRAY(Types.BYTE())``: a Java byte[] (base64 text in the row formats)."""
    return isinstance(type_info, PrimitiveArrayTypeInfo) and type_info.get_element_type() == _BYTES
