"""Flink's documented CEP semantics, case by case, each checked against a plain-Python model.

The model enumerates every way the events can fill the pattern's stages and keeps those that
Flink's contiguity rules allow (strict: the very next event; relaxed: no event in between
that the stage's condition would have taken; non-deterministic relaxed: any later event),
then applies the skip strategy in the order matches complete (the cases keep every partial
match that is still waiting when a match completes later than it, so no match waits for an
earlier partial one, as Flink's NFA would make it). Cases whose semantics the
model does not cover (NOT stages, groups, PREVIOUS_AND_CURRENT alone) are worked by hand; a
second model follows one stage after another through both kinds of ``within`` and their timeouts.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import pytest

from cep_cases import EVENTS, VALUES

ROOT = Path(__file__).resolve().parents[3]
JOB = Path(__file__).parent / "cep_cases_job.py"
STAGES = ("a", "b", "c", "n", "x", "y")


@dataclass
class Stage:
    name: str
    condition: Callable[[Any, dict], bool]  # (event, partial match so far) -> bool
    low: int = 1
    high: int | None = 1  # None: unbounded
    optional: bool = False
    contiguity: str = "relaxed"  # how its first event follows: strict | relaxed | any
    inner: str = "relaxed"
    until: Callable[[Any], bool] | None = None


def kind(k: str) -> Callable[[Any, dict], bool]:
    return lambda e, partial: e[0][0] == k


def model(events: list, stages: list[Stage], skip: tuple[str, str | None] = ("no_skip", None)) -> list[dict]:
    """Every match, in the order they complete, after the skip strategy; a match is {stage: [event indexes]}."""
    found: list[tuple[int, int, list[tuple[int, int]]]] = []

    def allowed(rule: str, last: int, nxt: int, condition: Callable, partial: dict) -> bool:
        if rule == "strict":
            return nxt == last + 1
        if rule == "relaxed":
            return not any(condition(events[k], partial) for k in range(last + 1, nxt))
        return True

    def partial_of(taken: list[tuple[int, int]]) -> dict:
        partial: dict[str, list] = {}
        for s, i in taken:
            partial.setdefault(stages[s].name, []).append(events[i])
        return partial

    def rest_skippable(s: int) -> bool:
        return all(st.optional for st in stages[s:])

    def extend(taken: list[tuple[int, int]], stage: int, count: int) -> None:
        # taken: (stage, event index) in order; stage/count: the stage being filled and how many it has.
        current = stages[stage]
        if count >= current.low and rest_skippable(stage + 1):
            found.append((taken[-1][1], taken[0][1], list(taken)))
        last = taken[-1][1]
        partial = partial_of(taken)
        for j in range(last + 1, len(events)):
            if count < (current.high or 10**9) and current.condition(events[j], partial) \
                    and allowed(current.inner, last, j, current.condition, partial):
                first_of_loop = next(i for s, i in taken if s == stage)
                if current.until is None or not any(current.until(events[k]) for k in range(first_of_loop, j)):
                    extend(taken + [(stage, j)], stage, count + 1)
            if count >= current.low:
                for nxt in range(stage + 1, len(stages)):
                    st = stages[nxt]
                    if st.condition(events[j], partial) and allowed(st.contiguity, last, j, st.condition, partial):
                        extend(taken + [(nxt, j)], nxt, 1)
                    if not st.optional:
                        break

    for i, event in enumerate(events):
        for s, st in enumerate(stages):
            if st.condition(event, {}):
                extend([(s, i)], s, 1)
            if not st.optional:
                break
    found.sort(key=lambda f: (f[0], f[1], [i for _, i in f[2]]))
    kept: list[list[tuple[int, int]]] = []
    prune_below: tuple[int, bool] | None = None  # (event index, inclusive)
    for _, start, taken in found:
        if prune_below is not None and (start < prune_below[0] or (prune_below[1] and start == prune_below[0])):
            continue
        kept.append(taken)
        mode, name = skip
        of_stage = [i for s, i in taken if stages[s].name == name]
        if mode == "skip_to_next":
            prune_below = (taken[0][1], True)
        elif mode == "skip_past_last_event":
            prune_below = (taken[-1][1], True)
        elif mode == "skip_to_first":
            prune_below = (of_stage[0], False)
        elif mode == "skip_to_last":
            prune_below = (of_stage[-1], False)
    return [{stages[s].name: [events[i][0] for t, i in taken if t == s] for s in sorted({s for s, _ in taken})}
            for taken in kept]


def shown(match: dict) -> str:
    return ";".join(f"{s}={','.join(match[s])}" for s in STAGES if s in match)


@pytest.fixture(scope="module")
def printed() -> dict[str, list[str]]:
    result = subprocess.run([str(ROOT / "pystream"), "run", str(JOB)], cwd=ROOT, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr
    by_case: dict[str, list[str]] = {case: [] for case in EVENTS}
    for line in result.stdout.splitlines():
        case, rest = line.split("|", 1)
        by_case[case].append(rest)
    return by_case


A, B, C = kind("a"), kind("b"), kind("c")


def a_then_b() -> list[Stage]:
    return [Stage("a", A), Stage("b", B, contiguity="any")]


A_B_C = [Stage("a", A), Stage("b", B), Stage("c", C)]


def loop(inner: str) -> list[Stage]:
    return [Stage("c", C), Stage("a", A, high=None, inner=inner), Stage("b", B)]


def worth_more(event: Any, partial: dict) -> bool:
    taken = [VALUES[e[0]] for e in partial.get("a", [])]
    return event[0][0] == "b" and bool(taken) and VALUES[event[0]] > sum(taken) / len(taken)


MODELLED = {
    "strict": ([Stage("a", A), Stage("b", B, contiguity="strict")], ("no_skip", None)),
    "relaxed": ([Stage("a", A), Stage("b", B)], ("no_skip", None)),
    "any": (a_then_b(), ("no_skip", None)),
    "loop_relaxed": (loop("relaxed"), ("no_skip", None)),
    "loop_consecutive": (loop("strict"), ("no_skip", None)),
    "loop_combinations": (loop("any"), ("no_skip", None)),
    "times_range": ([Stage("a", A, low=2, high=3), Stage("b", B)], ("no_skip", None)),
    "optional": ([Stage("a", A), Stage("b", B, optional=True), Stage("c", C)], ("no_skip", None)),
    "skip_no_skip": (A_B_C, ("no_skip", None)),
    "skip_to_next": (A_B_C, ("skip_to_next", None)),
    "skip_past_last": (A_B_C, ("skip_past_last_event", None)),
    "skip_to_first": (A_B_C, ("skip_to_first", "b")),
    "skip_to_last": (A_B_C, ("skip_to_last", "c")),
    "iterative": ([Stage("a", A, high=None), Stage("b", worth_more)], ("no_skip", None)),
    "until": ([Stage("a", A, high=None, until=lambda e: e[0][0] == "s"), Stage("b", B)], ("no_skip", None)),
}


@pytest.mark.parametrize("case", sorted(MODELLED))
def test_matches_agree_with_the_model(printed: dict[str, list[str]], case: str) -> None:
    stages, skip = MODELLED[case]
    want = [shown(m) for m in model(EVENTS[case], stages, skip)]
    assert want, "a case must expect matches"
    assert sorted(printed[case]) == sorted(want)


def test_the_model_gives_flinks_documented_loop_results() -> None:
    """Flink's docs: C D A1 A2 A3 D A4 B with consecutive, relaxed and allow_combinations loops."""
    def results(inner: str) -> list[str]:
        return sorted(shown(m) for m in model(EVENTS["loop_relaxed"], loop(inner)))
    assert results("strict") == sorted(["a=a1;b=b1;c=c1", "a=a1,a2;b=b1;c=c1", "a=a1,a2,a3;b=b1;c=c1"])
    assert len(results("relaxed")) == 4 and "a=a1,a2,a3,a4;b=b1;c=c1" in results("relaxed")
    assert len(results("any")) == 8 and "a=a1,a3;b=b1;c=c1" in results("any")


def windowed_model(events: list, stages: list[tuple[str, int | None]], within: int | None) -> list[str]:
    """Matches and timeouts of a followed_by chain of disjoint kinds under Flink's two windows.

    stages: (kind, PREVIOUS_AND_CURRENT window of that stage or None); within: the FIRST_AND_LAST
    window or None. A partial match takes the first event of the kind it waits for; time reaching
    either window's end (at the next event, or the final watermark) ends it, reported at the end of
    the PREVIOUS_AND_CURRENT window when that one has passed, else at the end of the whole window
    (Flink's NFA.advanceTime)."""
    never = float("inf")
    out = []
    for i, (first, at) in enumerate(events):
        if first[0] != stages[0][0]:
            continue
        taken = [(first, at)]
        for event, time in [*events[i + 1:], (None, never)]:
            waiting_for, gap = stages[len(taken)]
            previous_end = taken[-1][1] + gap if gap else never
            whole_end = taken[0][1] + within if within else never
            if time >= min(previous_end, whole_end):
                ended = previous_end if time >= previous_end else whole_end
                out.append(f"timeout@{ended}|" + ";".join(f"{e[0]}={e}" for e, _ in taken))
                break
            if event is not None and event[0] == waiting_for:
                taken.append((event, time))
                if len(taken) == len(stages):
                    out.append(";".join(f"{e[0]}={e}" for e, _ in taken))
                    break
    return out


def test_both_kinds_of_within_in_one_pattern_agree_with_the_model(printed: dict[str, list[str]]) -> None:
    want = windowed_model(EVENTS["within_mixed"], [("a", None), ("b", 3000), ("c", 3000)], 5000)
    # Every way a partial match can end is in the input: a match, each window ending one, the final watermark.
    assert {w.split("|")[0] for w in want} == {"a=a1;b=b1;c=c1", "a=a4;b=b4;c=c4", "timeout@13000", "timeout@24000",
                                                "timeout@45000", "timeout@54000"}
    assert sorted(printed["within_mixed"]) == sorted(want)


# Worked by hand from Flink's rules.
BY_HAND = {
    # a2 (at 5 s) has no b within 5 s: its partial match times out at 5 s + 5 s.
    "within_first_last": ["a=a1;b=b1", "a=a3;b=b3", "timeout@10000|a=a2"],
    # a1 b1 c1 are 2 s and 2.5 s apart; b2 -> c2 is 3 s, so a2 b2 times out at 11 s + 3 s.
    "within_previous": ["a=a1;b=b1;c=c1", "timeout@14000|a=a2;b=b2"],
    # Flink puts the window of times(3, 1.5 s) on every state of the stage but its last (the one its compiler
    # makes first): b3 comes 3 s after b2 and still completes the match; a2's b5 comes 2 s after b4, so a2 b4
    # times out at 8 s + 1.5 s.
    "times_window": ["a=a1;b=b1,b2,b3", "timeout@9500|a=a2;b=b4"],
    # Two (a, b) pairs in a row (relaxed between pairs), then a c: from a1, a2 and a3.
    "group": ["c=c1;x=a1,a2;y=b1,b2", "c=c1;x=a2,a3;y=b2,b3", "c=c1;x=a3,a4;y=b3,b4"],
    # a2 is followed right away by an x.
    "not_next": ["a=a1;b=b1", "a=a3;b=b3"],
    # a c comes between a1 and its b.
    "not_followed_by": ["a=a2;b=b2", "a=a3;b=b3"],
}


@pytest.mark.parametrize("case", sorted(BY_HAND))
def test_matches_worked_by_hand(printed: dict[str, list[str]], case: str) -> None:
    assert sorted(printed[case]) == sorted(BY_HAND[case])
