"""Which row types Flink's JSON and CSV row formats carry: the checks a schema makes when
it is built (the worker's codecs make them again).

Pure questions about type information; reading and writing rows is the worker's
(``pystream._runtime.json_rows`` / ``csv_rows``).
"""

from __future__ import annotations

from pystream.common._type_classes import SEQUENCE_TYPES, is_byte_array, is_text_scalar
from pystream.common.typeinfo import (
    BasicArrayTypeInfo, MapTypeInfo, ObjectArrayTypeInfo, RowTypeInfo, TypeInformation)

__all__ = ["csv_nested_types", "require_json_supported", "require_csv_supported"]


def csv_nested_types(type_info: TypeInformation) -> list[TypeInformation] | None:
    """The element types of a CSV column Jackson holds as an array; None for other columns."""
    if isinstance(type_info, (BasicArrayTypeInfo, ObjectArrayTypeInfo)):
        return [type_info.get_element_type()]
    if isinstance(type_info, RowTypeInfo):
        return type_info.get_field_types()
    return None


def require_json_supported(type_info: TypeInformation, path: str = "") -> None:
    """Refuses, when the schema is built, a type Flink's JSON row format cannot carry."""
    if isinstance(type_info, RowTypeInfo):
        for name, field in zip(type_info.get_field_names(), type_info.get_field_types()):
            require_json_supported(field, f"{path}.{name}" if path else name)
    elif isinstance(type_info, SEQUENCE_TYPES):
        require_json_supported(type_info.get_element_type(), path)
    elif isinstance(type_info, MapTypeInfo):
        require_json_supported(type_info.get_key_type(), path)
        require_json_supported(type_info.get_value_type(), path)
    elif not is_text_scalar(type_info):  # CHAR, INSTANT, tuples, pickled objects
        raise ValueError(f"Unsupported type information '{type_info!r}' for field '{path}' in the JSON format")


def require_csv_supported(row_type: TypeInformation) -> RowTypeInfo:
    """The row type, if Flink's CSV format can carry it (checked when the schema is built)."""
    if row_type is None:
        raise TypeError("Type information must not be None")
    if not isinstance(row_type, RowTypeInfo):
        raise ValueError(f"Row type information expected, got {row_type!r}.")
    for name, field in zip(row_type.get_field_names(), row_type.get_field_types()):
        nested = csv_nested_types(field)
        if nested is not None:
            for inner in nested:
                if not is_text_scalar(inner):
                    raise ValueError("Only simple types are supported in the second level nesting of fields "
                                     f"'{name}' but was: {inner!r}")
        elif not is_text_scalar(field) and not is_byte_array(field):
            raise ValueError(f"Unsupported type information '{field!r}' for field '{name}'.")
    return row_type
