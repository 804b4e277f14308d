"""A pattern as the engine reads it: ``CepPattern`` stages and the numbered conditions.

Checks what Flink's NFA compiler checks when a job is built (unique names, the skip
strategy's stage, a trailing ``not_followed_by`` without ``within``, a PREVIOUS_AND_CURRENT
``within`` longer than the FIRST_AND_LAST one), and refuses a pattern that can match the
empty sequence.
"""

from __future__ import annotations

from typing import Any

from pystream._proto import jobspec_pb2 as spec_pb
from pystream.cep.conditions import IterativeCondition, is_simple
from pystream.cep.pattern import GroupPattern, MalformedPatternException, Pattern, Quantifier
from pystream.cep.skip import AfterMatchSkipStrategy, WithinType

__all__ = ["describe"]

_CONTIGUITY = {
    Quantifier.STRICT: spec_pb.STRICT,
    Quantifier.SKIP_TILL_NEXT: spec_pb.RELAXED,
    Quantifier.SKIP_TILL_ANY: spec_pb.NON_DETERMINISTIC_RELAXED,
    # A NOT stage's contiguity is its kind.
    Quantifier.NOT_NEXT: spec_pb.STRICT,
    Quantifier.NOT_FOLLOW: spec_pb.RELAXED,
}
_KIND = {Quantifier.NOT_NEXT: spec_pb.CepStage.NOT_NEXT, Quantifier.NOT_FOLLOW: spec_pb.CepStage.NOT_FOLLOWED_BY}
_SKIP = {
    AfterMatchSkipStrategy.NO_SKIP: spec_pb.CepSkip.NO_SKIP,
    AfterMatchSkipStrategy.SKIP_TO_NEXT: spec_pb.CepSkip.SKIP_TO_NEXT,
    AfterMatchSkipStrategy.SKIP_PAST_LAST_EVENT: spec_pb.CepSkip.SKIP_PAST_LAST_EVENT,
    AfterMatchSkipStrategy.SKIP_TO_FIRST: spec_pb.CepSkip.SKIP_TO_FIRST,
    AfterMatchSkipStrategy.SKIP_TO_LAST: spec_pb.CepSkip.SKIP_TO_LAST,
}


def _chain(last: Pattern) -> list[Pattern]:
    stages = []
    node: Pattern | None = last
    while node is not None:
        stages.append(node)
        node = node.get_previous()
    return stages[::-1]


class _Describer:
    def __init__(self) -> None:
        self.conditions: list[IterativeCondition] = []
        self.names: set[str] = set()
        self.within: list[int] = []

    def condition(self, condition: IterativeCondition | None) -> int:
        if condition is None:
            return -1
        self.conditions.append(condition)
        return len(self.conditions) - 1

    def stages(self, last: Pattern) -> list[spec_pb.CepStage]:
        return [self.stage(p) for p in _chain(last)]

    def stage(self, pattern: Pattern) -> spec_pb.CepStage:
        name = pattern.get_name()
        if name in self.names:
            raise MalformedPatternException(f"Duplicate pattern name: {name}. Names must be unique.")
        self.names.add(name)
        quantifier = pattern.get_quantifier()
        low, high = pattern.get_times()
        stage = spec_pb.CepStage(
            name=name, kind=_KIND.get(quantifier.consuming_strategy, spec_pb.CepStage.TAKE),
            contiguity=_CONTIGUITY[quantifier.consuming_strategy],
            condition=self.condition(pattern.get_condition()), until=self.condition(pattern.get_until_condition()),
            min=low, max=high or 0, optional=quantifier.has_property(Quantifier.OPTIONAL), greedy=quantifier.greedy,
            inner=_CONTIGUITY[quantifier.inner_consuming_strategy],
            previous_within_ms=pattern.get_window_time(WithinType.PREVIOUS_AND_CURRENT) or 0,
            counted=not quantifier.has_property(Quantifier.SINGLE), counted_within_ms=pattern.get_times_window_time() or 0)
        first_and_last = pattern.get_window_time(WithinType.FIRST_AND_LAST)
        if first_and_last is not None:
            self.within.append(first_and_last)
        if isinstance(pattern, GroupPattern):
            stage.group.extend(self.stages(pattern.get_group_pattern()))
        return stage


def _can_be_empty(stages: Any) -> bool:
    """Whether every stage may take no event (NOT stages never take one)."""
    return all(s.kind != spec_pb.CepStage.TAKE or s.optional or (len(s.group) > 0 and _can_be_empty(s.group))
               for s in stages)


def _previous_windows(stages: Any) -> list[int]:
    """The PREVIOUS_AND_CURRENT windows the NFA will apply, as Flink's compiler: a stage's own, unless a quantifier
    counts it (then the count's window, which only a stage of more than one state gets)."""
    return [w for s in stages for w in (_previous_window(s), *_previous_windows(s.group)) if w]


def _previous_window(stage: Any) -> int:
    if len(stage.group) > 0:
        return 0  # no state of a group stage takes events of its own
    if not stage.counted:
        return stage.previous_within_ms
    return stage.counted_within_ms if stage.max != 1 else 0


def describe(pattern: Pattern) -> tuple[spec_pb.CepPattern, list[IterativeCondition], list[bool]]:
    """The pattern's stages for the engine, its conditions in the order the stages number them,
    and which of them are iterative."""
    if not isinstance(pattern, Pattern):
        raise TypeError(f"CEP.pattern needs a Pattern, got {pattern!r}")
    describer = _Describer()
    stages = describer.stages(pattern)
    last = stages[-1]
    if last.kind == spec_pb.CepStage.NOT_FOLLOWED_BY and not describer.within and not last.previous_within_ms:
        raise MalformedPatternException("NotFollowedBy is not supported without windowTime as a last part of a Pattern!")
    # Both kinds may be mixed, as in Flink, whose compiler refuses only a gap window longer than the whole one.
    if describer.within and any(w > min(describer.within) for w in _previous_windows(stages)):
        raise MalformedPatternException(
            "The window length between the previous and current event cannot be larger than the window length "
            "between the first and last event for a Pattern.")
    if _can_be_empty(stages):
        names = ", ".join(s.name for s in stages)
        raise MalformedPatternException(
            f"The pattern ({names}) can match the empty sequence: every stage is optional. "
            "At least one stage must take an event.")
    skip = pattern.get_after_match_skip_strategy()
    if skip.pattern_name is not None and skip.pattern_name not in describer.names:
        raise MalformedPatternException(
            f"The pattern name specified in AfterMatchSkipStrategy {skip.pattern_name} does not exist in the given pattern")
    described = spec_pb.CepPattern(stages=stages, within_ms=min(describer.within) if describer.within else 0,
                                   skip=spec_pb.CepSkip(kind=_SKIP[skip.kind], stage=skip.pattern_name or ""))
    return described, describer.conditions, [not is_simple(c) for c in describer.conditions]
