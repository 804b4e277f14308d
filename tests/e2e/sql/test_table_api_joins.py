"""End-to-end: the Table API joins through ``./pystream run`` (join with a predicate or `left.a == right.d`, join then where,
left/right/full outer joins), each final table checked against a plain-Python model of the join over the
same seeded rows (with duplicates and NULL keys); and the refusal of two tables with a column name in common."""

from __future__ import annotations

import json
import random
import subprocess
from collections import Counter
from pathlib import Path

from sql_e2e import apply_changelog

ROOT = Path(__file__).resolve().parents[3]
SCRIPT = Path(__file__).parent / "scripts" / "table_api_joins.py"

rng = random.Random(1506)
LEFT = [[rng.choice([1, 2, 3, 4, None]), rng.randint(0, 9)] for _ in range(10)]
RIGHT = [[rng.choice([2, 3, 4, 5, None]), rng.randint(0, 9)] for _ in range(10)]


def joined(left, right, outer_left: bool, outer_right: bool, predicate) -> Counter:
    """Rows of left then right columns: the pairs passing the predicate, and outer sides' unmatched rows padded."""
    out: Counter = Counter()
    right_matched = [False] * len(right)
    for lrow in left:
        found = False
        for j, rrow in enumerate(right):
            if predicate(lrow, rrow):
                out[tuple(lrow + rrow)] += 1
                found = right_matched[j] = True
        if not found and outer_left:
            out[tuple(lrow + [None] * len(right[0]))] += 1
    if outer_right:
        for j, rrow in enumerate(right):
            if not right_matched[j]:
                out[tuple([None] * len(left[0]) + rrow)] += 1
    return +out


def equal_keys(lrow, rrow) -> bool:
    return lrow[0] is not None and lrow[0] == rrow[0]


def test_table_api_joins_end_as_the_model() -> None:
    done = subprocess.run([str(ROOT / "pystream"), "run", str(SCRIPT), json.dumps(LEFT), json.dumps(RIGHT)], cwd=ROOT,
                          capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    results = {label: json.loads(value) for label, value in (line.split("\t", 1) for line in done.stdout.splitlines())}

    def table(label: str) -> Counter:
        return apply_changelog([(kind, tuple(values)) for kind, values in results[label]])

    assert {kind for kind, _ in results["join"]} == {"+I"}
    assert table("join") == joined(LEFT, RIGHT, False, False, equal_keys)
    where = joined(LEFT, RIGHT, False, False, lambda l, r: equal_keys(l, r) and l[1] < r[1])
    assert table("join_where") == Counter({(a, b, e): n for (a, b, _, e), n in where.items()})
    assert table("left_outer_join") == joined(LEFT, RIGHT, True, False, equal_keys)
    # right.right_outer_join(left, ...): right's columns first, every left row kept.
    assert table("right_outer_join") == joined(RIGHT, LEFT, False, True, lambda r, l: equal_keys(l, r) and l[1] < r[1])
    assert table("full_outer_join") == joined(LEFT, RIGHT, True, True, equal_keys)
    assert "Table.join: both tables have the columns a, b" in results["overlap"]
    assert results["no_column"] == "The current table has no column named 'x', available columns: [a, b]"
