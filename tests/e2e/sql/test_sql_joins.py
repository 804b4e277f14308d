"""End-to-end: regular SQL joins (INNER, LEFT, RIGHT, FULL, USING, comma joins, keys compared by IS NOT
DISTINCT FROM, a join of a GROUP BY result, an aggregate over an outer join) through ``./pystream run``, at parallelism 2, in streaming and
batch mode, over seeded random tables with duplicate rows and NULL keys.

Every expected table comes from a plain-Python model of the join (nested loops over the two lists), and
the same query also runs in SQLite on the same rows: the final table (the changelog applied) must be
both. Which order the two inputs' rows meet in is up to the scheduler, so the changelog itself is
checked for what holds in any order: an inner join of inserts only inserts; in an outer join every
joined row is inserted once and never retracted, and only padded rows are retracted (each after it was
inserted)."""

from __future__ import annotations

import random
import sqlite3
from collections import Counter
from pathlib import Path

import pytest

from sql_e2e import apply_changelog, run_statements

rng = random.Random(15)
LEFT = [(rng.choice([1, 2, 3, 4, 5, None]), rng.randint(0, 9)) for _ in range(14)]
RIGHT = [(rng.choice([2, 3, 4, 5, 6, None]), rng.randint(0, 9)) for _ in range(12)]


def values_view(name: str, columns: tuple[str, str], rows: list[tuple]) -> str:
    text = ", ".join(f"({'CAST(NULL AS INT)' if k is None else k}, {v})" for k, v in rows)
    return f"CREATE TEMPORARY VIEW {name} AS SELECT * FROM (VALUES {text}) AS t({columns[0]}, {columns[1]})"


SETUP = [values_view("l", ("k", "v"), LEFT), values_view("r", ("k", "w"), RIGHT)]


def model_join(kind: str, predicate=lambda lv, rw: True, null_safe: bool = False) -> Counter:
    """(l.k, l.v, r.k, r.w) of the join: pairs with equal non-NULL keys (or both NULL, when `null_safe`)
    passing the predicate, and the outer sides' rows without any such pair padded with NULLs."""
    out: Counter = Counter()
    matched_right = [False] * len(RIGHT)
    for lk, lv in LEFT:
        found = False
        for j, (rk, rw) in enumerate(RIGHT):
            if (lk is not None or null_safe) and lk == rk and predicate(lv, rw):
                out[(lk, lv, rk, rw)] += 1
                found = matched_right[j] = True
        if not found and kind in ("LEFT", "FULL"):
            out[(lk, lv, None, None)] += 1
    if kind in ("RIGHT", "FULL"):
        for j, (rk, rw) in enumerate(RIGHT):
            if not matched_right[j]:
                out[(None, None, rk, rw)] += 1
    return +out


def sqlite(query: str) -> Counter:
    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE l (k INT, v INT)")
    db.execute("CREATE TABLE r (k INT, w INT)")
    db.executemany("INSERT INTO l VALUES (?, ?)", LEFT)
    db.executemany("INSERT INTO r VALUES (?, ?)", RIGHT)
    return Counter(tuple(row) for row in db.execute(query))


JOINS = {
    f"{kind} JOIN{' + residual' if residual else ''}": (
        f"SELECT l.k, l.v, r.k, r.w FROM l {kind} JOIN r ON l.k = r.k{' AND l.v < r.w' if residual else ''}",
        model_join(kind, (lambda lv, rw: lv < rw) if residual else (lambda lv, rw: True)),
        kind,
    )
    for kind in ("INNER", "LEFT", "RIGHT", "FULL")
    for residual in (False, True)
} | {
    f"{kind} JOIN on IS NOT DISTINCT FROM": (
        f"SELECT l.k, l.v, r.k, r.w FROM l {kind} JOIN r ON l.k IS NOT DISTINCT FROM r.k",
        model_join(kind, null_safe=True),
        kind,
    )
    for kind in ("INNER", "LEFT", "FULL")
}


@pytest.fixture(scope="module")
def streaming(tmp_path_factory) -> dict:
    return results(tmp_path_factory.mktemp("joins"), "streaming")


@pytest.fixture(scope="module")
def batch(tmp_path_factory) -> dict:
    return results(tmp_path_factory.mktemp("joins"), "batch")


EXTRA = {
    "USING": "SELECT k, v, w FROM l FULL JOIN r USING (k)",
    "comma": "SELECT l.k, l.v, r.w FROM l, r WHERE l.k = r.k AND l.v >= r.w",
    "of a GROUP BY": "SELECT g.k, g.n, r.w FROM (SELECT k, COUNT(*) AS n FROM l GROUP BY k) g LEFT JOIN r ON g.k = r.k",
    "aggregated": "SELECT l.k, COUNT(r.w) AS matches, SUM(r.w) AS total FROM l LEFT JOIN r ON l.k = r.k GROUP BY l.k",
    # Inputs with unique keys (one row per key in the join's state): GROUP BY results on both sides, keyed by the join key ...
    "of two GROUP BYs": "SELECT a.k, a.n, b.m FROM (SELECT k, COUNT(*) AS n FROM l GROUP BY k) a "
                        "FULL JOIN (SELECT k, MAX(w) AS m FROM r GROUP BY k) b ON a.k = b.k",
    # ... and a Top-1 per v, whose key the join key (k) does not contain.
    "of a Top-1": "SELECT t.v, t.k, r.w FROM (SELECT k, v FROM (SELECT k, v, ROW_NUMBER() OVER (PARTITION BY v ORDER BY k DESC) AS rn "
                  "FROM l WHERE k IS NOT NULL) WHERE rn = 1) t JOIN r ON t.k = r.k",
}


def results(tmp_path: Path, mode: str) -> dict:
    queries = [q for q, _, _ in JOINS.values()] + list(EXTRA.values())
    outcome = run_statements(tmp_path, mode, SETUP + queries, config={"parallelism.default": "2"})[len(SETUP):]
    return dict(zip(list(JOINS) + list(EXTRA), (r.ok() for r in outcome)))


@pytest.mark.parametrize("name", list(JOINS))
def test_a_join_of_inserts_ends_as_the_model_and_sqlite(streaming, batch, name):
    query, expected, kind = JOINS[name]
    assert expected == sqlite(query)  # the model means what SQL means
    assert apply_changelog(streaming[name]) == expected
    assert apply_changelog(batch[name]) == expected
    assert all(k == "+I" for k, _ in batch[name])


@pytest.mark.parametrize("name", list(JOINS))
def test_the_changelog_retracts_only_padded_rows(streaming, name):
    _, expected, kind = JOINS[name]
    rows = streaming[name]
    # A padded row has NULL values (v, w) on one side; a joined one none (its keys may both be NULL).
    joined = Counter(v for k, v in rows if v[1] is not None and v[3] is not None and k == "+I")
    assert joined == Counter({row: n for row, n in expected.items() if row[1] is not None and row[3] is not None})
    retracted = [v for k, v in rows if k != "+I"]
    assert all(v[1] is None or v[3] is None for v in retracted)
    if kind == "INNER":
        assert retracted == []


@pytest.mark.parametrize("name", list(EXTRA))
def test_using_comma_and_changelog_joins_end_as_sqlite(streaming, batch, name):
    expected = sqlite(EXTRA[name])
    assert apply_changelog(streaming[name]) == expected
    assert apply_changelog(batch[name]) == expected


def test_the_join_of_a_group_by_result_follows_the_counts():
    counts = Counter(k for k, _ in LEFT)
    model = Counter()
    for k, n in counts.items():
        ws = [w for rk, w in RIGHT if k is not None and rk == k]
        for w in ws or [None]:
            model[(k, n, w)] += 1
    assert sqlite(EXTRA["of a GROUP BY"]) == model


def test_joins_of_inputs_with_unique_keys_follow_the_model():
    counts = Counter(k for k, _ in LEFT)
    highest = {k: max(w for rk, w in RIGHT if rk == k) for k, _ in RIGHT}
    model = Counter()
    for k in counts.keys() - {None}:
        model[(k, counts[k], highest.get(k))] += 1
    for k in highest.keys() - counts.keys() | ({None} & highest.keys()):
        model[(None, None, highest[k])] += 1  # a right group without a left one (a NULL key matches nothing)
    if None in counts:
        model[(None, counts[None], None)] += 1
    assert sqlite(EXTRA["of two GROUP BYs"]) == model

    top = {v: max(k for k, lv in LEFT if lv == v and k is not None) for k, v in LEFT if k is not None}
    assert sqlite(EXTRA["of a Top-1"]) == Counter((v, k, w) for v, k in top.items() for rk, w in RIGHT if rk == k)


def test_null_keys_match_each_other_only_under_is_not_distinct_from(streaming):
    both_null = Counter({row: n for row, n in apply_changelog(streaming["INNER JOIN on IS NOT DISTINCT FROM"]).items() if row[0] is None})
    assert both_null == Counter((None, lv, None, rw) for lk, lv in LEFT for rk, rw in RIGHT if lk is None and rk is None)
    assert both_null, "the seeded rows hold NULL keys on both sides"
    assert not any(row[0] is None for row in apply_changelog(streaming["INNER JOIN"]))
