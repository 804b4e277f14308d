"""End-to-end: deduplication (`ROW_NUMBER() OVER (PARTITION BY key ORDER BY time attribute) = 1`),
keeping the first or the last row per key, on event time (rowtimes compared, not arrival) and on
processing time. Expected changelogs come from a plain-Python model; final tables are also checked
against SQLite's ROW_NUMBER()."""

from __future__ import annotations

import sqlite3
from collections import Counter
from pathlib import Path

import pytest
from sql_e2e import run_statements

ROWS = 40
KEYS = 4
CONFIG = {"parallelism.default": "1"}  # one subtask: rows arrive in id order


def rowtime_s(i: int) -> int:
    """Rowtimes out of order within each key (by up to 9 s): never more than the watermark delay
    behind an earlier row, so no row is late whenever watermarks are emitted."""
    return 100 + i + (i * 7 % 10)


SOURCE = f"""CREATE TABLE events (id BIGINT, k AS id % {KEYS}, v AS id * 3 % 11,
  ts AS TO_TIMESTAMP_LTZ(({' + '.join(['100', 'id', 'id * 7 % 10'])}) * 1000, 3), pt AS PROCTIME(),
  WATERMARK FOR ts AS ts - INTERVAL '10' SECOND)
  WITH ('connector' = 'datagen', 'fields.id.kind' = 'sequence', 'fields.id.start' = '0', 'fields.id.end' = '{ROWS - 1}')"""

ROWS_IN_ORDER = [(i, i % KEYS, i * 3 % 11, rowtime_s(i)) for i in range(ROWS)]


def sqlite_dedup(order: str) -> Counter:
    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE t (id, k, v, ts)")
    db.executemany("INSERT INTO t VALUES (?, ?, ?, ?)", ROWS_IN_ORDER)
    return Counter(db.execute(f"SELECT id, k, v FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY k ORDER BY {order}) AS rn FROM t) WHERE rn = 1").fetchall())


def query(order: str) -> str:
    return f"SELECT id, k, v FROM (SELECT id, k, v, ROW_NUMBER() OVER (PARTITION BY k ORDER BY {order}) AS rn FROM events) WHERE rn = 1"


def keep_last_changes(replaces) -> list[tuple[str, tuple]]:
    """+I for a key's first row, then -U of the kept row and +U of each row that replaces it."""
    kept: dict[int, tuple] = {}
    out = []
    for i, k, v, ts in ROWS_IN_ORDER:
        row = (i, k, v)
        if k not in kept:
            out.append(("+I", row))
        elif replaces(kept[k], (i, k, v, ts)):
            out += [("-U", kept[k][:3]), ("+U", row)]
        else:
            continue
        kept[k] = (i, k, v, ts)
    return out


def test_keep_first_row_on_rowtime_emits_each_keys_earliest_row_once(tmp_path: Path) -> None:
    explain, result = run_statements(tmp_path, "streaming", [SOURCE, "EXPLAIN " + query("ts ASC"), query("ts ASC")], CONFIG)[1:]
    assert "Deduplicate(keep=[FirstRow], key=[k], order=[ROWTIME])" in explain.ok()[0][1][0]
    # Append-only: one +I per key, the row of the smallest rowtime (the first of equal ones).
    first = {}
    for i, k, v, ts in ROWS_IN_ORDER:
        if k not in first or ts < first[k][3]:
            first[k] = (i, k, v, ts)
    assert sorted(result.ok()) == sorted(("+I", row[:3]) for row in first.values())
    assert result.final_table() == sqlite_dedup("ts, id")


def test_keep_last_row_on_rowtime_compares_rowtimes_not_arrival(tmp_path: Path) -> None:
    result, = run_statements(tmp_path, "streaming", [SOURCE, query("ts DESC")], CONFIG)[1:]
    # A row replaces the kept one when its rowtime is not before the kept row's.
    assert result.ok() == keep_last_changes(lambda kept, row: row[3] >= kept[3])
    assert result.final_table() == sqlite_dedup("ts DESC, id DESC")


def test_keep_first_row_on_proctime_emits_the_first_arrival(tmp_path: Path) -> None:
    explain, result = run_statements(tmp_path, "streaming", [SOURCE, "EXPLAIN " + query("pt"), query("pt")], CONFIG)[1:]
    assert "Deduplicate(keep=[FirstRow], key=[k], order=[PROCTIME])" in explain.ok()[0][1][0]
    assert result.ok() == [("+I", (i, i, i * 3 % 11)) for i in range(KEYS)]
    assert result.final_table() == sqlite_dedup("id")


@pytest.mark.parametrize("ttl", [None, "1 h"])
def test_keep_last_row_on_proctime_updates_with_each_arrival(tmp_path: Path, ttl: str | None) -> None:
    config = CONFIG if ttl is None else {**CONFIG, "table.exec.state.ttl": ttl}
    result, = run_statements(tmp_path, "streaming", [SOURCE, query("pt DESC")], config)[1:]
    assert result.ok() == keep_last_changes(lambda kept, row: True)
    assert result.final_table() == sqlite_dedup("id DESC")


@pytest.mark.parametrize("order", ["ts", "pt"])
def test_the_rank_column_of_a_deduplication_is_the_constant_one(tmp_path: Path, order: str) -> None:
    result, = run_statements(tmp_path, "streaming", [
        SOURCE, f"SELECT * FROM (SELECT id, k, ROW_NUMBER() OVER (PARTITION BY k ORDER BY {order}) AS rn FROM events) WHERE rn = 1"], CONFIG)[1:]
    assert {values[2] for _, values in result.ok()} == {1}
    assert len(result.ok()) == KEYS


def test_a_count_over_a_keep_last_deduplication_follows_its_updates(tmp_path: Path) -> None:
    # Downstream aggregates take the -U/+U: the number of keys whose last row has an even v.
    counted, = run_statements(tmp_path, "streaming", [
        SOURCE, f"SELECT v % 2, COUNT(*) FROM ({query('ts DESC')}) GROUP BY v % 2"], CONFIG)[1:]
    last = sqlite_dedup("ts DESC, id DESC")
    expected = Counter(v % 2 for (_, _, v) in last.elements())
    assert counted.final_table() == Counter({(parity, n): 1 for parity, n in expected.items()})
