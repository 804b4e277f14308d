"""End-to-end: Python table functions (LATERAL TABLE, join_lateral) and aggregate functions (GROUP BY, over a
changelog too) through `./pystream run`, checked against a plain-Python model of each query."""

from __future__ import annotations

import json
import os
import subprocess
from collections import Counter, defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
HERE = Path(__file__).parent
TIMEOUT_S = 240

ROWS = [[1, "a bb"], [2, ""], [3, "ccc d e"], [4, None], [5, "bb x"], [6, "ff ccc gg"], [7, "a a"]]


def run(script: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([str(ROOT / "pystream"), "run", str(HERE / "scripts" / script)], cwd=ROOT,
                          capture_output=True, text=True, timeout=TIMEOUT_S, env={**os.environ, **(env or {})})


def words(s: str | None) -> list[tuple[str, int]]:
    return [(w, len(w)) for w in (s or "").split()]


def materialize(changes: list[tuple[str, list]]) -> Counter:
    """The rows a changelog leaves: +I/+U add a row, -U/-D take one away."""
    rows: Counter = Counter()
    for kind, values in changes:
        rows[tuple(values)] += 1 if kind in ("INSERT", "UPDATE_AFTER") else -1
        assert rows[tuple(values)] >= 0, f"{kind} of a row not there: {values}"
    return +rows


def longest(ws: list[str]) -> str | None:
    return max(ws, key=len) if ws else None


def model() -> dict[str, Counter]:
    inner = [(i, w, n) for i, s in ROWS for w, n in words(s)]
    left = [row for i, s in ROWS for row in ([(i, w, n) for w, n in words(s)] or [(i, None, None)])]
    computed = [(i, s.upper() + "!") for i, s in ROWS if s is not None for _ in range(i % 3)]
    by_parity: dict[int, list] = defaultdict(list)
    for i, w, n in inner:
        by_parity[i % 2].append((w, n))
    grouped = [(p, sum(n * n for _, n in ws), longest([w for w, _ in ws])) for p, ws in by_parity.items()]
    per_word: dict[str, list[int]] = defaultdict(list)
    for _, w, n in inner:
        per_word[w].append(n)
    by_count: dict[int, list] = defaultdict(list)
    for w, ns in per_word.items():
        by_count[len(ns)].append((w, max(ns)))
    over_changelog = [(c, sum(n * n for _, n in ws), longest([w for w, _ in ws])) for c, ws in by_count.items()]
    return {name: Counter(rows) for name, rows in {
        "inner": inner, "left": left, "api_inner": inner, "api_left": left, "computed_argument": computed, "grouped": grouped,
        "over_changelog": over_changelog}.items()}


def results(mode: str) -> dict[str, list[tuple[str, list]]]:
    result = run("python_table_functions.py", {"PYSTREAM_TEST_ROWS": json.dumps(ROWS), "PYSTREAM_TEST_MODE": mode})
    assert result.returncode == 0, result.stderr
    by_query: dict[str, list[tuple[str, list]]] = defaultdict(list)
    for line in result.stdout.splitlines():
        name, kind, values = json.loads(line)
        by_query[name].append((kind, values))
    return by_query


@pytest.mark.parametrize("mode", ["streaming", "batch"])
def test_table_and_aggregate_functions_match_the_model(mode: str) -> None:
    got = results(mode)
    for name, expected in model().items():
        if mode == "batch" or name in ("inner", "left", "computed_argument", "api_inner", "api_left"):
            assert all(kind == "INSERT" for kind, _ in got[name]), name
        assert materialize(got[name]) == expected, name
    # A global aggregate over no rows: one row in batch mode (the new accumulator's value), none streaming.
    assert got["global_empty"] == ([("INSERT", [0])] if mode == "batch" else [])


def test_an_aggregate_over_a_changelog_needs_retract() -> None:
    result = run("udaf_without_retract.py")
    assert result.returncode == 1
    assert "Python aggregate function total (Total) has no retract method" in result.stderr


def test_a_failing_table_function_shows_the_users_traceback() -> None:
    result = run("failing_udtf.py")
    assert result.returncode == 1
    err = result.stderr.splitlines()
    start = err.index("Traceback (most recent call last):")
    assert err[start + 1] == f'  File "{HERE / "scripts" / "failing_udtf.py"}", line 9, in numbers'
    assert "ValueError: invalid literal for int() with base 10: 'x'" in err
    assert not any("pystream/_runtime" in line for line in err), "PyStream's own frames are left out"
