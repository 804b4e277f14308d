"""Records of the DataStream API as a table's columns, and a table's rows as pyflink ``Row``s.

``from_data_stream``: a ``Row``, tuple or list gives one value per column, any other record the
one column's value (``from_changelog_stream``: and a Row its row kind); each column is packed as ``sql_functions.encode_column`` packs a function's
results, and the engine reads it in one copy. ``to_data_stream``/``to_changelog_stream``: the
engine packs each column once; the rows are ``Row``s with the table's field names and their row kind.
"""

from __future__ import annotations

from typing import Any

from pystream._runtime.sql_functions import Packed, decode_column, encode_column
from pystream.common.types import Row, _restore_row

__all__ = ["records_to_columns", "columns_to_records"]


def records_to_columns(records: list, types: list[str], changelog: bool = False) -> tuple[list[Packed], bytes | None]:
    """The packed columns, and with ``changelog`` each record's row kind (a Row's, else INSERT) as a byte."""
    width = len(types)
    rows = [_fields(record, width) for record in records]
    columns: list[Any] = list(zip(*rows)) if rows else [() for _ in types]
    packed = []
    for position, (type_text, values) in enumerate(zip(types, columns)):
        try:
            packed.append(encode_column(type_text, list(values)))
        except TypeError as error:
            raise TypeError(f"from_data_stream: column {position + 1} of the table is {type_text}, and a record's value "
                            f"does not fit it ({error})") from None
    if not changelog:
        return packed, None
    return packed, bytes(record._row_kind.value if type(record) is Row else 0 for record in records)


def _fields(record: Any, width: int) -> Any:
    if type(record) is Row:
        fields = record._values
    elif isinstance(record, (tuple, list)):
        fields = record
    elif width == 1:
        return (record,)
    else:
        raise TypeError(f"from_data_stream: the record {record!r} is no Row or tuple, and the table has {width} columns")
    if len(fields) != width:
        raise TypeError(f"from_data_stream: the record {record!r} has {len(fields)} fields, and the table {width} columns")
    return fields


def columns_to_records(count: int, packed: list[Packed], kinds: bytes | None, names: list[str], types: list[str]) -> list:
    columns = [decode_column(type_text, *column) for type_text, column in zip(types, packed)]
    names = list(names)
    if not columns:
        return [_restore_row([], names, kinds[i] if kinds else 0) for i in range(count)]
    if kinds is None:
        return [_restore_row(list(values), names, 0) for values in zip(*columns)]
    return [_restore_row(list(values), names, kind) for values, kind in zip(zip(*columns), kinds)]
