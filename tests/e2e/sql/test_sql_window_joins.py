"""End-to-end: window joins (two window TVFs, or window aggregates, joined on window_start,
window_end and keys), inner and outer, against a plain-Python model: the rows of a window are
joined once the watermark passes it, each pair once, an outer side's unmatched rows padded with
NULLs. Flink's documented example (TUMBLE of 5 minutes, FULL JOIN on num) with its rows; seeded
random rows for HOP and CUMULATE with a condition beyond the keys; window aggregates as inputs;
and a row that comes after the watermark passed its window, dropped as late."""

from __future__ import annotations

import datetime
import random
from collections import Counter
from pathlib import Path

import pytest
from sql_e2e import run_statements

BASE = datetime.datetime(2020, 4, 15, 12, 0, 0)
MINUTE = 60_000


def at(ms: int) -> tuple[str, str]:
    return ("datetime", str(BASE + datetime.timedelta(milliseconds=ms)))


def stamp(ms: int) -> str:
    return (BASE + datetime.timedelta(milliseconds=ms)).isoformat(" ", "milliseconds")


def csv_lines(rows: list[tuple[int, int | None, str]]) -> str:
    return "".join(f"{stamp(t)},{'' if num is None else num},{ident}\n" for t, num, ident in rows)


def csv_table(name: str, rows: list[tuple[int, int, str]], directory: Path, delay_s: int = 1) -> str:
    """A table (row_time, num, id) of rows (ms after BASE, num, id), its watermark `delay_s` behind."""
    path = directory / f"{name}.csv"
    path.write_text(csv_lines(rows))
    return (f"CREATE TEMPORARY TABLE {name} (row_time TIMESTAMP(3), num INT, id STRING, "
            f"WATERMARK FOR row_time AS row_time - INTERVAL '{delay_s}' SECOND) "
            f"WITH ('connector' = 'filesystem', 'path' = '{path}', 'format' = 'csv')")


def windows_of(t: int, kind: str, size: int, step: int) -> list[tuple[int, int]]:
    """The windows (start, end) holding time t (ms): TUMBLE(size), HOP(step slide, size), CUMULATE(step, size)."""
    if kind == "TUMBLE":
        start = t - t % size
        return [(start, start + size)]
    if kind == "HOP":
        first = t - t % step
        return [(s, s + size) for s in range(first - size + step, first + 1, step) if s <= t < s + size]
    start = t - t % size
    return [(start, end) for end in range(start + step, start + size + 1, step) if t < end]


def window_join(left, right, kind: str, size: int, step: int, join: str, condition=lambda l, r: True) -> Counter:
    """Window join by hand: rows (t, num, id) of each window joined when num is equal (NULL matches
    nothing) and `condition` holds; (L num, L id, R num, R id, window_start, window_end)."""
    sides = [[(w, row) for row in rows for w in windows_of(row[0], kind, size, step)] for rows in (left, right)]
    out: Counter = Counter()
    matched_right = set()
    for lw, l in sides[0]:
        found = False
        for i, (rw, r) in enumerate(sides[1]):
            if lw == rw and l[1] is not None and l[1] == r[1] and condition(l, r):
                out[(l[1], l[2], r[1], r[2], at(lw[0]), at(lw[1]))] += 1
                matched_right.add(i)
                found = True
        if not found and join in ("LEFT", "FULL"):
            out[(l[1], l[2], None, None, at(lw[0]), at(lw[1]))] += 1
    if join in ("RIGHT", "FULL"):
        for i, (rw, r) in enumerate(sides[1]):
            if i not in matched_right:
                out[(None, None, r[1], r[2], at(rw[0]), at(rw[1]))] += 1
    return out


def appended(result) -> Counter:
    rows = result.ok()
    assert {kind for kind, _ in rows} == {"+I"}, "a window join is append-only"
    return Counter(values for _, values in rows)


def tvf(table: str, kind: str, size_min: int, step_min: int) -> str:
    args = {"TUMBLE": f"INTERVAL '{size_min}' MINUTES",
            "HOP": f"INTERVAL '{step_min}' MINUTES, INTERVAL '{size_min}' MINUTES",
            "CUMULATE": f"INTERVAL '{step_min}' MINUTES, INTERVAL '{size_min}' MINUTES"}[kind]
    return f"(SELECT * FROM TABLE({kind}(TABLE {table}, DESCRIPTOR(row_time), {args})))"


# Flink's documentation of window joins: LeftTable and RightTable, TUMBLE of 5 minutes, joined on num.
LEFT_ROWS = [(2 * MINUTE, 1, "L1"), (6 * MINUTE, 2, "L2"), (3 * MINUTE, 3, "L3")]
RIGHT_ROWS = [(1 * MINUTE, 2, "R2"), (4 * MINUTE, 3, "R3"), (5 * MINUTE, 4, "R4")]


@pytest.mark.parametrize("join, mode", [("INNER", "streaming"), ("LEFT", "streaming"), ("RIGHT", "streaming"),
                                        ("FULL", "streaming"), ("FULL", "batch")])
def test_flinks_documented_window_join(tmp_path: Path, join: str, mode: str) -> None:
    query = (f"SELECT L.num AS L_Num, L.id AS L_Id, R.num AS R_Num, R.id AS R_Id, "
             f"COALESCE(L.window_start, R.window_start) AS window_start, COALESCE(L.window_end, R.window_end) AS window_end "
             f"FROM {tvf('LeftTable', 'TUMBLE', 5, 5)} L {join} JOIN {tvf('RightTable', 'TUMBLE', 5, 5)} R "
             f"ON L.num = R.num AND L.window_start = R.window_start AND L.window_end = R.window_end")
    results = run_statements(tmp_path, mode, [
        csv_table("LeftTable", LEFT_ROWS, tmp_path), csv_table("RightTable", RIGHT_ROWS, tmp_path), query],
        config={"parallelism.default": "2"}, name=f"flink-doc-{join}")
    expected = window_join(LEFT_ROWS, RIGHT_ROWS, "TUMBLE", 5 * MINUTE, 5 * MINUTE, join)
    if join == "FULL":
        # Flink's documented result table, row for row.
        assert expected == Counter([
            (1, "L1", None, None, at(0), at(5 * MINUTE)),
            (3, "L3", 3, "R3", at(0), at(5 * MINUTE)),
            (None, None, 2, "R2", at(0), at(5 * MINUTE)),
            (2, "L2", None, None, at(5 * MINUTE), at(10 * MINUTE)),
            (None, None, 4, "R4", at(5 * MINUTE), at(10 * MINUTE)),
        ])
    assert appended(results[2]) == expected


def random_rows(seed: int, prefix: str, delay_ms: int) -> list[tuple[int, int | None, str]]:
    """(ms after BASE, num, id): time grows by 0-20 s a row, each up to delay_ms earlier, so no row is late."""
    rng = random.Random(seed)
    rows, time = [], 0
    for i in range(200):
        time += rng.randint(0, 20_000)
        num = None if rng.random() < 0.05 else rng.randint(0, 5)
        rows.append((time - rng.randint(0, delay_ms), num, f"{prefix}{i}"))
    return rows


@pytest.mark.parametrize("kind, size_min, step_min, join", [
    ("HOP", 4, 2, "INNER"), ("HOP", 4, 2, "FULL"), ("CUMULATE", 6, 2, "LEFT"), ("TUMBLE", 3, 3, "RIGHT")])
def test_random_rows_join_per_window_and_key(tmp_path: Path, kind: str, size_min: int, step_min: int, join: str) -> None:
    left, right = random_rows(1, "L", 5_000), random_rows(2, "R", 5_000)
    lpath, rpath = tmp_path / "l.csv", tmp_path / "r.csv"
    for path, rows in ((lpath, left), (rpath, right)):
        path.write_text(csv_lines(rows))
    tables = [
        f"CREATE TEMPORARY TABLE {name} (row_time TIMESTAMP(3), num INT, id STRING, "
        f"WATERMARK FOR row_time AS row_time - INTERVAL '5' SECOND) "
        f"WITH ('connector' = 'filesystem', 'path' = '{path}', 'format' = 'csv')"
        for name, path in (("lt", lpath), ("rt", rpath))]
    query = (f"SELECT L.num, L.id, R.num, R.id, COALESCE(L.window_start, R.window_start), COALESCE(L.window_end, R.window_end) "
             f"FROM {tvf('lt', kind, size_min, step_min)} L {join} JOIN {tvf('rt', kind, size_min, step_min)} R "
             f"ON L.window_start = R.window_start AND L.num = R.num AND L.window_end = R.window_end "
             f"AND L.row_time <= R.row_time")
    results = run_statements(tmp_path, "streaming", [*tables, query],
                             config={"parallelism.default": "2", "pipeline.auto-watermark-interval": "0"}, name="random")
    expected = window_join(left, right, kind, size_min * MINUTE, step_min * MINUTE, join, condition=lambda l, r: l[0] <= r[0])
    assert sum(1 for row in expected if row[0] is not None and row[2] is not None) > 50, "the data should join often"
    assert appended(results[2]) == expected


def test_window_aggregates_join_as_windows(tmp_path: Path) -> None:
    left, right = random_rows(3, "L", 5_000), random_rows(4, "R", 5_000)
    statements = [csv_table("lt", left, tmp_path, delay_s=5), csv_table("rt", right, tmp_path, delay_s=5)]
    agg = ("(SELECT num, window_start, window_end, COUNT(*) AS n FROM TABLE(TUMBLE(TABLE {t}, DESCRIPTOR(row_time), "
           "INTERVAL '2' MINUTES)) GROUP BY num, window_start, window_end)")
    statements.append(f"SELECT L.num, L.window_start, L.window_end, L.n, R.n FROM {agg.format(t='lt')} L "
                      f"JOIN {agg.format(t='rt')} R ON L.num = R.num AND L.window_start = R.window_start AND L.window_end = R.window_end")
    results = run_statements(tmp_path, "streaming", statements, config={"parallelism.default": "2"}, name="aggregates")

    def counts(rows) -> Counter:
        return Counter((n, t - t % (2 * MINUTE)) for t, n, _ in rows)

    lc, rc = counts(left), counts(right)
    expected = Counter((num, at(start), at(start + 2 * MINUTE), lc[(num, start)], rc[(num, start)])
                       for (num, start) in lc if num is not None and (num, start) in rc)
    assert len(expected) > 20
    assert appended(results[2]) == expected


def test_a_row_behind_the_watermark_of_its_window_is_dropped(tmp_path: Path) -> None:
    """The left table's files are read one per batch, and the watermark follows each batch: the
    second file's row at 12:02 comes when the watermark is 12:10:59, after the window 12:00-12:05 fired."""
    base = tmp_path / "left"
    for part, rows in (("1", [(2 * MINUTE, 1, "L1"), (11 * MINUTE, 2, "L2")]), ("2", [(2 * MINUTE + 30_000, 1, "late"), (12 * MINUTE, 2, "L3")])):
        (base / f"part={part}").mkdir(parents=True)
        (base / f"part={part}" / "rows.csv").write_text(csv_lines(rows))
    right = [(1 * MINUTE, 1, "R1"), (13 * MINUTE, 2, "R2")]
    statements = [
        f"CREATE TEMPORARY TABLE lt (row_time TIMESTAMP(3), num INT, id STRING, part STRING, "
        f"WATERMARK FOR row_time AS row_time - INTERVAL '1' SECOND) PARTITIONED BY (part) "
        f"WITH ('connector' = 'filesystem', 'path' = '{base}', 'format' = 'csv')",
        csv_table("rt", right, tmp_path),
        f"SELECT L.id, R.id, L.window_start FROM {tvf('lt', 'TUMBLE', 5, 5)} L JOIN {tvf('rt', 'TUMBLE', 5, 5)} R "
        f"ON L.num = R.num AND L.window_start = R.window_start AND L.window_end = R.window_end",
    ]
    results = run_statements(tmp_path, "streaming", statements,
                             config={"parallelism.default": "1", "pipeline.auto-watermark-interval": "0"}, name="late")
    assert appended(results[2]) == Counter([("L1", "R1", at(0)), ("L2", "R2", at(10 * MINUTE)), ("L3", "R2", at(10 * MINUTE))])


def test_windows_over_a_timestamp_ltz_join_on_the_session_zones_days(tmp_path: Path) -> None:
    """Event time as epoch milliseconds in Asia/Shanghai (UTC+8): 01:00 and 23:30 local on 1 January
    are one local day (but two UTC days), so they join; window_start is that day's local midnight."""
    zone = datetime.timezone(datetime.timedelta(hours=8))

    def epoch_ms(local: str) -> int:
        return int(datetime.datetime.fromisoformat(local).replace(tzinfo=zone).timestamp() * 1000)

    left = [(epoch_ms("2024-01-01 23:30:00"), 1, "L1"), (epoch_ms("2024-01-02 09:00:00"), 2, "L2")]
    right = [(epoch_ms("2024-01-01 01:00:00"), 1, "R1"), (epoch_ms("2024-01-01 08:00:00"), 2, "R2")]
    statements = []
    for name, rows in (("lt", left), ("rt", right)):
        path = tmp_path / f"{name}.csv"
        path.write_text("".join(f"{ms},{num},{ident}\n" for ms, num, ident in rows))
        statements.append(f"CREATE TEMPORARY TABLE {name} (ms BIGINT, num INT, id STRING, row_time AS TO_TIMESTAMP_LTZ(ms, 3), "
                          f"WATERMARK FOR row_time AS row_time) WITH ('connector' = 'filesystem', 'path' = '{path}', 'format' = 'csv')")
    statements.append(f"SELECT L.id, R.id, L.window_start, L.window_end FROM {tvf('lt', 'TUMBLE', 1440, 1440)} L "
                      f"FULL JOIN {tvf('rt', 'TUMBLE', 1440, 1440)} R "
                      f"ON L.num = R.num AND L.window_start = R.window_start AND L.window_end = R.window_end")
    results = run_statements(tmp_path, "streaming", statements, config={"table.local-time-zone": "Asia/Shanghai"}, name="ltz")
    day = lambda d: ("datetime", f"2024-01-{d:02d} 00:00:00")  # noqa: E731
    assert appended(results[2]) == Counter([("L1", "R1", day(1), day(2)), ("L2", None, day(2), day(3)), (None, "R2", None, None)])


NEXMARK = """CREATE TABLE datagen (
    event_type INT,
    person ROW<id BIGINT, name VARCHAR, emailAddress VARCHAR, creditCard VARCHAR, city VARCHAR, state VARCHAR, dateTime TIMESTAMP(3), extra VARCHAR>,
    auction ROW<id BIGINT, itemName VARCHAR, description VARCHAR, initialBid BIGINT, reserve BIGINT, dateTime TIMESTAMP(3), expires TIMESTAMP(3), seller BIGINT, category BIGINT, extra VARCHAR>,
    bid ROW<auction BIGINT, bidder BIGINT, price BIGINT, channel VARCHAR, url VARCHAR, dateTime TIMESTAMP(3), extra VARCHAR>,
    dateTime AS CASE WHEN event_type = 0 THEN person.dateTime WHEN event_type = 1 THEN auction.dateTime ELSE bid.dateTime END,
    WATERMARK FOR dateTime AS dateTime - INTERVAL '4' SECOND
) WITH ('connector' = 'nexmark', 'first-event.rate' = '10000', 'next-event.rate' = '10000', 'events.num' = '100000')"""

# Nexmark q8 (new users who opened auctions in the same 10 s): its windows joined by the window join,
# and again with window bounds the planner cannot follow (CAST), so the regular join runs it.
Q8 = """SELECT P.id, P.name, P.starttime
FROM (SELECT person.id AS id, person.name AS name, {start} AS starttime, TUMBLE_END(dateTime, INTERVAL '10' SECOND) AS endtime
      FROM datagen WHERE event_type = 0 GROUP BY person.id, person.name, TUMBLE(dateTime, INTERVAL '10' SECOND)) P
JOIN (SELECT auction.seller AS seller, {start} AS starttime, TUMBLE_END(dateTime, INTERVAL '10' SECOND) AS endtime
      FROM datagen WHERE event_type = 1 GROUP BY auction.seller, TUMBLE(dateTime, INTERVAL '10' SECOND)) A
ON P.id = A.seller AND P.starttime = A.starttime AND P.endtime = A.endtime"""


def test_nexmark_q8_as_a_window_join_gives_the_regular_joins_rows(tmp_path: Path) -> None:
    window = Q8.format(start="TUMBLE_START(dateTime, INTERVAL '10' SECOND)")
    regular = Q8.format(start="CAST(TUMBLE_START(dateTime, INTERVAL '10' SECOND) AS TIMESTAMP(3))")
    results = run_statements(tmp_path, "streaming", [NEXMARK, f"EXPLAIN {window}", f"EXPLAIN {regular}", window, regular],
                             config={"parallelism.default": "2"}, name="q8")
    explained = [r.ok()[0][1][0] for r in results[1:3]]
    assert "WindowJoin(" in explained[0] and "WindowJoin(" not in explained[1]
    joined = appended(results[3])
    assert len(joined) > 100
    assert joined == results[4].final_table()
