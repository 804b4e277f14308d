"""``AfterMatchSkipStrategy`` and ``WithinType``, as in Flink's CEP."""

from __future__ import annotations

from enum import Enum

__all__ = ["AfterMatchSkipStrategy", "WithinType"]


class WithinType(Enum):
    """What ``within`` measures: from a match's first event to its last, or between consecutive events."""

    FIRST_AND_LAST = 0
    PREVIOUS_AND_CURRENT = 1


class AfterMatchSkipStrategy:
    """Which partial matches a completed match discards."""

    NO_SKIP = "no_skip"
    SKIP_TO_NEXT = "skip_to_next"
    SKIP_PAST_LAST_EVENT = "skip_past_last_event"
    SKIP_TO_FIRST = "skip_to_first"
    SKIP_TO_LAST = "skip_to_last"

    def __init__(self, kind: str, pattern_name: str | None = None) -> None:
        self.kind = kind
        self.pattern_name = pattern_name

    @staticmethod
    def no_skip() -> "AfterMatchSkipStrategy":
        """Every possible match is emitted."""
        return AfterMatchSkipStrategy(AfterMatchSkipStrategy.NO_SKIP)

    @staticmethod
    def skip_to_next() -> "AfterMatchSkipStrategy":
        """Discards partial matches that started with the same event as the match."""
        return AfterMatchSkipStrategy(AfterMatchSkipStrategy.SKIP_TO_NEXT)

    @staticmethod
    def skip_past_last_event() -> "AfterMatchSkipStrategy":
        """Discards partial matches that started before the match's last event."""
        return AfterMatchSkipStrategy(AfterMatchSkipStrategy.SKIP_PAST_LAST_EVENT)

    @staticmethod
    def skip_to_first(pattern_name: str) -> "AfterMatchSkipStrategy":
        """Discards partial matches that started before the first event of stage ``pattern_name``."""
        return AfterMatchSkipStrategy(AfterMatchSkipStrategy.SKIP_TO_FIRST, _stage_name(pattern_name))

    @staticmethod
    def skip_to_last(pattern_name: str) -> "AfterMatchSkipStrategy":
        """Discards partial matches that started before the last event of stage ``pattern_name``."""
        return AfterMatchSkipStrategy(AfterMatchSkipStrategy.SKIP_TO_LAST, _stage_name(pattern_name))

    def get_pattern_name(self) -> str | None:
        return self.pattern_name

    def __eq__(self, other: object) -> bool:
        return isinstance(other, AfterMatchSkipStrategy) and (other.kind, other.pattern_name) == (self.kind, self.pattern_name)

    def __hash__(self) -> int:
        return hash((self.kind, self.pattern_name))

    def __repr__(self) -> str:
        return f"AfterMatchSkipStrategy.{self.kind}({self.pattern_name!r})" if self.pattern_name else \
            f"AfterMatchSkipStrategy.{self.kind}()"


def _stage_name(name: str) -> str:
    if not isinstance(name, str) or not name:
        raise ValueError("the skip strategy needs the name of a pattern stage")
    return name
