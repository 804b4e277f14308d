"""``Pattern``: Flink's CEP pattern builder in snake_case.

A pattern is a chain of named stages read from its last stage back (as Flink's ``Pattern``
keeps ``previous``). Building only records; mistakes Flink's builder rejects raise here with
Flink's messages, and what Flink's NFA compiler rejects raises when ``CEP.pattern`` builds the job.
"""

from __future__ import annotations

from typing import Any

from pystream.common._durations import to_millis
from pystream.cep.conditions import (
    IterativeCondition,
    RichAndCondition,
    RichOrCondition,
    SubtypeCondition,
    as_condition,
)
from pystream.cep.skip import AfterMatchSkipStrategy, WithinType

__all__ = ["Pattern", "GroupPattern", "Quantifier", "MalformedPatternException"]


class MalformedPatternException(ValueError):
    """A pattern Flink's CEP rejects (Flink's ``MalformedPatternException``)."""


class Quantifier:
    """How many events a stage takes and how they may follow each other (Flink's ``Quantifier``)."""

    # Consuming strategies.
    STRICT = "STRICT"
    SKIP_TILL_NEXT = "SKIP_TILL_NEXT"
    SKIP_TILL_ANY = "SKIP_TILL_ANY"
    NOT_FOLLOW = "NOT_FOLLOW"
    NOT_NEXT = "NOT_NEXT"
    # Properties.
    SINGLE = "SINGLE"
    LOOPING = "LOOPING"
    TIMES = "TIMES"
    OPTIONAL = "OPTIONAL"

    def __init__(self, consuming_strategy: str, shape: str = SINGLE) -> None:
        self.consuming_strategy = consuming_strategy
        self.properties = {shape}
        self.inner_consuming_strategy = Quantifier.SKIP_TILL_NEXT
        self.greedy = False

    def has_property(self, prop: str) -> bool:
        return prop in self.properties

    def reshaped(self, shape: str) -> "Quantifier":
        return Quantifier(self.consuming_strategy, shape)

    def combinations(self) -> None:
        _check(not self.has_property(Quantifier.SINGLE), f"Combinations not applicable to {self}!")
        _check(self.inner_consuming_strategy != Quantifier.STRICT,
               "You can apply either combinations or consecutive, not both!")
        _check(self.inner_consuming_strategy != Quantifier.SKIP_TILL_ANY, "Combinations already applied!")
        self.inner_consuming_strategy = Quantifier.SKIP_TILL_ANY

    def consecutive(self) -> None:
        _check(self.has_property(Quantifier.LOOPING) or self.has_property(Quantifier.TIMES),
               f"Consecutive not applicable to {self}!")
        _check(self.inner_consuming_strategy != Quantifier.SKIP_TILL_ANY,
               "You can apply either combinations or consecutive, not both!")
        _check(self.inner_consuming_strategy != Quantifier.STRICT, "Consecutive already applied!")
        self.inner_consuming_strategy = Quantifier.STRICT

    def optional(self) -> None:
        _check(not self.has_property(Quantifier.OPTIONAL), "Optional already applied!")
        _check(self.consuming_strategy not in (Quantifier.NOT_NEXT, Quantifier.NOT_FOLLOW),
               "NOT pattern cannot be optional")
        self.properties.add(Quantifier.OPTIONAL)

    def __str__(self) -> str:
        return f"Quantifier{{properties={sorted(self.properties)}, consumingStrategy={self.consuming_strategy}, " \
               f"innerConsumingStrategy={self.inner_consuming_strategy}}}"


def _positive_millis(window_time: Any, what: str) -> int:
    millis = to_millis(window_time, what)
    if millis <= 0:
        raise ValueError(f"{what} needs a positive time, got {millis} ms")
    return millis


def _check(condition: bool, message: str) -> None:
    if not condition:
        raise MalformedPatternException(message)


class Pattern:
    """One stage of a pattern and, through ``previous``, the stages before it."""

    def __init__(self, name: str, previous: "Pattern | None", consuming_strategy: str = Quantifier.STRICT,
                 skip: AfterMatchSkipStrategy | None = None) -> None:
        if not isinstance(name, str) or not name:
            raise ValueError(f"a pattern stage needs a non-empty name, got {name!r}")
        self._name = name
        self._previous = previous
        self._quantifier = Quantifier(consuming_strategy)
        self._condition: IterativeCondition | None = None
        self._until: IterativeCondition | None = None
        self._times: tuple[int, int | None] = (1, 1)
        self._times_window: int | None = None
        self._within: dict[WithinType, int] = {}
        self._skip = skip if skip is not None else (previous._skip if previous is not None else AfterMatchSkipStrategy.no_skip())

    # ---- starting a pattern ------------------------------------------------------------------

    @staticmethod
    def begin(name_or_group: "str | Pattern", after_match_skip_strategy: AfterMatchSkipStrategy | None = None) -> "Pattern":
        """A new pattern whose first stage is ``name`` (or the group pattern given)."""
        if after_match_skip_strategy is not None and not isinstance(after_match_skip_strategy, AfterMatchSkipStrategy):
            raise TypeError("begin's second argument is an AfterMatchSkipStrategy")
        skip = after_match_skip_strategy or AfterMatchSkipStrategy.no_skip()
        if isinstance(name_or_group, Pattern):
            return GroupPattern(None, name_or_group, Quantifier.STRICT, skip)
        return Pattern(name_or_group, None, Quantifier.STRICT, skip)

    # ---- what the chain looks like -------------------------------------------------------------

    def get_name(self) -> str:
        return self._name

    def get_previous(self) -> "Pattern | None":
        return self._previous

    def get_quantifier(self) -> Quantifier:
        return self._quantifier

    def get_condition(self) -> IterativeCondition | None:
        return self._condition

    def get_until_condition(self) -> IterativeCondition | None:
        return self._until

    def get_times(self) -> tuple[int, int | None]:
        """(from, to) events the stage takes; to is None for a loop."""
        return self._times

    def get_times_window_time(self) -> int | None:
        """The window given with the count (``times(n, window)``...) in milliseconds, or None."""
        return self._times_window

    def get_after_match_skip_strategy(self) -> AfterMatchSkipStrategy:
        return self._skip

    def get_window_time(self, within_type: WithinType = WithinType.FIRST_AND_LAST) -> int | None:
        """The ``within`` of this stage in milliseconds, or None."""
        return self._within.get(within_type)

    # ---- conditions ----------------------------------------------------------------------------

    def where(self, condition: Any) -> "Pattern":
        """A condition the stage's events must meet; a second ``where`` must hold too (AND)."""
        added = as_condition(condition)
        self._condition = added if self._condition is None else RichAndCondition(self._condition, added)
        return self

    def or_(self, condition: Any) -> "Pattern":
        """Another condition that lets an event in (OR with the ones given so far)."""
        added = as_condition(condition)
        self._condition = added if self._condition is None else RichOrCondition(self._condition, added)
        return self

    def subtype(self, subtype_class: type) -> "Pattern":
        """The stage's events must be instances of ``subtype_class``."""
        if subtype_class is None:
            raise ValueError("The class cannot be null.")
        added = SubtypeCondition(subtype_class)
        self._condition = added if self._condition is None else RichAndCondition(self._condition, added)
        return self

    def until(self, condition: Any) -> "Pattern":
        """Stops a looping stage at the first event that meets ``condition`` (not taken)."""
        added = as_condition(condition)
        if self._until is not None:
            raise MalformedPatternException("Only one until condition can be applied.")
        if not self._quantifier.has_property(Quantifier.LOOPING):
            raise MalformedPatternException("The until condition is only applicable to looping states.")
        self._until = added
        return self

    def within(self, window_time: Any, within_type: WithinType = WithinType.FIRST_AND_LAST) -> "Pattern":
        """The most time a match may span (FIRST_AND_LAST) or may pass between two events (PREVIOUS_AND_CURRENT)."""
        if not isinstance(within_type, WithinType):
            raise TypeError("within's second argument is a WithinType")
        if window_time is not None:
            self._within[within_type] = _positive_millis(window_time, "within")
        return self

    # ---- following stages ----------------------------------------------------------------------

    def _then(self, name_or_group: "str | Pattern", strategy: str) -> "Pattern":
        if isinstance(name_or_group, Pattern):
            if strategy in (Quantifier.NOT_NEXT, Quantifier.NOT_FOLLOW):
                raise MalformedPatternException(
                    "A NOT pattern (not_next, not_followed_by) takes a stage name, not a group pattern (as in Flink)")
            return GroupPattern(self, name_or_group, strategy, self._skip)
        return Pattern(name_or_group, self, strategy)

    def next(self, name: "str | Pattern") -> "Pattern":
        """A stage whose event must come right after the previous stage's (strict contiguity)."""
        return self._then(name, Quantifier.STRICT)

    def followed_by(self, name: "str | Pattern") -> "Pattern":
        """A stage whose event may come after other events (relaxed contiguity)."""
        return self._then(name, Quantifier.SKIP_TILL_NEXT)

    def followed_by_any(self, name: "str | Pattern") -> "Pattern":
        """Like ``followed_by``, but every later matching event starts a match of its own."""
        return self._then(name, Quantifier.SKIP_TILL_ANY)

    def not_next(self, name: "str | Pattern") -> "Pattern":
        """The event right after the previous stage's must not meet this stage's condition."""
        self._check_not_after_optional()
        return self._then(name, Quantifier.NOT_NEXT)

    def not_followed_by(self, name: "str | Pattern") -> "Pattern":
        """No event between the previous stage's and the next stage's may meet this stage's condition."""
        self._check_not_after_optional()
        return self._then(name, Quantifier.NOT_FOLLOW)

    def _check_not_after_optional(self) -> None:
        if self._quantifier.has_property(Quantifier.OPTIONAL):
            raise MalformedPatternException(
                "Specifying a pattern with an optional path to NOT condition is not supported yet. "
                "You can simulate such pattern with two independent patterns, one with and the other without "
                "the optional part.")

    # ---- quantifiers ---------------------------------------------------------------------------

    def _check_no_not(self) -> None:
        if self._quantifier.consuming_strategy in (Quantifier.NOT_FOLLOW, Quantifier.NOT_NEXT):
            raise MalformedPatternException("Option not applicable to NOT pattern")

    def _check_no_quantifier(self) -> None:
        if not self._quantifier.has_property(Quantifier.SINGLE):
            raise MalformedPatternException(
                f"Already applied quantifier to this Pattern. Current quantifier is: {self._quantifier}")

    def _quantify(self, shape: str, low: int, high: int | None, window_time: Any) -> "Pattern":
        # optional() and greedy() given before the quantifier still apply (Flink would drop them silently).
        optional, greedy = self._quantifier.has_property(Quantifier.OPTIONAL), self._quantifier.greedy
        self._quantifier = self._quantifier.reshaped(shape)
        self._quantifier.greedy = greedy
        if optional:
            self._quantifier.optional()
        if low == 0:
            self._quantifier.optional()
            low = 1
            if high is not None and high == 0:
                raise ValueError("The to should be a number greater than or equal to from: 1.")
        if low < 1:
            raise ValueError("The from should be a positive number greater than 0.")
        if high is not None and high < low:
            raise ValueError(f"The to should be a number greater than or equal to from: {low}.")
        self._times = (low, high)
        self._times_window = None if window_time is None else _positive_millis(window_time, "the window of a quantifier")
        return self

    def optional(self) -> "Pattern":
        """The stage may take no event at all."""
        self._quantifier.optional()
        return self

    def one_or_more(self, window_time: Any = None) -> "Pattern":
        """The stage takes one or more events (a loop); with ``window_time``, the most time between one of them
        and the event before it (Flink's ``oneOrMore(Duration)``)."""
        self._check_no_not()
        self._check_no_quantifier()
        return self._quantify(Quantifier.LOOPING, 1, None, window_time)

    def times_or_more(self, times: int, window_time: Any = None) -> "Pattern":
        """The stage takes at least ``times`` events (a loop); ``window_time`` as in ``one_or_more``."""
        self._check_no_not()
        self._check_no_quantifier()
        _check_int(times, "times_or_more")
        return self._quantify(Quantifier.LOOPING, times, None, window_time)

    def times(self, times: int, to: Any = None, window_time: Any = None) -> "Pattern":
        """The stage takes exactly ``times`` events, or between ``times`` and ``to``; ``window_time`` as in
        ``one_or_more`` (``times(3, Duration.of_seconds(1))`` gives it in place of ``to``, as Flink's
        ``times(int, Duration)``)."""
        self._check_no_not()
        self._check_no_quantifier()
        _check_int(times, "times")
        if to is not None and not isinstance(to, int):
            to, window_time = None, to
        if to is None:
            if times <= 0:
                raise ValueError("You should give a positive number greater than 0.")
            return self._quantify(Quantifier.TIMES, times, times, window_time)
        _check_int(to, "times")
        if times < 0:
            raise ValueError("The from should be a positive number greater than 0.")
        return self._quantify(Quantifier.TIMES, times, to, window_time)

    def greedy(self) -> "Pattern":
        """A loop takes as many events as it can before the next stage starts."""
        self._check_no_not()
        self._quantifier.greedy = True
        return self

    def consecutive(self) -> "Pattern":
        """A loop's events must follow each other with no other event between them."""
        self._quantifier.consecutive()
        return self

    def allow_combinations(self) -> "Pattern":
        """A loop takes every combination of its matching events (non-deterministic relaxed)."""
        self._quantifier.combinations()
        return self

    def __repr__(self) -> str:
        stages = []
        node: Pattern | None = self
        while node is not None:
            stages.append(node._name)
            node = node._previous
        return f"Pattern({' -> '.join(reversed(stages))})"


class GroupPattern(Pattern):
    """A pattern used as one stage of another (``begin(pattern)``, ``next(pattern)``...); quantifiers repeat it."""

    def __init__(self, previous: Pattern | None, group: Pattern, consuming_strategy: str,
                 skip: AfterMatchSkipStrategy) -> None:
        first = group
        while first._previous is not None:
            first = first._previous
        super().__init__(f"({first._name}..{group._name})" if first is not group else f"({group._name})",
                         previous, consuming_strategy, skip)
        self._group = group

    def get_group_pattern(self) -> Pattern:
        return self._group

    def where(self, condition: Any) -> "Pattern":
        raise MalformedPatternException("GroupPattern does not support where clause.")

    def or_(self, condition: Any) -> "Pattern":
        raise MalformedPatternException("GroupPattern does not support or clause.")

    def subtype(self, subtype_class: type) -> "Pattern":
        raise MalformedPatternException("GroupPattern does not support subtype clause.")

    def until(self, condition: Any) -> "Pattern":
        raise MalformedPatternException("GroupPattern does not support until clause.")

    def greedy(self) -> "Pattern":
        raise MalformedPatternException("Option not applicable to group pattern")


def _check_int(value: Any, method: str) -> None:
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"{method} needs an int, got {value!r}")
