"""End-to-end: window TVFs selected directly (each row once per window, with its bounds), and
windows over a TIMESTAMP_LTZ rowtime aligned to `table.local-time-zone`, as Flink's
(window_start and window_end are that zone's wall-clock TIMESTAMPs, window_time the TIMESTAMP_LTZ
instant just before the end). Expected rows come from a plain-Python model (and zoneinfo)."""

from __future__ import annotations

import datetime
from collections import Counter
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sql_e2e import run_statements

HOUR_MS = 3_600_000


def source(first_epoch_ms: int, hours: int) -> str:
    return f"""CREATE TABLE hourly (id BIGINT, ts AS TO_TIMESTAMP_LTZ({first_epoch_ms} + id * {HOUR_MS}, 3),
      WATERMARK FOR ts AS ts) WITH ('connector' = 'datagen', 'number-of-rows' = '{hours}',
      'fields.id.kind' = 'sequence', 'fields.id.start' = '0', 'fields.id.end' = '{hours - 1}')"""


def expected_days(zone: str, first_epoch_ms: int, hours: int) -> Counter:
    """(window_start, window_end, window_time) of each local day, with its row count."""
    tz = ZoneInfo(zone)
    windows: Counter = Counter()
    for i in range(hours):
        local = datetime.datetime.fromtimestamp((first_epoch_ms + i * HOUR_MS) / 1000, tz)
        start = datetime.datetime.combine(local.date(), datetime.time())
        end = start + datetime.timedelta(days=1)
        last = end - datetime.timedelta(milliseconds=1)
        windows[(f"{start:%Y-%m-%d %H:%M:%S}.000", f"{end:%Y-%m-%d %H:%M:%S}.000", f"{last:%Y-%m-%d %H:%M:%S}.999")] += 1
    return windows


@pytest.mark.parametrize("zone, first_local", [
    ("Asia/Shanghai", "2024-01-01 05:00"),      # UTC+8: the UTC day and the local day differ by 8 hours
    ("America/New_York", "2024-03-09 00:00"),   # across the switch to summer time: 10 March has 23 hours
])
def test_tumbling_days_follow_the_session_time_zone(tmp_path: Path, zone: str, first_local: str) -> None:
    first = datetime.datetime.fromisoformat(first_local).replace(tzinfo=ZoneInfo(zone))
    first_epoch_ms = int(first.timestamp() * 1000)
    hours = 60
    query = """SELECT CAST(window_start AS STRING), CAST(window_end AS STRING), CAST(window_time AS STRING), COUNT(*)
               FROM TABLE(TUMBLE(TABLE hourly, DESCRIPTOR(ts), INTERVAL '1' DAY))
               GROUP BY window_start, window_end, window_time"""
    results = run_statements(tmp_path, "streaming", [source(first_epoch_ms, hours), query],
                             config={"table.local-time-zone": zone, "parallelism.default": "1"})
    got = Counter()
    for kind, (start, end, time, count) in results[1].ok():
        assert kind == "+I"
        got[(start, end, time)] += count
    assert got == expected_days(zone, first_epoch_ms, hours)
    assert sum(got.values()) == hours


def test_a_hop_table_gives_each_row_once_per_window_it_falls_in(tmp_path: Path) -> None:
    # ids 0..9 at ts = id * 7 s; HOP of 20 s sliding by 10 s: window [s, s + 20) for s = 10 * k.
    create = """CREATE TABLE ticks (id BIGINT, ts AS TO_TIMESTAMP(FROM_UNIXTIME(id * 7)), WATERMARK FOR ts AS ts)
      WITH ('connector' = 'datagen', 'number-of-rows' = '10', 'fields.id.kind' = 'sequence',
      'fields.id.start' = '0', 'fields.id.end' = '9')"""
    query = """SELECT id, CAST(window_start AS STRING), CAST(window_end AS STRING), CAST(window_time AS STRING)
               FROM TABLE(HOP(TABLE ticks, DESCRIPTOR(ts), INTERVAL '10' SECOND, INTERVAL '20' SECOND))"""
    results = run_statements(tmp_path, "streaming", [create, query], config={"parallelism.default": "1"})

    def at(seconds: int, millis: int = 0) -> str:
        return f"{datetime.datetime(1970, 1, 1) + datetime.timedelta(seconds=seconds, milliseconds=millis):%Y-%m-%d %H:%M:%S}.{millis:03d}"

    expected = Counter()
    for i in range(10):
        t = i * 7
        for start in range(t // 10 * 10 - 10, t + 1, 10):
            if start <= t < start + 20:
                expected[(i, at(start), at(start + 20), at(start + 19, 999))] += 1
    got = Counter()
    for kind, values in results[1].ok():
        assert kind == "+I"
        got[values] += 1
    assert got == expected
