"""Group windows, as in ``pyflink.table.window``: ``Tumble``, ``Slide`` and ``Session``.

``Tumble.over(lit(10).minutes).on(col('ts')).alias('w')`` describes a window for
``Table.window``; the engine runs it as the window table function of the same kind (TUMBLE, HOP,
SESSION), grouped by the window's start and end.
"""

from __future__ import annotations

from typing import Any

from pystream._proto import sql_pb2
from pystream.table.expression import Expression, _expression

__all__ = ["GroupWindow", "Tumble", "Slide", "Session"]

_KIND = sql_pb2.TableGroupWindow


def _field(time_field: Any) -> sql_pb2.TableExpression:
    if isinstance(time_field, str):
        return sql_pb2.TableExpression(field=time_field)
    if not isinstance(time_field, Expression):
        raise TypeError(f"on takes the time attribute, col('ts'), got {time_field!r}")
    return time_field._proto


class GroupWindow:
    """A group window being described: its kind and size, then ``.on(time attribute)`` and ``.alias(name)``."""

    def __init__(self, kind: int, size: Any, slide: Any = None) -> None:
        self._proto = sql_pb2.TableGroupWindow(kind=kind, size=_expression(size))
        if slide is not None:
            self._proto.slide.CopyFrom(_expression(slide))

    def every(self, slide: Any) -> "GroupWindow":
        """Slide windows: how often a window starts."""
        if self._proto.kind != _KIND.SLIDE:
            raise TypeError("every belongs to Slide.over(size).every(slide)")
        window = self._copy()
        window._proto.slide.CopyFrom(_expression(slide))
        return window

    def on(self, time_field: Any) -> "GroupWindow":
        window = self._copy()
        window._proto.time_field.CopyFrom(_field(time_field))
        return window

    def alias(self, alias: str) -> "GroupWindow":
        if not isinstance(alias, str) or not alias:
            raise ValueError(f"a group window's alias must be a name, got {alias!r}")
        window = self._copy()
        window._proto.alias = alias
        return window

    def _copy(self) -> "GroupWindow":
        window = GroupWindow.__new__(GroupWindow)
        window._proto = sql_pb2.TableGroupWindow()
        window._proto.CopyFrom(self._proto)
        return window


class Tumble:
    """Tumbling windows: ``Tumble.over(lit(10).minutes).on(col('ts')).alias('w')``."""

    @staticmethod
    def over(size: Any) -> GroupWindow:
        return GroupWindow(_KIND.TUMBLE, size)


class Slide:
    """Sliding windows: ``Slide.over(lit(10).minutes).every(lit(5).minutes).on(col('ts')).alias('w')``."""

    @staticmethod
    def over(size: Any) -> GroupWindow:
        return GroupWindow(_KIND.SLIDE, size)


class Session:
    """Session windows: ``Session.with_gap(lit(10).minutes).on(col('ts')).alias('w')``."""

    @staticmethod
    def with_gap(gap: Any) -> GroupWindow:
        return GroupWindow(_KIND.SESSION, gap)
