"""Pattern conditions, as in Flink's ``org.apache.flink.cep.pattern.conditions``.

A ``SimpleCondition`` looks at the event alone, so the engine tests it once per event, for a
whole batch at a time. An ``IterativeCondition`` also reads the events the partial match took
so far (``ctx.get_events_for_pattern(name)``), so it is tested when the NFA takes the event.
"""

from __future__ import annotations

import abc
from typing import Any, Callable, Iterable

from pystream.common.generic import Subscriptable

__all__ = [
    "IterativeCondition",
    "SimpleCondition",
    "RichAndCondition",
    "RichOrCondition",
    "SubtypeCondition",
    "is_simple",
    "as_condition",
]


class IterativeCondition(Subscriptable, abc.ABC):
    """A condition that may read the partial match: ``filter(value, ctx)``."""

    class Context(Subscriptable, abc.ABC):
        """What an iterative condition may read about the partial match."""

        @abc.abstractmethod
        def get_events_for_pattern(self, name: str) -> Iterable[Any]:
            """The events the partial match took for stage ``name``, in order."""

        @abc.abstractmethod
        def timestamp(self) -> int:
            """The timestamp of the event being tested."""

        def current_processing_time(self) -> int:
            raise NotImplementedError

    @abc.abstractmethod
    def filter(self, value: Any, ctx: "IterativeCondition.Context") -> bool:
        ...


class SimpleCondition(IterativeCondition):
    """A condition on the event alone: ``filter(value)``."""

    @abc.abstractmethod
    def filter(self, value: Any) -> bool:  # type: ignore[override]
        ...

    @staticmethod
    def of(function: Callable[[Any], bool]) -> "SimpleCondition":
        """A simple condition from a one-argument callable (Flink's ``SimpleCondition.of``)."""
        return _CallableCondition(function)


class _CallableCondition(SimpleCondition):
    """A lambda given to ``where``/``or_``/``until``."""

    def __init__(self, function: Callable[[Any], bool]) -> None:
        self.function = function

    def filter(self, value: Any) -> bool:
        return self.function(value)


def is_simple(condition: IterativeCondition) -> bool:
    """Whether a condition reads the event alone (every part of it a simple condition)."""
    if isinstance(condition, (RichAndCondition, RichOrCondition)):
        return all(is_simple(c) for c in condition.nested_conditions)
    return isinstance(condition, SimpleCondition)


def test(condition: IterativeCondition, value: Any, ctx: Any) -> bool:
    """Tests ``value``; a simple condition is called without the context."""
    if isinstance(condition, SimpleCondition):
        return bool(condition.filter(value))
    return bool(condition.filter(value, ctx))


class RichAndCondition(IterativeCondition):
    """Both conditions hold (two ``where`` calls)."""

    def __init__(self, left: IterativeCondition, right: IterativeCondition) -> None:
        self.nested_conditions = (left, right)

    def filter(self, value: Any, ctx: Any = None) -> bool:
        return all(test(c, value, ctx) for c in self.nested_conditions)


class RichOrCondition(IterativeCondition):
    """Either condition holds (``or_``)."""

    def __init__(self, left: IterativeCondition, right: IterativeCondition) -> None:
        self.nested_conditions = (left, right)

    def filter(self, value: Any, ctx: Any = None) -> bool:
        return any(test(c, value, ctx) for c in self.nested_conditions)


class SubtypeCondition(SimpleCondition):
    """The event is an instance of a class (``subtype``)."""

    def __init__(self, subtype: type) -> None:
        if not isinstance(subtype, type):
            raise TypeError(f"subtype needs a class, got {subtype!r}")
        self.subtype = subtype

    def filter(self, value: Any) -> bool:
        return isinstance(value, self.subtype)


def as_condition(condition: Any) -> IterativeCondition:
    """A condition object from what a pattern method was given (a condition or a one-argument callable)."""
    if condition is None:
        raise ValueError("The condition cannot be null.")
    if isinstance(condition, IterativeCondition):
        return condition
    if callable(condition):
        return _CallableCondition(condition)
    raise TypeError(f"a condition is an IterativeCondition, a SimpleCondition or a callable, got {condition!r}")
