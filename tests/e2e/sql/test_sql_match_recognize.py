"""End-to-end: SQL MATCH_RECOGNIZE through `./pystream run`, on the native CEP engine.

Every expected row comes from a plain-Python model of Flink's matching (below), not from the
engine: per partition the rows in time order, each row advancing every partial match by strict
contiguity (a PATTERN's concatenation is Flink's next(), its loops consecutive()), greedy loops
staying in the loop when the next variable would also take the row, reluctant ones trying both,
and the AFTER MATCH SKIP strategy pruning what a match overlaps. Flink's documented ticker
example is also checked against its documented output, written out by hand.

The cases mirror the classic Flink CEP examples (contiguity, looping, optional, greedy against
reluctant, each skip strategy, within), so the SQL and Python front ends can be compared.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pytest

from sql_e2e import run_statements

BASE = datetime.datetime(2011, 4, 1, 10, 0, 0)

# (symbol, seconds after BASE, price, tax); Flink's documentation's ticker rows for ACME, and a
# second symbol whose rows interleave to show that partitions match independently.
TICKER = [
    ("ACME", 0, 12, 1), ("ACME", 1, 17, 2), ("ACME", 2, 19, 1), ("ACME", 3, 21, 3),
    ("ACME", 4, 25, 2), ("ACME", 5, 18, 1), ("ACME", 6, 15, 1), ("ACME", 7, 14, 2),
    ("ACME", 8, 24, 2), ("ACME", 9, 25, 2), ("ACME", 10, 19, 1),
    ("BETA", 0, 30, 1), ("BETA", 2, 5, 1), ("BETA", 3, 6, 2), ("BETA", 4, 7, 1),
    ("BETA", 5, 12, 3), ("BETA", 6, 40, 1), ("BETA", 7, 8, 2), ("BETA", 8, 13, 1),
    ("BETA", 9, 4, 1), ("BETA", 11, 3, 2), ("BETA", 20, 2, 1), ("BETA", 21, 14, 1),
]


def at(seconds: int) -> tuple[str, str]:
    return ("datetime", str(BASE + datetime.timedelta(seconds=seconds)))


def ticker_table(directory: Path) -> str:
    path = directory / "ticker.csv"
    path.write_text("".join(f"{s},{(BASE + datetime.timedelta(seconds=t)).isoformat(' ')},{p},{x}\n" for s, t, p, x in TICKER))
    return ("CREATE TEMPORARY TABLE Ticker (symbol STRING, rowtime TIMESTAMP(3), price BIGINT, tax BIGINT, pt AS PROCTIME(), "
            "WATERMARK FOR rowtime AS rowtime - INTERVAL '1' SECOND) "
            f"WITH ('connector' = 'filesystem', 'path' = '{path}', 'format' = 'csv')")


# ---------------------------------------------------------------------------------------------
# The model.

@dataclass(frozen=True)
class Row:
    symbol: str
    t: int
    price: int
    tax: int


@dataclass(frozen=True)
class Var:
    name: str
    low: int = 1
    high: int | None = 1  # None: unbounded
    greedy: bool = False  # SQL quantifiers are greedy unless written reluctant; fixed counts never loop greedily


# A condition: (the row, the rows each variable took so far) -> bool. Variables without one are always true.
Condition = Callable[[Row, dict[str, list[Row]]], bool]


@dataclass
class Run:
    start: int
    taken: list[tuple[str, int]] = field(default_factory=list)  # (variable, row index)
    stage: int = 0
    count: int = 0

    def rows_of(self, name: str, rows: list[Row]) -> list[Row]:
        return [rows[i] for v, i in self.taken if v == name]


def step(run: Run, index: int, rows: list[Row], pattern: list[Var], conds: dict[str, Condition]) -> list[tuple[Run, bool]]:
    """The runs `run` becomes when it takes row `index` (strict contiguity: a run that cannot take it ends),
    each with whether it completes the pattern."""
    row = rows[index]
    out: list[tuple[Run, bool]] = []

    def holds(var: Var, r: Run) -> bool:
        condition = conds.get(var.name)
        return condition is None or condition(row, {v.name: r.rows_of(v.name, rows) for v in pattern})

    def visit(r: Run) -> None:
        var = pattern[r.stage]
        can_take = (var.high is None or r.count < var.high) and holds(var, r)
        if can_take:
            taken = Run(r.start, r.taken + [(var.name, index)], r.stage, r.count + 1)
            last = r.stage == len(pattern) - 1
            complete = last and taken.count >= var.low
            out.append((taken, complete))
        enough = r.count >= var.low or (var.low == 0 and r.count == 0)
        if enough and r.stage + 1 < len(pattern) and not (var.greedy and can_take):
            visit(Run(r.start, r.taken, r.stage + 1, 0))

    visit(run)
    return out


def model(rows: list[Row], pattern: list[Var], conds: dict[str, Condition], skip: tuple[str, str | None],
          within_s: int | None = None) -> list[list[tuple[str, Row]]]:
    """The matches of one partition's rows (in time order), as lists of (variable, row), in emission order.

    As Flink's NFA with a skip strategy: a completed match waits until no partial match started
    before it (ties go to the match), then it is emitted and prunes the partial and waiting matches
    the strategy discards. A partial match ends when `within` has passed since its first row; at
    the end of the input only windowed partial matches end, so matches waiting behind an
    unwindowed one are never emitted."""
    runs: list[Run] = []
    waiting: list[Run] = []
    matches: list[list[tuple[str, Row]]] = []

    def keep_after(match: Run) -> Callable[[Run], bool]:
        kind, target = skip
        if kind == "PAST LAST ROW":
            return lambda r: r.start > match.taken[-1][1]
        if kind == "TO NEXT ROW":
            return lambda r: r.start != match.start
        positions = [i for v, i in match.taken if v == target]
        bound = positions[0] if kind == "TO FIRST" else positions[-1]
        return lambda r: r.start >= bound

    def release() -> None:
        nonlocal runs, waiting
        while waiting:
            match = min(waiting, key=lambda r: (r.start, len(r.taken)))
            if runs and match.start > min(r.start for r in runs):
                return
            waiting = [r for r in waiting if r is not match]
            matches.append([(v, rows[i]) for v, i in match.taken])
            keep = keep_after(match)
            runs = [r for r in runs if keep(r)]
            waiting = [r for r in waiting if keep(r)]

    for index, row in enumerate(rows):
        if within_s is not None:
            runs = [r for r in runs if row.t - rows[r.start].t < within_s]
            release()
        advanced: list[Run] = []
        for run in runs + [Run(index)]:
            for successor, complete in step(run, index, rows, pattern, conds):
                if complete:
                    waiting.append(successor)
                last = pattern[successor.stage]
                if not complete or (successor.stage == len(pattern) - 1 and (last.high is None or successor.count < last.high)):
                    advanced.append(successor)
        runs = advanced
        release()
    if within_s is not None:
        runs = []
        release()
    return matches


def partitions() -> dict[str, list[Row]]:
    by_symbol: dict[str, list[Row]] = {}
    for s, t, p, x in sorted(TICKER, key=lambda e: (e[0], e[1])):
        by_symbol.setdefault(s, []).append(Row(s, t, p, x))
    return by_symbol


def expected(pattern, conds, skip, measure: Callable[[list[tuple[str, Row]]], tuple], within_s=None) -> list[tuple]:
    return sorted((symbol, *measure(m)) for symbol, rows in partitions().items()
                  for m in model(rows, pattern, conds, skip, within_s))


def rows_of(match: list[tuple[str, Row]], name: str | None = None) -> list[Row]:
    return [r for v, r in match if name is None or v == name]


# ---------------------------------------------------------------------------------------------
# The queries, each with its model.

def query(clause: str) -> str:
    return f"SELECT * FROM Ticker MATCH_RECOGNIZE (PARTITION BY symbol ORDER BY rowtime {clause})"


def bounds(m) -> tuple:
    """first row's time, last row's time, number of rows: what most cases measure."""
    return (at(m[0][1].t), at(m[-1][1].t), len(m))


BOUNDS = "MEASURES FIRST(rowtime) AS first_t, LAST(rowtime) AS last_t, COUNT(*) AS n"

DOWN_THEN_UP = {"DOWN": lambda r, c: r.price < (c["DOWN"] or c["START"])[-1].price,
                "UP": lambda r, c: r.price > c["DOWN"][-1].price}

CASES: dict[str, tuple[str, list[tuple]]] = {
    # Flink's documented price drop: START_ROW, falling prices (PRICE_DOWN.price below the previous one), then a rise.
    "ticker": (
        query("""MEASURES START_ROW.rowtime AS start_tstamp, LAST(PRICE_DOWN.rowtime) AS bottom_tstamp, LAST(PRICE_UP.rowtime) AS end_tstamp
                 ONE ROW PER MATCH AFTER MATCH SKIP TO LAST PRICE_UP
                 PATTERN (START_ROW PRICE_DOWN+ PRICE_UP)
                 DEFINE PRICE_DOWN AS (LAST(PRICE_DOWN.price, 1) IS NULL AND PRICE_DOWN.price < START_ROW.price) OR PRICE_DOWN.price < LAST(PRICE_DOWN.price, 1),
                        PRICE_UP AS PRICE_UP.price > LAST(PRICE_DOWN.price, 1)"""),
        expected([Var("START_ROW"), Var("PRICE_DOWN", 1, None, greedy=True), Var("PRICE_UP")],
                 {"PRICE_DOWN": lambda r, c: r.price < (c["PRICE_DOWN"] or c["START_ROW"])[-1].price,
                  # LAST(PRICE_DOWN.price, 1) in PRICE_UP's condition: the row before the last PRICE_DOWN row.
                  "PRICE_UP": lambda r, c: len(c["PRICE_DOWN"]) > 1 and r.price > c["PRICE_DOWN"][-2].price},
                 ("TO LAST", "PRICE_UP"),
                 lambda m: (at(rows_of(m, "START_ROW")[0].t), at(rows_of(m, "PRICE_DOWN")[-1].t), at(rows_of(m, "PRICE_UP")[-1].t))),
    ),
    # next(): two strictly consecutive rows, the second dearer than the first (PREV reads the row before in the match).
    "strict": (
        query(f"{BOUNDS} AFTER MATCH SKIP TO NEXT ROW PATTERN (A B) DEFINE B AS price > PREV(price)"),
        expected([Var("A"), Var("B")], {"B": lambda r, c: r.price > c["A"][-1].price}, ("TO NEXT ROW", None), bounds),
    ),
    # times(2): a start, exactly two falling rows, any row.
    "times": (
        query(f"{BOUNDS} AFTER MATCH SKIP PAST LAST ROW PATTERN (START DOWN{{2}} E) DEFINE DOWN AS DOWN.price < PREV(DOWN.price) OR (LAST(DOWN.price, 1) IS NULL AND price < START.price)"),
        expected([Var("START"), Var("DOWN", 2, 2), Var("E")],
                 {"DOWN": lambda r, c: r.price < (c["DOWN"] or c["START"])[-1].price}, ("PAST LAST ROW", None), bounds),
    ),
    # times(1, 3) greedy then a rise, against the reluctant {1,3}?.
    "times_range_greedy": (
        query(f"{BOUNDS} AFTER MATCH SKIP TO NEXT ROW PATTERN (START DOWN{{1,3}} UP) DEFINE DOWN AS price < 20, UP AS price < 30"),
        expected([Var("START"), Var("DOWN", 1, 3, greedy=True), Var("UP")],
                 {"DOWN": lambda r, c: r.price < 20, "UP": lambda r, c: r.price < 30}, ("TO NEXT ROW", None), bounds),
    ),
    "times_range_reluctant": (
        query(f"{BOUNDS} AFTER MATCH SKIP TO NEXT ROW PATTERN (START DOWN{{1,3}}? UP) DEFINE DOWN AS price < 20, UP AS price < 30"),
        expected([Var("START"), Var("DOWN", 1, 3), Var("UP")],
                 {"DOWN": lambda r, c: r.price < 20, "UP": lambda r, c: r.price < 30}, ("TO NEXT ROW", None), bounds),
    ),
    # one_or_more().consecutive() greedy against reluctant: B+ keeps taking rows C would also take.
    "greedy": (
        query(f"{BOUNDS} AFTER MATCH SKIP PAST LAST ROW PATTERN (A B+ C) DEFINE A AS price > 20, B AS price < 20, C AS price < 30"),
        expected([Var("A"), Var("B", 1, None, greedy=True), Var("C")],
                 {"A": lambda r, c: r.price > 20, "B": lambda r, c: r.price < 20, "C": lambda r, c: r.price < 30}, ("PAST LAST ROW", None), bounds),
    ),
    "reluctant": (
        query(f"{BOUNDS} AFTER MATCH SKIP PAST LAST ROW PATTERN (A B+? C) DEFINE A AS price > 20, B AS price < 20, C AS price < 30"),
        expected([Var("A"), Var("B", 1, None), Var("C")],
                 {"A": lambda r, c: r.price > 20, "B": lambda r, c: r.price < 20, "C": lambda r, c: r.price < 30}, ("PAST LAST ROW", None), bounds),
    ),
    # zero_or_more (optional loop) and optional.
    "star": (
        query(f"{BOUNDS} AFTER MATCH SKIP PAST LAST ROW PATTERN (A B* C) DEFINE A AS price > 20, B AS price < 10, C AS price BETWEEN 10 AND 20"),
        expected([Var("A"), Var("B", 0, None, greedy=True), Var("C")],
                 {"A": lambda r, c: r.price > 20, "B": lambda r, c: r.price < 10, "C": lambda r, c: 10 <= r.price <= 20}, ("PAST LAST ROW", None), bounds),
    ),
    "optional": (
        query(f"{BOUNDS} AFTER MATCH SKIP TO NEXT ROW PATTERN (A B? C) DEFINE A AS price > 20, B AS price < 10, C AS price < 20"),
        expected([Var("A"), Var("B", 0, 1), Var("C")],
                 {"A": lambda r, c: r.price > 20, "B": lambda r, c: r.price < 10, "C": lambda r, c: r.price < 20}, ("TO NEXT ROW", None), bounds),
    ),
    # The skip strategies on one pattern whose matches overlap.
    **{f"skip_{name}": (
        query(f"{BOUNDS} AFTER MATCH SKIP {clause} PATTERN (A B+? C) DEFINE B AS price < 20, C AS price > PREV(price)"),
        expected([Var("A"), Var("B", 1, None), Var("C")],
                 {"B": lambda r, c: r.price < 20, "C": lambda r, c: r.price > c["B"][-1].price}, strategy, bounds),
    ) for name, clause, strategy in [
        ("past_last_row", "PAST LAST ROW", ("PAST LAST ROW", None)),
        ("to_next_row", "TO NEXT ROW", ("TO NEXT ROW", None)),
        ("to_first", "TO FIRST B", ("TO FIRST", "B")),
        ("to_last", "TO LAST B", ("TO LAST", "B")),
    ]},
    # within: a price drop of three rows inside three seconds.
    "within": (
        query(f"{BOUNDS} AFTER MATCH SKIP PAST LAST ROW PATTERN (A B C) WITHIN INTERVAL '3' SECOND DEFINE B AS price < PREV(price), C AS price < PREV(price)"),
        expected([Var("A"), Var("B"), Var("C")],
                 {"B": lambda r, c: r.price < c["A"][-1].price, "C": lambda r, c: r.price < c["B"][-1].price}, ("PAST LAST ROW", None), bounds, within_s=3),
    ),
    # Flink's documented aggregation in DEFINE: A's rows while their average stays below 15 (integer AVG of BIGINT), then any row.
    # BETA's A rows from 10:00:02 keep an average below 15 to the end, so that partial match never ends and
    # BETA's completed match from 10:00:03 waits behind it for ever: no BETA row, as in Flink.
    "aggregate_define": (
        query("""MEASURES FIRST(A.rowtime) AS first_t, LAST(A.rowtime) AS last_t, AVG(A.price) AS avg_price
                 AFTER MATCH SKIP PAST LAST ROW PATTERN (A+ B) DEFINE A AS AVG(A.price) < 15"""),
        expected([Var("A", 1, None, greedy=True), Var("B")],
                 {"A": lambda r, c: sum(x.price for x in c["A"] + [r]) // (len(c["A"]) + 1) < 15}, ("PAST LAST ROW", None),
                 lambda m: (at(rows_of(m, "A")[0].t), at(rows_of(m, "A")[-1].t), sum(r.price for r in rows_of(m, "A")) // len(rows_of(m, "A")))),
    ),
    # Measures: FIRST/LAST with offsets, aggregates over a variable and over all rows, CLASSIFIER, MATCH_ROWTIME.
    "measures": (
        query("""MEASURES FIRST(B.price) AS first_b, FIRST(B.price, 1) AS second_b, LAST(B.price, 1) AS before_last_b,
                          SUM(B.price) AS sum_b, AVG(B.tax) AS avg_tax, MIN(price) AS low, MAX(B.price) AS high, COUNT(B.price) AS nb,
                          CLASSIFIER() AS cls, MATCH_ROWTIME() AS mt
                 AFTER MATCH SKIP PAST LAST ROW PATTERN (A B+? C) DEFINE A AS price > 20, B AS price < 20, C AS price > 10"""),
        expected([Var("A"), Var("B", 1, None), Var("C")],
                 {"A": lambda r, c: r.price > 20, "B": lambda r, c: r.price < 20, "C": lambda r, c: r.price > 10}, ("PAST LAST ROW", None),
                 lambda m: (rows_of(m, "B")[0].price,
                            rows_of(m, "B")[1].price if len(rows_of(m, "B")) > 1 else None,
                            rows_of(m, "B")[-2].price if len(rows_of(m, "B")) > 1 else None,
                            sum(r.price for r in rows_of(m, "B")),
                            sum(r.tax for r in rows_of(m, "B")) // len(rows_of(m, "B")),  # AVG of BIGINT is a BIGINT, as in Flink
                            min(r.price for r in rows_of(m)), max(r.price for r in rows_of(m, "B")), len(rows_of(m, "B")),
                            m[-1][0], at(m[-1][1].t))),
    ),
}


def test_the_cases_exercise_what_the_model_distinguishes() -> None:
    """Greedy and reluctant differ on this data, the skip strategies give different matches, and the documented example matches once."""
    assert CASES["greedy"][1] != CASES["reluctant"][1]
    assert CASES["times_range_greedy"][1] != CASES["times_range_reluctant"][1]
    assert len({tuple(CASES[f"skip_{n}"][1]) for n in ("past_last_row", "to_next_row", "to_first", "to_last")}) >= 3
    assert all(CASES[name][1] for name in CASES), [name for name in CASES if not CASES[name][1]]
    without_window = expected([Var("A"), Var("B"), Var("C")],
                              {"B": lambda r, c: r.price < c["A"][-1].price, "C": lambda r, c: r.price < c["B"][-1].price},
                              ("PAST LAST ROW", None), bounds)
    assert len(without_window) > len(CASES["within"][1])
    assert [row[0] for row in CASES["aggregate_define"][1]] == ["ACME", "ACME"]


def test_the_documented_ticker_example_gives_the_documented_row() -> None:
    """Flink's documentation: ACME's prices fall from 25 (10:00:04) to 14 (10:00:07) and rise at 10:00:08."""
    assert [row for row in CASES["ticker"][1] if row[0] == "ACME"] == [("ACME", at(4), at(7), at(8))]


@pytest.mark.parametrize("mode", ["streaming", "batch"])
def test_match_recognize_matches_the_model(mode: str, tmp_path: Path) -> None:
    names = list(CASES)
    # Two subtasks: the rows reach the match operator over a hash exchange on symbol.
    results = run_statements(tmp_path, mode, [ticker_table(tmp_path), *(CASES[n][0] for n in names)], name="match",
                             config={"parallelism.default": "2"})
    results[0].ok()
    for name, result in zip(names, results[1:]):
        rows = result.ok()
        assert {kind for kind, _ in rows} <= {"+I"}, name
        assert sorted(values for _, values in rows) == CASES[name][1], name


def test_processing_time_matches_rows_in_arrival_order(tmp_path: Path) -> None:
    """ORDER BY a proctime attribute: rows are matched as they come, here in the file's order, which is each symbol's time order."""
    clause, rows = CASES["strict"]
    results = run_statements(tmp_path, "streaming", [ticker_table(tmp_path), clause.replace("ORDER BY rowtime", "ORDER BY pt")], name="proctime")
    assert sorted(values for _, values in results[1].ok()) == rows


def test_match_rowtime_feeds_a_tumbling_window(tmp_path: Path) -> None:
    """MATCH_ROWTIME() stays a rowtime attribute: matches counted per 5-second window of their last row."""
    matches = [m for rows in partitions().values()
               for m in model(rows, [Var("A"), Var("B")], {"B": lambda r, c: r.price > c["A"][-1].price}, ("PAST LAST ROW", None))]
    windows: dict[int, int] = {}
    for m in matches:
        start = m[-1][1].t // 5 * 5
        windows[start] = windows.get(start, 0) + 1
    results = run_statements(tmp_path, "streaming", [
        ticker_table(tmp_path),
        "CREATE TEMPORARY VIEW rises AS "
        + query("MEASURES MATCH_ROWTIME() AS mt AFTER MATCH SKIP PAST LAST ROW PATTERN (A B) DEFINE B AS price > PREV(price)"),
        "SELECT window_start, COUNT(*) AS n FROM TABLE(TUMBLE(TABLE rises, DESCRIPTOR(mt), INTERVAL '5' SECOND)) GROUP BY window_start, window_end",
    ], name="window")
    assert sorted(values for _, values in results[2].ok()) == sorted((at(s), n) for s, n in windows.items())


def test_explain_names_the_match_as_flink_does(tmp_path: Path) -> None:
    results = run_statements(tmp_path, "streaming", [
        ticker_table(tmp_path),
        "EXPLAIN " + query("MEASURES LAST(B.price) AS p AFTER MATCH SKIP PAST LAST ROW PATTERN (A B+? C) DEFINE B AS price < 20"),
    ], name="explain")
    plan = results[1].ok()[0][1][0]
    assert ("Match(partitionBy=[symbol], orderBy=[rowtime ASC], measures=[LAST(B.price) AS p], rowsPerMatch=[ONE ROW PER MATCH], "
            "after=[SKIP PAST LAST ROW], pattern=[A B+? C], define=[B AS price < 20])") in plan


@pytest.mark.parametrize("clause, message", [
    ("ORDER BY price MEASURES A.price AS p PATTERN (A) DEFINE A AS TRUE", "You must specify either rowtime or proctime for order by as the first one"),
    ("ORDER BY rowtime MEASURES A.price AS p PATTERN (A* B?) DEFINE A AS TRUE", "Patterns that can produce empty matches are not supported"),
    ("ORDER BY rowtime MEASURES A.price AS p PATTERN (A B{3,1}) DEFINE A AS TRUE", "the quantifier {3,1} is ill-formed"),
    ("ORDER BY rowtime MEASURES A.price AS p PATTERN (A | B) DEFINE A AS TRUE", "alternation (|) in PATTERN is not supported yet"),
    ("ORDER BY rowtime MEASURES A.price AS p PATTERN (A B) DEFINE C AS TRUE", "'C' is not a variable of PATTERN (A, B)"),
])
def test_refusals_name_the_construct(clause: str, message: str, tmp_path: Path) -> None:
    results = run_statements(tmp_path, "streaming", [ticker_table(tmp_path), f"SELECT * FROM Ticker MATCH_RECOGNIZE ({clause})"], name="refusal")
    assert results[1].error is not None and message in results[1].error[1], results[1].error


def test_an_updating_input_is_refused(tmp_path: Path) -> None:
    results = run_statements(tmp_path, "streaming", [
        ticker_table(tmp_path),
        "SELECT * FROM (SELECT symbol, MAX(rowtime) AS rowtime FROM Ticker GROUP BY symbol) "
        "MATCH_RECOGNIZE (ORDER BY rowtime MEASURES A.symbol AS s PATTERN (A) DEFINE A AS TRUE)",
    ], name="updating")
    assert "Match Recognize doesn't support consuming update changes" in results[1].error[1]


def test_order_by_keys_after_the_time_attribute_order_rows_of_equal_time(tmp_path: Path) -> None:
    """ORDER BY rowtime, price DESC: rows of one second are matched highest price first (Flink's event
    comparator), whatever order they arrive in; rows equal in both keep arrival order (tax tells them apart)."""
    import random
    shuffle = random.Random(14).shuffle
    ties = []
    for t in range(10):
        for symbol in ("ACME", "BETA"):
            group = [(symbol, t, 10, 1), (symbol, t, 20, 1), (symbol, t, 20, 2), (symbol, t, 30, 1)]
            shuffle(group)
            ties.extend(group)
    path = tmp_path / "ties.csv"
    path.write_text("".join(f"{s},{(BASE + datetime.timedelta(seconds=t)).isoformat(' ')},{p},{x}\n" for s, t, p, x in ties))
    table = ("CREATE TEMPORARY TABLE Ties (symbol STRING, rowtime TIMESTAMP(3), price BIGINT, tax BIGINT, "
             "WATERMARK FOR rowtime AS rowtime - INTERVAL '1' SECOND) "
             f"WITH ('connector' = 'filesystem', 'path' = '{path}', 'format' = 'csv')")
    match = ("SELECT * FROM Ties MATCH_RECOGNIZE (PARTITION BY symbol ORDER BY rowtime, price DESC "
             "MEASURES A.tax AS a_tax, B.price AS b_price, B.tax AS b_tax, A.rowtime AS a_t "
             "AFTER MATCH SKIP TO NEXT ROW PATTERN (A B) DEFINE A AS A.price = 20, B AS B.price <= A.price)")

    def ordered(symbol: str) -> list[Row]:
        rows = [Row(s, t, p, x) for s, t, p, x in ties if s == symbol]
        return sorted(rows, key=lambda r: (r.t, -r.price))  # stable: equal rows keep arrival order
    conds = {"A": lambda r, c: r.price == 20, "B": lambda r, c: r.price <= c["A"][-1].price}
    want = sorted((symbol, a.tax, b.price, b.tax, at(a.t))
                  for symbol in ("ACME", "BETA")
                  for m in model(ordered(symbol), [Var("A"), Var("B")], conds, ("TO NEXT ROW", None))
                  for (_, a), (_, b) in [m])
    arrival_order = sorted((s, a[3], b[2], b[3], at(a[1])) for s in ("ACME", "BETA")
                           for a, b in zip([e for e in ties if e[0] == s], [e for e in ties if e[0] == s][1:])
                           if a[2] == 20 and b[2] <= 20)
    assert len(want) == 40 and want != arrival_order  # per second: 20 then 20, 20 then 10
    results = run_statements(tmp_path, "streaming", [table, match, "EXPLAIN " + match], name="ties")
    assert sorted(values for _, values in results[1].ok()) == want
    assert "orderBy=[rowtime ASC, price DESC]" in results[2].ok()[0][1][0]
