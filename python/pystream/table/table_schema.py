"""``TableSchema``, as in ``pyflink.table.table_schema``: a result's column names and types."""

from __future__ import annotations

from typing import Sequence

from pystream.table.types import DataType, DataTypes

__all__ = ["TableSchema"]


class TableSchema:
    def __init__(self, field_names: Sequence[str] | None = None, data_types: Sequence[DataType] | None = None) -> None:
        self._names = list(field_names or [])
        self._types = list(data_types or [])
        if len(self._names) != len(self._types):
            raise ValueError(f"a TableSchema got {len(self._names)} names but {len(self._types)} types")

    def get_field_names(self) -> list[str]:
        return list(self._names)

    def get_field_data_types(self) -> list[DataType]:
        return list(self._types)

    def get_field_count(self) -> int:
        return len(self._names)

    def get_field_name(self, field_index: int) -> str | None:
        return self._names[field_index] if 0 <= field_index < len(self._names) else None

    def get_field_data_type(self, field: int | str) -> DataType | None:
        if isinstance(field, str):
            return self._types[self._names.index(field)] if field in self._names else None
        return self._types[field] if 0 <= field < len(self._types) else None

    def to_row_data_type(self) -> DataType:
        return DataTypes.ROW([DataTypes.FIELD(n, t) for n, t in zip(self._names, self._types)])

    def __str__(self) -> str:
        return "root\n" + "".join(f" |-- {n}: {t}\n" for n, t in zip(self._names, self._types))

    def __repr__(self) -> str:
        return str(self)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, TableSchema) and (self._names, self._types) == (other._names, other._types)

    def __hash__(self) -> int:
        return hash(tuple(self._names))
