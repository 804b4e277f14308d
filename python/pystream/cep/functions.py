"""What a pattern stream's matches go to, as in Flink's ``org.apache.flink.cep.functions``.

A match is a dict from stage name to the list of events the stage took. Functions yield
their results; ``(OutputTag, value)`` pairs go to side outputs, as in PyFlink's process functions.
"""

from __future__ import annotations

import abc
from typing import Any, Iterable

from pystream.common.generic import Subscriptable
from pystream.datastream.functions import Function
from pystream.datastream.output_tag import OutputTag

__all__ = [
    "PatternProcessFunction",
    "TimedOutPartialMatchHandler",
    "PatternSelectFunction",
    "PatternFlatSelectFunction",
    "PatternTimeoutFunction",
    "PatternFlatTimeoutFunction",
    "EventComparator",
]

Match = dict[str, list[Any]]


class PatternProcessFunction(Function):
    """Gets every match: ``process_match(match, ctx)`` yields results."""

    class Context(Subscriptable, abc.ABC):
        @abc.abstractmethod
        def timestamp(self) -> int:
            """The match's timestamp: its last event's in event time, the processing time else;
            for a timed-out match, the time it timed out."""

        @abc.abstractmethod
        def current_processing_time(self) -> int:
            ...

    @abc.abstractmethod
    def process_match(self, match: Match, ctx: "PatternProcessFunction.Context") -> Iterable[Any] | None:
        ...


class TimedOutPartialMatchHandler(abc.ABC):
    """Mixed into a PatternProcessFunction: gets the partial matches that ``within`` timed out."""

    @abc.abstractmethod
    def process_timed_out_match(self, match: Match, ctx: PatternProcessFunction.Context) -> Iterable[Any] | None:
        ...


class PatternSelectFunction(Function):
    """One result per match (``select``)."""

    @abc.abstractmethod
    def select(self, match: Match) -> Any:
        ...


class PatternFlatSelectFunction(Function):
    """Any number of results per match (``flat_select``): yields them."""

    @abc.abstractmethod
    def flat_select(self, match: Match) -> Iterable[Any] | None:
        ...


class PatternTimeoutFunction(Function):
    """One result per timed-out partial match."""

    @abc.abstractmethod
    def timeout(self, match: Match, timeout_timestamp: int) -> Any:
        ...


class PatternFlatTimeoutFunction(Function):
    """Any number of results per timed-out partial match: yields them."""

    @abc.abstractmethod
    def timeout(self, match: Match, timeout_timestamp: int) -> Iterable[Any] | None:
        ...


class EventComparator(Subscriptable, abc.ABC):
    """Orders events of equal timestamp (``CEP.pattern(stream, pattern, comparator)``): ``compare(a, b)``
    is negative when ``a`` goes first, positive when ``b`` does, 0 to keep their arrival order."""

    @abc.abstractmethod
    def compare(self, first: Any, second: Any) -> int:
        ...


def _call(function: Any, method: str, *args: Any) -> Any:
    bound = getattr(function, method, None)
    return bound(*args) if bound is not None else function(*args)


class SelectAdapter(PatternProcessFunction):
    """``select``/``flat_select`` as a process function (Flink's ``PatternSelectAdapter``)."""

    def __init__(self, select: Any, flat: bool) -> None:
        self.select_function = select
        self.flat = flat

    def open(self, runtime_context: Any) -> None:
        for function in self._functions():
            if isinstance(function, Function):
                function.open(runtime_context)

    def close(self) -> None:
        for function in self._functions():
            if isinstance(function, Function):
                function.close()

    def _functions(self) -> list[Any]:
        return [self.select_function]

    def process_match(self, match: Match, ctx: PatternProcessFunction.Context) -> Iterable[Any] | None:
        if self.flat:
            return _call(self.select_function, "flat_select", match)
        return (_call(self.select_function, "select", match),)


class SelectTimeoutAdapter(SelectAdapter, TimedOutPartialMatchHandler):
    """``select(timeout_tag, timeout_fn, select_fn)``: timed-out matches go to the tag's side output."""

    def __init__(self, select: Any, flat: bool, timeout_tag: OutputTag, timeout: Any) -> None:
        super().__init__(select, flat)
        self.timeout_tag = timeout_tag
        self.timeout_function = timeout

    def _functions(self) -> list[Any]:
        return [self.select_function, self.timeout_function]

    def process_timed_out_match(self, match: Match, ctx: PatternProcessFunction.Context) -> Iterable[Any] | None:
        if self.flat:
            results = _call(self.timeout_function, "timeout", match, ctx.timestamp())
            return [(self.timeout_tag, r) for r in results or ()]
        return ((self.timeout_tag, _call(self.timeout_function, "timeout", match, ctx.timestamp())),)
