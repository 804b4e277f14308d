"""End-to-end: Top-N (`ROW_NUMBER() OVER (PARTITION BY ... ORDER BY ...)` filtered by `rn <= N`) over
an append-only input and over a GROUP BY result, with and without the rank in the output, and
window Top-N over a TUMBLE aggregate and over a TUMBLE table. The expected changelogs come from a
plain-Python model that sorts every row seen so far after each change; the final tables are also
checked against SQLite's ROW_NUMBER()."""

from __future__ import annotations

import sqlite3
from collections import Counter
from pathlib import Path
from typing import Callable

import pytest
from sql_e2e import apply_changelog, run_statements

ROWS = 30
CONFIG = {"parallelism.default": "1"}  # one subtask: rows reach the rank in id order


def source(rows: int = ROWS) -> str:
    return f"""CREATE TABLE src (id BIGINT, k AS id % 3, v AS id * 7 % 10, item AS id * id % 13)
      WITH ('connector' = 'datagen', 'fields.id.kind' = 'sequence', 'fields.id.start' = '0', 'fields.id.end' = '{rows - 1}')"""


def sqlite_rows(create: str, rows: list[tuple], query: str) -> Counter:
    db = sqlite3.connect(":memory:")
    db.execute(create)
    placeholders = ", ".join("?" * len(rows[0]))
    db.executemany(f"INSERT INTO t VALUES ({placeholders})", rows)
    return Counter(db.execute(query).fetchall())


def src_rows() -> list[tuple]:
    return [(i, i % 3, i * 7 % 10, i * i % 13) for i in range(ROWS)]


def rank_changes(changes: list[tuple[str, tuple]], partition: Callable[[tuple], object], sort_key: Callable[[tuple], object],
                 n: int, with_rank: bool) -> list[tuple[str, tuple]]:
    """The changelog of a Top-N over a changelog of rows, by brute force: after each change, the live
    rows of the changed partition sorted (equal sort keys in arrival order), ranks 1..n compared with
    the ranks before; with the rank, -U/+U per rank whose row changed (+I/-D for ranks filled or
    emptied); without it, -D for rows that left the top n, then +I for rows that entered it."""
    live: list[tuple[int, tuple]] = []  # (arrival, row)
    out: list[tuple[str, tuple]] = []
    for arrival, (kind, row) in enumerate(changes):
        def top() -> list[tuple[int, tuple]]:
            mine = [e for e in live if partition(e[1]) == partition(row)]
            return sorted(mine, key=lambda e: (sort_key(e[1]), e[0]))[:n]
        before = top()
        if kind in ("+I", "+U"):
            live.append((arrival, row))
        else:
            live.remove(next(e for e in live if e[1] == row))
        after = top()
        if with_rank:
            for r in range(n):
                old = before[r] if r < len(before) else None
                new = after[r] if r < len(after) else None
                if old == new:
                    continue
                if old is not None:
                    out.append(("-D" if new is None else "-U", old[1] + (r + 1,)))
                if new is not None:
                    out.append(("+I" if old is None else "+U", new[1] + (r + 1,)))
        else:
            out += [("-D", e[1]) for e in before if e not in after]
            out += [("+I", e[1]) for e in after if e not in before]
    return out


@pytest.mark.parametrize("with_rank, ttl", [(True, None), (False, None), (True, "1 h")])
def test_top_n_over_an_append_only_input(tmp_path: Path, with_rank: bool, ttl: str | None) -> None:
    # A state TTL far longer than the job changes nothing.
    columns = "id, k, v, rn" if with_rank else "id, k, v"
    query = f"SELECT {columns} FROM (SELECT id, k, v, ROW_NUMBER() OVER (PARTITION BY k ORDER BY v DESC) AS rn FROM src) WHERE rn <= 3"
    config = CONFIG if ttl is None else {**CONFIG, "table.exec.state.ttl": ttl}
    result, = run_statements(tmp_path, "streaming", [source(), query], config)[1:]
    rows = [("+I", (i, i % 3, i * 7 % 10)) for i in range(ROWS)]
    expected = rank_changes(rows, lambda r: r[1], lambda r: -r[2], 3, with_rank)
    assert result.ok() == expected
    # Equal values rank in arrival order, which is id order here.
    assert result.final_table() == sqlite_rows(
        "CREATE TABLE t (id, k, v, item)", src_rows(),
        f"SELECT {columns} FROM (SELECT id, k, v, ROW_NUMBER() OVER (PARTITION BY k ORDER BY v DESC, id) AS rn FROM t) WHERE rn <= 3")


def group_counts() -> list[tuple[str, tuple]]:
    """What GROUP BY item, COUNT(*) sends for the rows in id order: +I for a new item, -U/+U for a new count."""
    counts: Counter = Counter()
    out = []
    for i in range(ROWS):
        item = i * i % 13
        if counts[item]:
            out.append(("-U", (item, counts[item])))
        counts[item] += 1
        out.append(("+U" if counts[item] > 1 else "+I", (item, counts[item])))
    return out


@pytest.mark.parametrize("with_rank", [True, False])
def test_top_sellers_over_a_group_by_result(tmp_path: Path, with_rank: bool) -> None:
    columns = "item, cnt, rn" if with_rank else "item, cnt"
    query = f"""SELECT {columns} FROM (
                  SELECT item, cnt, ROW_NUMBER() OVER (ORDER BY cnt DESC, item) AS rn
                  FROM (SELECT item, COUNT(*) AS cnt FROM src GROUP BY item))
                WHERE rn <= 3"""
    result, = run_statements(tmp_path, "streaming", [source(), query], CONFIG)[1:]
    expected = rank_changes(group_counts(), lambda r: None, lambda r: (-r[1], r[0]), 3, with_rank)
    assert result.ok() == expected
    assert result.final_table() == sqlite_rows(
        "CREATE TABLE t (id, k, v, item)", src_rows(),
        f"""SELECT {columns} FROM (SELECT item, cnt, ROW_NUMBER() OVER (ORDER BY cnt DESC, item) AS rn
            FROM (SELECT item, COUNT(*) AS cnt FROM t GROUP BY item)) WHERE rn <= 3""")


def test_a_rank_range_with_an_offset_and_a_count_over_the_top_n(tmp_path: Path) -> None:
    # Ranks 2..3 of each k; then an aggregate over the Top-N's changelog counts its rows per k.
    top = "SELECT id, k, v FROM (SELECT id, k, v, ROW_NUMBER() OVER (PARTITION BY k ORDER BY v DESC) AS rn FROM src) WHERE rn BETWEEN 2 AND 3"
    ranged, counted = run_statements(tmp_path, "streaming", [source(), top, f"SELECT k, COUNT(*), SUM(v) FROM ({top}) GROUP BY k"], CONFIG)[1:]
    expected = sqlite_rows("CREATE TABLE t (id, k, v, item)", src_rows(),
                           "SELECT id, k, v FROM (SELECT id, k, v, ROW_NUMBER() OVER (PARTITION BY k ORDER BY v DESC, id) AS rn FROM t) WHERE rn BETWEEN 2 AND 3")
    assert ranged.final_table() == expected
    per_k = Counter()
    sums = Counter()
    for _, k, v in expected.elements():
        per_k[k] += 1
        sums[k] += v
    assert counted.final_table() == Counter({(k, per_k[k], sums[k]): 1 for k in per_k})


WINDOWED = """CREATE TABLE bids (id BIGINT, supplier_id AS id % 5, price AS id * 13 % 17,
  ts AS TO_TIMESTAMP_LTZ(id * 37000, 3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)
  WITH ('connector' = 'datagen', 'fields.id.kind' = 'sequence', 'fields.id.start' = '0', 'fields.id.end' = '59')"""


def bid_rows() -> list[tuple]:
    return [(i, i % 5, i * 13 % 17, i * 37000 // 600000 * 600000) for i in range(60)]


def minutes(ms: int) -> str:
    return f"1970-01-01 00:{ms // 60000:02d}:00.000"


def test_window_top_n_over_a_tumble_aggregate(tmp_path: Path) -> None:
    # Flink's documentation example: the top 3 suppliers by sales in each 10-minute window.
    query = """SELECT CAST(window_start AS STRING), CAST(window_end AS STRING), supplier_id, price, cnt, rownum FROM (
                 SELECT *, ROW_NUMBER() OVER (PARTITION BY window_start, window_end ORDER BY price DESC, supplier_id) AS rownum
                 FROM (SELECT window_start, window_end, supplier_id, SUM(price) AS price, COUNT(*) AS cnt
                       FROM TABLE(TUMBLE(TABLE bids, DESCRIPTOR(ts), INTERVAL '10' MINUTES))
                       GROUP BY window_start, window_end, supplier_id))
               WHERE rownum <= 3"""
    result, = run_statements(tmp_path, "streaming", [WINDOWED, query], CONFIG)[1:]
    assert {kind for kind, _ in result.ok()} == {"+I"}, "a window rank is append-only"
    expected = sqlite_rows("CREATE TABLE t (id, supplier_id, price, ws)", bid_rows(),
                           """SELECT ws, supplier_id, price, cnt, rownum FROM (
                                SELECT *, ROW_NUMBER() OVER (PARTITION BY ws ORDER BY price DESC, supplier_id) AS rownum
                                FROM (SELECT ws, supplier_id, SUM(price) AS price, COUNT(*) AS cnt FROM t GROUP BY ws, supplier_id))
                              WHERE rownum <= 3""")
    assert Counter(values for _, values in result.ok()) == Counter(
        {(minutes(ws), minutes(ws + 600000), s, p, c, r): n for (ws, s, p, c, r), n in expected.items()})


@pytest.mark.parametrize("order, n", [("price DESC, id", 2), ("ts", 1)])
def test_window_top_n_and_deduplication_over_a_tumble_table(tmp_path: Path, order: str, n: int) -> None:
    # rn = 1 ordered by the rowtime: each window's first row (window deduplication).
    query = f"""SELECT CAST(window_start AS STRING), id, price FROM (
                  SELECT id, price, window_start, window_end, ROW_NUMBER() OVER (PARTITION BY window_start, window_end ORDER BY {order}) AS rn
                  FROM TABLE(TUMBLE(TABLE bids, DESCRIPTOR(ts), INTERVAL '10' MINUTES)))
                WHERE rn <= {n}"""
    result, = run_statements(tmp_path, "streaming", [WINDOWED, query], CONFIG)[1:]
    assert {kind for kind, _ in result.ok()} == {"+I"}
    sqlite_order = order.replace("ts", "id")  # ts grows with id
    expected = sqlite_rows("CREATE TABLE t (id, supplier_id, price, ws)", bid_rows(),
                           f"SELECT ws, id, price FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY ws ORDER BY {sqlite_order}) AS rn FROM t) WHERE rn <= {n}")
    assert Counter(values for _, values in result.ok()) == Counter({(minutes(ws), i, p): c for (ws, i, p), c in expected.items()})


def test_explain_shows_the_rank(tmp_path: Path) -> None:
    query = "EXPLAIN SELECT * FROM (SELECT id, k, v, ROW_NUMBER() OVER (PARTITION BY k ORDER BY v DESC) AS rn FROM src) WHERE rn <= 3"
    plan, = run_statements(tmp_path, "streaming", [source(), query], CONFIG)[1:]
    text = plan.ok()[0][1][0]
    assert "Rank(strategy=[AppendFastStrategy], rankType=[ROW_NUMBER], rankRange=[rankStart=1, rankEnd=3], partitionBy=[k], orderBy=[v DESC]" in text


def test_a_row_number_without_a_rank_end_is_refused(tmp_path: Path) -> None:
    query = "SELECT * FROM (SELECT id, k, ROW_NUMBER() OVER (PARTITION BY k ORDER BY v DESC) AS rn FROM src) WHERE rn > 2"
    result, = run_statements(tmp_path, "streaming", [source(), query], CONFIG)[1:]
    assert result.error is not None and "Rank end is not specified" in result.error[1]


def test_top_n_and_deduplication_in_batch_mode_give_the_final_ranks(tmp_path: Path) -> None:
    queries = [
        "SELECT id, k, v, rn FROM (SELECT id, k, v, ROW_NUMBER() OVER (PARTITION BY k ORDER BY v DESC, id) AS rn FROM src) WHERE rn <= 3",
        "SELECT item, cnt FROM (SELECT item, cnt, ROW_NUMBER() OVER (ORDER BY cnt DESC, item) AS rn FROM (SELECT item, COUNT(*) AS cnt FROM src GROUP BY item)) WHERE rn <= 3",
    ]
    results = run_statements(tmp_path, "batch", [source(), *queries])[1:]
    for query, result in zip(queries, results):
        assert {kind for kind, _ in result.ok()} == {"+I"}
        assert result.final_table() == sqlite_rows("CREATE TABLE t (id, k, v, item)", src_rows(), query.replace("FROM src", "FROM t"))


def test_top_n_at_parallelism_two_partitioned_by_an_expression(tmp_path: Path) -> None:
    # Rows reach the two rank subtasks by a hash of the partition key; arrival order between
    # source subtasks varies, so the ranks use a total order (v, then id) and the final table is checked.
    query = "SELECT id, v, rn FROM (SELECT id, v, ROW_NUMBER() OVER (PARTITION BY id % 4 ORDER BY v DESC, id) AS rn FROM src) WHERE rn <= 2"
    result, = run_statements(tmp_path, "streaming", [source(), query], {"parallelism.default": "2"})[1:]
    assert result.final_table() == sqlite_rows(
        "CREATE TABLE t (id, k, v, item)", src_rows(),
        "SELECT id, v, rn FROM (SELECT id, v, ROW_NUMBER() OVER (PARTITION BY id % 4 ORDER BY v DESC, id) AS rn FROM t) WHERE rn <= 2")


def test_window_top_n_over_local_days_of_a_timestamp_ltz(tmp_path: Path) -> None:
    # Windows over a TIMESTAMP_LTZ are the session zone's days (UTC-5 here): each fires when the
    # watermark passes the local midnight, not a UTC one, so no row of a day's last hours is late.
    import datetime
    from zoneinfo import ZoneInfo
    zone = ZoneInfo("America/New_York")
    first = int(datetime.datetime(2024, 1, 1, 0, 0, tzinfo=zone).timestamp() * 1000)
    hours = 72
    ddl = f"""CREATE TABLE hourly (id BIGINT, ts AS TO_TIMESTAMP_LTZ({first} + id * 3600000, 3), WATERMARK FOR ts AS ts)
      WITH ('connector' = 'datagen', 'fields.id.kind' = 'sequence', 'fields.id.start' = '0', 'fields.id.end' = '{hours - 1}')"""
    query = """SELECT CAST(window_start AS STRING), id FROM (
                 SELECT id, window_start, window_end, ROW_NUMBER() OVER (PARTITION BY window_start, window_end ORDER BY id * 5 % 24 DESC) AS rn
                 FROM TABLE(TUMBLE(TABLE hourly, DESCRIPTOR(ts), INTERVAL '1' DAY)))
               WHERE rn <= 2"""
    result, = run_statements(tmp_path, "streaming", [ddl, query], {**CONFIG, "table.local-time-zone": "America/New_York"})[1:]
    days: dict[str, list[int]] = {}
    for i in range(hours):
        local = datetime.datetime.fromtimestamp((first + i * 3_600_000) / 1000, zone)
        days.setdefault(f"{local:%Y-%m-%d} 00:00:00.000", []).append(i)
    expected = Counter((day, i) for day, ids in days.items() for i in sorted(ids, key=lambda i: (-(i * 5 % 24), i))[:2])
    assert {kind for kind, _ in result.ok()} == {"+I"}
    assert Counter(values for _, values in result.ok()) == expected
