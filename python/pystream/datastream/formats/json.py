"""JSON rows, as in ``pyflink.datastream.formats.json``.

The schemas only describe the format (a row type and options); the Python worker builds
the codecs from them (Kafka values are handed to Python as text, rows come back as text).
"""

from __future__ import annotations

from typing import Any

from pystream.common.typeinfo import RowTypeInfo, TypeInformation
from pystream.datastream.formats._row_types import require_json_supported

__all__ = ["JsonRowDeserializationSchema", "JsonRowSerializationSchema"]


def _row_type(type_info: Any) -> RowTypeInfo:
    if not isinstance(type_info, RowTypeInfo):
        raise ValueError(f"Only RowTypeInfo is supported, got {type_info!r}")
    require_json_supported(type_info)
    return type_info


class JsonRowDeserializationSchema:
    """Reads the fields of a row type, by name, from JSON objects."""

    def __init__(self, type_info: RowTypeInfo, fail_on_missing_field: bool = False,
                 ignore_parse_errors: bool = False) -> None:
        self._type_info = _row_type(type_info)
        self._fail_on_missing_field = fail_on_missing_field
        self._ignore_parse_errors = ignore_parse_errors

    @staticmethod
    def builder() -> "JsonRowDeserializationSchema.Builder":
        return JsonRowDeserializationSchema.Builder()

    def get_produced_type(self) -> TypeInformation:
        return self._type_info

    def __repr__(self) -> str:
        return f"JsonRowDeserializationSchema({self._type_info!r})"

    class Builder:
        def __init__(self) -> None:
            self._type_info: TypeInformation | None = None
            self._fail_on_missing_field = False
            self._ignore_parse_errors = False

        def type_info(self, type_info: TypeInformation) -> "JsonRowDeserializationSchema.Builder":
            self._type_info = type_info
            return self

        def json_schema(self, json_schema: str) -> "JsonRowDeserializationSchema.Builder":
            raise NotImplementedError("JsonRowDeserializationSchema.Builder.json_schema is not supported by PyStream "
                                      "yet; declare the row with type_info(Types.ROW_NAMED(...))")

        def fail_on_missing_field(self) -> "JsonRowDeserializationSchema.Builder":
            self._fail_on_missing_field = True
            return self

        def ignore_parse_errors(self) -> "JsonRowDeserializationSchema.Builder":
            self._ignore_parse_errors = True
            return self

        def build(self) -> "JsonRowDeserializationSchema":
            if self._type_info is None:
                raise TypeError("Typeinfo should be set.")
            return JsonRowDeserializationSchema(self._type_info, self._fail_on_missing_field, self._ignore_parse_errors)


class JsonRowSerializationSchema:
    """Writes rows as compact JSON objects, fields named by the row type."""

    def __init__(self, type_info: RowTypeInfo) -> None:
        self._type_info = _row_type(type_info)

    @staticmethod
    def builder() -> "JsonRowSerializationSchema.Builder":
        return JsonRowSerializationSchema.Builder()

    def __repr__(self) -> str:
        return f"JsonRowSerializationSchema({self._type_info!r})"

    class Builder:
        def __init__(self) -> None:
            self._type_info: TypeInformation | None = None

        def with_type_info(self, type_info: TypeInformation) -> "JsonRowSerializationSchema.Builder":
            self._type_info = type_info
            return self

        def build(self) -> "JsonRowSerializationSchema":
            if self._type_info is None:
                raise TypeError("Typeinfo should be set.")
            return JsonRowSerializationSchema(self._type_info)  # type: ignore[arg-type]
