"""Differential test: random non-windowed queries on random data, the engine against SQLite.

A seeded generator builds a table of random rows (with nulls) and a few hundred queries over it
(projections, filters, CASE, three-valued logic, GROUP BY with aggregates and HAVING, DISTINCT,
aggregates over an updating input). Each expression is written twice: in Flink's dialect for the
engine and in SQLite's for Python's sqlite3, which computes the expected rows. All queries run in
one script per mode; the results are compared as multisets (a streaming changelog applied first).

The rows reach the engine as a JSON file through the filesystem connector.

Where Flink's semantics differ from SQLite's, the SQLite text or the model states Flink's:
- integer AVG keeps the integer type (truncating): SQLite's text is SUM(e) / COUNT(e), an
  integer division that truncates toward zero as Java's does;
- BOOLEAN results come back from SQLite as 0/1, turned into booleans by the expression's type;
- a streaming global aggregate over no rows emits nothing (there is no input to react to),
  while batch mode (and SQLite) gives one row;
- CAST(int AS STRING) is CAST(... AS TEXT); SUBSTRING is substr; CHAR_LENGTH is length.
- SQLite's LIKE ignores ASCII case unless case_sensitive_like is on; it is on.
The generator avoids what the two define differently: division by a column (Flink fails on /0,
SQLite gives NULL), float texts, overflow.

PYSTREAM_SQL_DIFF_SEED picks another seed (the failure message names the seed and the query).
"""

from __future__ import annotations

import json
import math
import os
import random
import sqlite3
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest

from sql_e2e import run_statements

SEED = int(os.environ.get("PYSTREAM_SQL_DIFF_SEED", "20261206"))
QUERIES = 300
ROWS = 40

# (name, Flink type, SQLite type, kind for the generator)
COLUMNS = [("g1", "INT", "INTEGER", "int"), ("g2", "STRING", "TEXT", "str"), ("x", "INT", "INTEGER", "int"),
           ("y", "BIGINT", "INTEGER", "int"), ("d", "DOUBLE", "REAL", "double"), ("s", "STRING", "TEXT", "str"),
           ("b", "BOOLEAN", "INTEGER", "bool")]
WORDS = ["ab", "abc", "b", "ba", "cab", "", "ca", "bb", "aab", "c"]


def random_rows(rng: random.Random) -> list[tuple]:
    def maybe(value):
        return None if rng.random() < 0.15 else value
    return [(maybe(rng.randint(0, 2)), maybe(rng.choice("abc")), maybe(rng.randint(-9, 9)),
             maybe(rng.randint(-1000, 1000)), maybe(rng.randint(-20, 20) / 2), maybe(rng.choice(WORDS)),
             maybe(rng.random() < 0.5)) for _ in range(ROWS)]


def flink_table(rows: list[tuple], directory: Path) -> str:
    """The rows as a JSON-lines file (nulls as JSON null) and the DDL of a filesystem table over it."""
    path = directory / "t.json"
    path.write_text("".join(json.dumps(dict(zip((c[0] for c in COLUMNS), row))) + "\n" for row in rows))
    columns = ", ".join(f"{c[0]} {c[1]}" for c in COLUMNS)
    return f"CREATE TEMPORARY TABLE t ({columns}) WITH ('connector' = 'filesystem', 'path' = '{path}', 'format' = 'json')"


def sqlite_table(rows: list[tuple]) -> sqlite3.Connection:
    db = sqlite3.connect(":memory:")
    db.execute("PRAGMA case_sensitive_like = ON")  # as Flink's LIKE
    db.execute("CREATE TABLE t (" + ", ".join(f"{c[0]} {c[2]}" for c in COLUMNS) + ")")
    db.executemany(f"INSERT INTO t VALUES ({', '.join('?' * len(COLUMNS))})", rows)
    return db


@dataclass(frozen=True)
class Expr:
    flink: str
    lite: str
    kind: str  # int, double, str, bool


def same(text: str, kind: str) -> Expr:
    return Expr(text, text, kind)


class Generator:
    """Random expressions and queries, each in both dialects."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def pick(self, *options):
        return self.rng.choice(options)

    def column(self, kind: str) -> Expr:
        return same(self.rng.choice([c[0] for c in COLUMNS if c[3] == kind]), kind)

    def int_expr(self, depth: int = 2) -> Expr:
        r = self.rng
        if depth == 0 or r.random() < 0.3:
            return self.column("int") if r.random() < 0.8 else same(str(r.randint(-5, 5)), "int")
        a = self.int_expr(depth - 1)
        choice = r.randrange(11)
        if choice == 0:
            b = self.int_expr(depth - 1)
            op = self.pick("+", "-")
            return Expr(f"({a.flink} {op} {b.flink})", f"({a.lite} {op} {b.lite})", "int")
        if choice == 1:
            k = r.randint(-3, 3)
            return Expr(f"({a.flink} * {k})", f"({a.lite} * {k})", "int")
        if choice == 2:
            k = r.choice([-3, -2, 2, 3, 4])
            op = self.pick("/", "%")
            return Expr(f"({a.flink} {op} {k})", f"({a.lite} {op} {k})", "int")
        if choice == 3:
            return Expr(f"(- {a.flink})", f"(- {a.lite})", "int")
        if choice == 4:
            return Expr(f"ABS({a.flink})", f"abs({a.lite})", "int")
        if choice == 5:
            k = r.randint(-2, 2)
            fn = self.pick("COALESCE", "NULLIF")
            return Expr(f"{fn}({a.flink}, {k})", f"{fn.lower()}({a.lite}, {k})", "int")
        if choice == 6:
            c, b = self.bool_expr(depth - 1), self.int_expr(depth - 1)
            if r.random() < 0.3:
                return Expr(f"CASE WHEN {c.flink} THEN {a.flink} END", f"CASE WHEN {c.lite} THEN {a.lite} END", "int")
            return Expr(f"CASE WHEN {c.flink} THEN {a.flink} ELSE {b.flink} END",
                        f"CASE WHEN {c.lite} THEN {a.lite} ELSE {b.lite} END", "int")
        if choice == 7:
            k1, k2 = r.sample(range(-3, 4), 2)
            return Expr(f"CASE {a.flink} WHEN {k1} THEN 100 WHEN {k2} THEN 200 ELSE {a.flink} END",
                        f"CASE {a.lite} WHEN {k1} THEN 100 WHEN {k2} THEN 200 ELSE {a.lite} END", "int")
        if choice == 8:
            s = self.str_expr(depth - 1)
            return Expr(f"CHAR_LENGTH({s.flink})", f"length({s.lite})", "int")
        if choice == 9:
            return Expr(f"({a.flink} + y)", f"({a.lite} + y)", "int")
        return a

    def double_expr(self, depth: int = 2) -> Expr:
        r = self.rng
        if depth == 0 or r.random() < 0.3:
            return self.column("double")
        choice = r.randrange(5)
        if choice == 0:
            a, b = self.double_expr(depth - 1), self.int_expr(depth - 1)
            op = self.pick("+", "-")
            return Expr(f"({a.flink} {op} {b.flink})", f"({a.lite} {op} {b.lite})", "double")
        if choice == 1:
            a = self.double_expr(depth - 1)
            k = self.pick("2", "0.5", "4.0")
            op = self.pick("*", "/")
            return Expr(f"({a.flink} {op} CAST({k} AS DOUBLE))", f"({a.lite} {op} {float(k)!r})", "double")
        if choice == 2:
            a = self.int_expr(depth - 1)
            return Expr(f"CAST({a.flink} AS DOUBLE)", f"CAST({a.lite} AS REAL)", "double")
        if choice == 3:
            a = self.double_expr(depth - 1)
            return Expr(f"ABS({a.flink})", f"abs({a.lite})", "double")
        a, c, b = self.double_expr(depth - 1), self.bool_expr(depth - 1), self.double_expr(depth - 1)
        return Expr(f"CASE WHEN {c.flink} THEN {a.flink} ELSE {b.flink} END",
                    f"CASE WHEN {c.lite} THEN {a.lite} ELSE {b.lite} END", "double")

    def str_expr(self, depth: int = 2) -> Expr:
        r = self.rng
        if depth == 0 or r.random() < 0.35:
            return self.column("str")
        a = self.str_expr(depth - 1)
        choice = r.randrange(7)
        if choice == 0:
            return Expr(f"UPPER({a.flink})", f"upper({a.lite})", "str")
        if choice == 1:
            b = self.str_expr(depth - 1)
            return Expr(f"({a.flink} || {b.flink})", f"({a.lite} || {b.lite})", "str")
        if choice == 2:
            start, length = r.randint(1, 3), r.randint(0, 3)
            return Expr(f"SUBSTRING({a.flink}, {start}, {length})", f"substr({a.lite}, {start}, {length})", "str")
        if choice == 3:
            word = r.choice(["zz", "qq"])
            return Expr(f"COALESCE({a.flink}, '{word}')", f"coalesce({a.lite}, '{word}')", "str")
        if choice == 4:
            i = self.int_expr(depth - 1)
            return Expr(f"CAST({i.flink} AS STRING)", f"CAST({i.lite} AS TEXT)", "str")
        if choice == 5:
            c, b = self.bool_expr(depth - 1), self.str_expr(depth - 1)
            return Expr(f"CASE WHEN {c.flink} THEN {a.flink} ELSE {b.flink} END",
                        f"CASE WHEN {c.lite} THEN {a.lite} ELSE {b.lite} END", "str")
        return Expr(f"LOWER({a.flink})", f"lower({a.lite})", "str")

    def bool_expr(self, depth: int = 2) -> Expr:
        r = self.rng
        choice = r.randrange(10) if depth > 0 else r.randrange(6)
        if choice == 0:
            a, b = self.int_expr(depth), self.int_expr(depth)
            op = self.pick("=", "<>", "<", "<=", ">", ">=")
            return Expr(f"({a.flink} {op} {b.flink})", f"({a.lite} {op} {b.lite})", "bool")
        if choice == 1:
            a = self.str_expr(depth)
            other = self.str_expr(depth) if r.random() < 0.5 else same(f"'{r.choice(WORDS)}'", "str")
            op = self.pick("=", "<>", "<", ">=")
            return Expr(f"({a.flink} {op} {other.flink})", f"({a.lite} {op} {other.lite})", "bool")
        if choice == 2:
            a = self.pick(self.int_expr, self.str_expr, self.double_expr)(depth)
            neg = self.pick("", " NOT")
            return Expr(f"({a.flink} IS{neg} NULL)", f"({a.lite} IS{neg} NULL)", "bool")
        if choice == 3:
            a = self.int_expr(depth)
            lo = r.randint(-6, 3)
            hi = lo + r.randint(0, 6)
            neg = self.pick("", "NOT ")
            return Expr(f"({a.flink} {neg}BETWEEN {lo} AND {hi})", f"({a.lite} {neg}BETWEEN {lo} AND {hi})", "bool")
        if choice == 4:
            a = self.int_expr(depth)
            items = ", ".join(str(v) for v in r.sample(range(-4, 5), r.randint(1, 4)))
            neg = self.pick("", "NOT ")
            return Expr(f"({a.flink} {neg}IN ({items}))", f"({a.lite} {neg}IN ({items}))", "bool")
        if choice == 5:
            if r.random() < 0.5:
                return self.column("bool")
            a = self.str_expr(depth)
            pattern = r.choice(["a%", "%b", "_a%", "%a%", "b", "%", "__"])
            neg = self.pick("", "NOT ")
            return Expr(f"({a.flink} {neg}LIKE '{pattern}')", f"({a.lite} {neg}LIKE '{pattern}')", "bool")
        if choice == 6:
            a = self.bool_expr(depth - 1)
            return Expr(f"(NOT {a.flink})", f"(NOT {a.lite})", "bool")
        if choice in (7, 8):
            a, b = self.bool_expr(depth - 1), self.bool_expr(depth - 1)
            op = self.pick("AND", "OR")
            return Expr(f"({a.flink} {op} {b.flink})", f"({a.lite} {op} {b.lite})", "bool")
        a, b = self.double_expr(depth - 1), self.int_expr(depth - 1)
        op = self.pick("<", ">=", "=")
        return Expr(f"({a.flink} {op} {b.flink})", f"({a.lite} {op} {b.lite})", "bool")

    def scalar(self) -> Expr:
        return self.pick(self.int_expr, self.int_expr, self.double_expr, self.str_expr, self.bool_expr)()

    def aggregate(self) -> Expr:
        r = self.rng
        choice = r.randrange(9)
        if choice == 0:
            return same("COUNT(*)", "int")
        if choice == 1:
            a = self.scalar()
            return Expr(f"COUNT({a.flink})", f"count({a.lite})", "int")
        if choice == 2:
            a = self.pick(self.int_expr, self.str_expr)(1)
            return Expr(f"COUNT(DISTINCT {a.flink})", f"count(DISTINCT {a.lite})", "int")
        if choice == 3:
            a = self.pick(self.int_expr, self.double_expr)(1)
            return Expr(f"SUM({a.flink})", f"sum({a.lite})", a.kind)
        if choice in (4, 5):
            a = self.pick(self.int_expr, self.double_expr, self.str_expr)(1)
            fn = self.pick("MIN", "MAX")
            return Expr(f"{fn}({a.flink})", f"{fn.lower()}({a.lite})", a.kind)
        if choice == 6:
            a = self.int_expr(1)  # Flink: the integer type, truncated
            return Expr(f"AVG({a.flink})", f"(sum({a.lite}) / count({a.lite}))", "int")
        if choice == 7:
            a = self.double_expr(1)
            return Expr(f"AVG({a.flink})", f"avg({a.lite})", "double")
        a, c = self.int_expr(1), self.bool_expr(1)
        fn = self.pick("SUM", "COUNT", "MAX")
        return Expr(f"{fn}({a.flink}) FILTER (WHERE {c.flink})", f"{fn.lower()}({a.lite}) FILTER (WHERE {c.lite})", "int")


@dataclass
class Query:
    flink: str
    lite: str
    kinds: list[str]
    global_aggregate_where: str | None = None  # the SQLite WHERE of a global aggregate, if there is one


def where(g: Generator) -> tuple[str, str]:
    if g.rng.random() < 0.4:
        return "", ""
    p = g.bool_expr()
    return f" WHERE {p.flink}", f" WHERE {p.lite}"


def projection(g: Generator) -> Query:
    items = [g.scalar() for _ in range(g.rng.randint(1, 4))]
    wf, wl = where(g)
    distinct = "DISTINCT " if g.rng.random() < 0.15 else ""
    return Query(f"SELECT {distinct}{', '.join(e.flink for e in items)} FROM t{wf}",
                 f"SELECT {distinct}{', '.join(e.lite for e in items)} FROM t{wl}", [e.kind for e in items])


def grouped(g: Generator) -> Query:
    r = g.rng
    keys = r.sample([g.column("int"), same("g2", "str"), same("b", "bool"), same("g1", "int")], r.randint(1, 2))
    keys = list(dict.fromkeys(keys))
    aggs = [g.aggregate() for _ in range(r.randint(1, 3))]
    wf, wl = where(g)
    hf = hl = ""
    if r.random() < 0.3:
        h = g.pick(same("COUNT(*) > 1", "bool"), Expr("SUM(x) > 0", "sum(x) > 0", "bool"),
                   Expr("MIN(s) < 'b'", "min(s) < 'b'", "bool"))
        hf, hl = f" HAVING {h.flink}", f" HAVING {h.lite}"
    key_list = ", ".join(k.flink for k in keys)
    return Query(f"SELECT {key_list}, {', '.join(a.flink for a in aggs)} FROM t{wf} GROUP BY {key_list}{hf}",
                 f"SELECT {key_list}, {', '.join(a.lite for a in aggs)} FROM t{wl} GROUP BY {key_list}{hl}",
                 [k.kind for k in keys] + [a.kind for a in aggs])


def expression_keys(g: Generator) -> Query:
    """GROUP BY on computed columns of a subquery."""
    k = g.pick(g.int_expr, g.str_expr, g.bool_expr)(1)
    v = g.int_expr(1)
    aggs = [Expr("SUM(v)", "sum(v)", "int"), same("COUNT(*)", "int"), Expr("MAX(v)", "max(v)", "int"),
            Expr("AVG(v)", "(sum(v) / count(v))", "int")]
    picked = g.rng.sample(aggs, 2)
    return Query(f"SELECT k, {', '.join(a.flink for a in picked)} FROM (SELECT {k.flink} AS k, {v.flink} AS v FROM t) "
                 f"GROUP BY k",
                 f"SELECT k, {', '.join(a.lite for a in picked)} FROM (SELECT {k.lite} AS k, {v.lite} AS v FROM t) "
                 f"GROUP BY k", [k.kind] + [a.kind for a in picked])


def global_aggregate(g: Generator) -> Query:
    aggs = [g.aggregate() for _ in range(g.rng.randint(1, 3))]
    wf, wl = where(g)
    return Query(f"SELECT {', '.join(a.flink for a in aggs)} FROM t{wf}",
                 f"SELECT {', '.join(a.lite for a in aggs)} FROM t{wl}", [a.kind for a in aggs], wl)


def over_updates(g: Generator) -> Query:
    """An aggregate over an aggregate: in streaming mode its input retracts (MIN/MAX/SUM/COUNT with retraction)."""
    r = g.rng
    inner_keys = g.pick("g1, g2", "g1", "g2, b")
    inner_f = f"SELECT {inner_keys}, SUM(x) AS c, COUNT(*) AS n, MAX(s) AS m FROM t GROUP BY {inner_keys}"
    inner_l = f"SELECT {inner_keys}, sum(x) AS c, count(*) AS n, max(s) AS m FROM t GROUP BY {inner_keys}"
    outer_key = g.pick("n", inner_keys.split(", ")[-1])
    aggs = r.sample([("MAX(c)", "max(c)"), ("MIN(c)", "min(c)"), ("SUM(c)", "sum(c)"), ("COUNT(*)", "count(*)"),
                     ("MIN(m)", "min(m)"), ("MAX(m)", "max(m)"), ("COUNT(DISTINCT c)", "count(DISTINCT c)")], 3)
    filt = g.pick("", " WHERE c > 0", " WHERE n > 1 OR c IS NULL")
    kinds = ["int" if outer_key != "b" else "bool"] if outer_key != "g2" else ["str"]
    kinds += ["str" if "(m)" in a[0] else "int" for a in aggs]
    return Query(f"SELECT {outer_key}, {', '.join(a[0] for a in aggs)} FROM ({inner_f}){filt} GROUP BY {outer_key}",
                 f"SELECT {outer_key}, {', '.join(a[1] for a in aggs)} FROM ({inner_l}){filt} GROUP BY {outer_key}",
                 kinds)


def generate(rng: random.Random) -> list[Query]:
    g = Generator(rng)
    makers = [projection] * 4 + [grouped] * 3 + [expression_keys, global_aggregate, over_updates]
    return [rng.choice(makers)(g) for _ in range(QUERIES)]


def normal(value, kind: str):
    """A value as comparable across both sides: SQLite's 0/1 as booleans, floats to 12 significant digits."""
    if value is None:
        return None
    if kind == "bool":
        return bool(value)
    if isinstance(value, float):
        return float(f"{value:.12g}") if math.isfinite(value) else value
    return value


def table_of(rows, kinds: list[str]) -> Counter:
    return Counter(tuple(normal(v, k) for v, k in zip(row, kinds)) for row in rows)


@pytest.fixture(scope="module")
def case(tmp_path_factory):
    rng = random.Random(SEED)
    rows = random_rows(rng)
    ddl = flink_table(rows, tmp_path_factory.mktemp("differential"))
    queries = generate(rng)
    db = sqlite_table(rows)
    expected = []
    for q in queries:
        rows_out = db.execute(q.lite).fetchall()
        empty_input = q.global_aggregate_where is not None and \
            db.execute(f"SELECT count(*) FROM t{q.global_aggregate_where}").fetchone()[0] == 0
        expected.append((table_of(rows_out, q.kinds), empty_input))
    return ddl, queries, expected


@pytest.mark.parametrize("mode", ["streaming", "batch"])
def test_random_queries_give_what_sqlite_gives(case, mode: str, tmp_path: Path) -> None:
    ddl, queries, expected = case
    results = run_statements(tmp_path, mode, [ddl] + [q.flink for q in queries], name="differential")
    failures = []
    for q, (want, empty_input), result in zip(queries, expected, results[1:]):
        if result.error:
            failures.append(f"{q.flink}\n  raised {result.error[0]}: {result.error[1][:300]}")
            continue
        if mode == "streaming" and empty_input:
            want = Counter()  # a streaming aggregate without input rows emits nothing
        if mode == "batch":
            assert all(kind == "+I" for kind, _ in result.rows), q.flink
        got = table_of([values for values in result.final_table().elements()], q.kinds)
        if got != want:
            failures.append(f"{q.flink}\n  engine: {sorted(got.items(), key=repr)}\n  sqlite: {sorted(want.items(), key=repr)}")
    assert not failures, f"seed {SEED}, {len(failures)} of {len(queries)} queries differ:\n" + "\n".join(failures[:15])
