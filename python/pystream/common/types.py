"""``Row`` and ``RowKind`` with PyFlink's behaviour.

A Row is a list of values with optional field names and a change kind. Rows are created
once per record on hot paths, so the class uses slots and sets them through the slot
descriptors, skipping the read-only ``__setattr__`` guard. Names live in the ``_names``
slot (None when unnamed) so engine code can test for them without an exception;
``_fields`` is a property over it that is absent on unnamed rows, as in PyFlink.
"""
from __future__ import annotations

from enum import Enum
from typing import Any, Dict, Iterator, List, Optional, Sequence

__all__ = ["Row", "RowKind"]


class RowKind(Enum):
    INSERT = 0
    UPDATE_BEFORE = 1
    UPDATE_AFTER = 2
    DELETE = 3

    def __str__(self) -> str:
        return _ROW_KIND_SHORT[self.value]

    def short_string(self) -> str:
        return _ROW_KIND_SHORT[self.value]


_ROW_KIND_SHORT = ("+I", "-U", "+U", "-D")
_ROW_KINDS = tuple(RowKind)
_SETTABLE = frozenset({"_values", "_fields", "_names", "_row_kind"})


class Row:
    """A record of positional values, optionally named.

    ``Row(1, 'a')`` is positional, ``Row(name='ann', age=3)`` is named (keyword order is
    kept), and a Row of names can be called as a factory: ``Row('name', 'age')('ann', 3)``.
    ``_fields`` is absent on unnamed rows, as in PyFlink (``hasattr(row, '_fields')``).
    """

    __slots__ = ("_values", "_names", "_row_kind")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if args and kwargs:
            raise ValueError("Can not use both args and kwargs to create Row")
        if kwargs:
            _set_names(self, list(kwargs))
            _set_values(self, list(kwargs.values()))
        else:
            _set_values(self, list(args))
            _set_names(self, None)
        _set_kind(self, RowKind.INSERT)

    def as_dict(self, recursive: bool = False) -> Dict[str, Any]:
        """Return the named fields as a dict; nested Rows too when ``recursive``."""
        fields = self._names
        if fields is None:
            raise TypeError("Cannot convert a Row without field names into a dict")
        if not recursive:
            return dict(zip(fields, self._values))
        return {name: _as_dict_value(value) for name, value in zip(fields, self._values)}

    def get_row_kind(self) -> RowKind:
        return self._row_kind

    def set_row_kind(self, row_kind: RowKind) -> None:
        if not isinstance(row_kind, RowKind):
            raise TypeError("row_kind must be a RowKind, got %r" % (row_kind,))
        _set_kind(self, row_kind)

    def set_field_names(self, field_names: Sequence[str]) -> None:
        _set_names(self, list(field_names))

    def get_fields_by_names(self, names: Sequence[str]) -> List[Any]:
        """Return the values of the given fields, in the given order."""
        fields = self._names
        if fields is None or list(names) == fields:
            return self._values
        missing = [name for name in names if name not in fields]
        if missing:
            raise ValueError("Field names %s not exist in %s." % (missing, fields))
        return [self._values[fields.index(name)] for name in names]

    @property
    def _fields(self) -> List[str]:
        names = self._names
        if names is None:
            raise AttributeError("_fields")
        return names

    @_fields.setter
    def _fields(self, names: Optional[Sequence[str]]) -> None:
        _set_names(self, None if names is None else list(names))

    def _is_retract_msg(self) -> bool:
        return self._row_kind in (RowKind.UPDATE_BEFORE, RowKind.DELETE)

    def _is_accumulate_msg(self) -> bool:
        return self._row_kind in (RowKind.INSERT, RowKind.UPDATE_AFTER)

    def __call__(self, *args: Any) -> "Row":
        # A row of names acts as a factory for rows with those names.
        if len(args) > len(self._values):
            raise ValueError("Can not create Row with fields %s, expected %d values but got %s"
                             % (self, len(self._values), args))
        row = Row(*args)
        _set_names(row, list(self._values))
        return row

    def __getitem__(self, item: Any) -> Any:
        if isinstance(item, (int, slice)):
            return self._values[item]
        return self._values[self._index_of(item)]

    def __setitem__(self, key: Any, value: Any) -> None:
        if isinstance(key, (int, slice)):
            self._values[key] = value
        else:
            self._values[self._index_of(key)] = value

    def _index_of(self, name: Any) -> int:
        fields = self._names
        if fields is None:
            raise ValueError("Row has no field names, cannot look up %r" % (name,))
        try:
            return fields.index(name)
        except ValueError:
            raise ValueError("Row has no field %r" % (name,)) from None

    def __getattr__(self, item: str) -> Any:
        # Only called when normal lookup fails: unset slots and field names.
        if item.startswith("_"):
            raise AttributeError(item)
        fields = self._names
        if fields is None or item not in fields:
            raise AttributeError(item)
        return self._values[fields.index(item)]

    def __setattr__(self, key: str, value: Any) -> None:
        if key not in _SETTABLE:
            raise RuntimeError("Row is read-only")
        object.__setattr__(self, key, value)

    def __contains__(self, item: Any) -> bool:
        fields = self._names
        return item in (self._values if fields is None else fields)

    def __reduce__(self) -> Any:
        return _restore_row, (self._values, self._names, self._row_kind.value)

    def __repr__(self) -> str:
        fields = self._names
        if fields is not None:
            return "Row(%s)" % ", ".join(
                "%s=%r" % (name, value) for name, value in zip(fields, self._values))
        return "<Row(%s)>" % ", ".join(repr(value) for value in self._values)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Row):
            return False
        # Names are not compared, as in PyFlink: a row decoded with f0, f1, ... still
        # equals the positional row it came from.
        return (self.__class__ == other.__class__
                and self._row_kind == other._row_kind
                and self._values == other._values)

    def __ne__(self, other: object) -> bool:
        return not self == other

    def __hash__(self) -> int:
        return hash(tuple(self._values))

    def __iter__(self) -> Iterator[Any]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)


_set_values = Row._values.__set__  # type: ignore[attr-defined]
_set_names = Row._names.__set__  # type: ignore[attr-defined]
_set_kind = Row._row_kind.__set__  # type: ignore[attr-defined]


def _restore_row(values: List[Any], fields: Optional[List[str]], kind: int) -> Row:
    row = Row.__new__(Row)
    _set_values(row, values)
    _set_names(row, fields)
    _set_kind(row, _ROW_KINDS[kind])
    return row


def _as_dict_value(value: Any) -> Any:
    if isinstance(value, Row) and value._names is not None:
        return value.as_dict(True)
    if isinstance(value, list):
        return [_as_dict_value(v) for v in value]
    if isinstance(value, dict):
        return {k: _as_dict_value(v) for k, v in value.items()}
    return value
