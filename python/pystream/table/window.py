"""Windows, as in ``pyflink.table.window``: the group windows ``Tumble``, ``Slide`` and ``Session``, and
``Over`` windows.

``Tumble.over(lit(10).minutes).on(col('ts')).alias('w')`` describes a window for
``Table.window``; the engine runs it as the window table function of the same kind (TUMBLE, HOP,
SESSION), grouped by the window's start and end.
``Over.partition_by(col('k')).order_by(col('ts')).preceding(row_interval(2)).alias('w')`` describes an
over window for ``Table.over_window``; ``col('v').sum.over(col('w'))`` aggregates over it, as
``SUM(v) OVER (PARTITION BY k ORDER BY ts ROWS BETWEEN 2 PRECEDING AND CURRENT ROW)`` in SQL.
"""

from __future__ import annotations

from typing import Any

from pystream._proto import sql_pb2
from pystream.table.expression import Expression, _expression

__all__ = ["GroupWindow", "Tumble", "Slide", "Session", "Over", "OverWindow", "OverWindowPartitioned",
           "OverWindowPartitionedOrdered", "OverWindowPartitionedOrderedPreceding"]

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


class OverWindow:
    """An over window with its alias: what ``Table.over_window`` takes."""

    def __init__(self, alias: str, partition_by: list[sql_pb2.TableExpression], order_by: sql_pb2.TableExpression,
                 preceding: sql_pb2.TableExpression | None, following: sql_pb2.TableExpression | None) -> None:
        if not isinstance(alias, str) or not alias:
            raise ValueError(f"an over window's alias must be a name, got {alias!r}")
        self._alias = alias
        self._partition_by = partition_by
        self._order_by = order_by
        self._preceding = preceding
        self._following = following

    def _spec(self) -> sql_pb2.TableExpression:
        """The window as the engine reads it in ``over``: over_window(partition_by(keys), order, preceding[, following])."""
        unbounded_range = sql_pb2.TableExpression(symbol="UNBOUNDED_RANGE")
        args = [sql_pb2.TableExpression(call=sql_pb2.TableCall(name="partition_by", args=self._partition_by)),
                self._order_by, self._preceding or unbounded_range]
        if self._following is not None:
            args.append(self._following)
        return sql_pb2.TableExpression(call=sql_pb2.TableCall(name="over_window", args=args))


class OverWindowPartitionedOrderedPreceding:
    def __init__(self, partition_by: list[sql_pb2.TableExpression], order_by: sql_pb2.TableExpression,
                 preceding: sql_pb2.TableExpression, following: sql_pb2.TableExpression | None = None) -> None:
        self._partition_by = partition_by
        self._order_by = order_by
        self._preceding = preceding
        self._following = following

    def following(self, following: Any) -> "OverWindowPartitionedOrderedPreceding":
        """The end of the frame: CURRENT_ROW or CURRENT_RANGE (the only ends streaming over windows have)."""
        return OverWindowPartitionedOrderedPreceding(self._partition_by, self._order_by, self._preceding,
                                                     _expression(following))

    def alias(self, alias: str) -> OverWindow:
        return OverWindow(alias, self._partition_by, self._order_by, self._preceding, self._following)


class OverWindowPartitionedOrdered:
    def __init__(self, partition_by: list[sql_pb2.TableExpression], order_by: sql_pb2.TableExpression) -> None:
        self._partition_by = partition_by
        self._order_by = order_by

    def preceding(self, preceding: Any) -> OverWindowPartitionedOrderedPreceding:
        """The start of the frame: UNBOUNDED_RANGE, UNBOUNDED_ROW, row_interval(n) or a time interval (lit(1).hours)."""
        return OverWindowPartitionedOrderedPreceding(self._partition_by, self._order_by, _expression(preceding))

    def alias(self, alias: str) -> OverWindow:
        """Without ``preceding``: RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW."""
        return OverWindow(alias, self._partition_by, self._order_by, None, None)


class OverWindowPartitioned:
    def __init__(self, partition_by: list[sql_pb2.TableExpression]) -> None:
        self._partition_by = partition_by

    def order_by(self, order_by: Any) -> OverWindowPartitionedOrdered:
        """The time attribute the rows are ordered by: col('ts')."""
        return OverWindowPartitionedOrdered(self._partition_by, _field(order_by))


class Over:
    """Over windows: ``Over.partition_by(col('k')).order_by(col('ts')).preceding(UNBOUNDED_RANGE).alias('w')``."""

    @staticmethod
    def partition_by(*partition_by: Any) -> OverWindowPartitioned:
        return OverWindowPartitioned([_field(p) for p in partition_by])

    @staticmethod
    def order_by(order_by: Any) -> OverWindowPartitionedOrdered:
        return OverWindowPartitionedOrdered([], _field(order_by))
