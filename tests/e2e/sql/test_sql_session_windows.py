"""End-to-end: SESSION windows in streaming mode (the window TVF, positional and named, and the
legacy GROUP BY SESSION) over seeded random events with a watermark, against a plain-Python model
of merging session windows; in batch mode the same windows fire at the end of the input.

The events are out of order by at most the watermark's delay, so no row is ever late whatever
batches the source makes, and the windows do not depend on when watermarks come (late rows are
covered by the operator's xunit tests, where the watermark is placed exactly)."""

from __future__ import annotations

import datetime
import random
from collections import Counter, defaultdict
from pathlib import Path

import pytest
from sql_e2e import run_statements

BASE = datetime.datetime(2024, 1, 1, 10, 0, 0)
NAMES = ["ann", "bob", "cy", "dee", "eve"]
DELAY_MS = 3_000


def events(seed: int) -> list[tuple[str, int, int]]:
    """(name, v, time in ms after BASE): time grows by 0-6 s a row, each row up to DELAY_MS earlier than that."""
    rng = random.Random(seed)
    rows, time = [], 60_000
    for _ in range(300):
        time += rng.randint(0, 6_000)
        rows.append((rng.choice(NAMES), rng.randint(-20, 50), time - rng.randint(0, DELAY_MS)))
    return rows


def sessions(rows: list[tuple[str, int, int]], gap_ms: int, keyed: bool) -> dict[tuple, list[int]]:
    """Merging session windows by hand: each row's [t, t + gap) joins every window of its key that it
    overlaps or touches (start <= other end and end >= other start); (key, start, end) -> values."""
    open_windows: dict[str, list[tuple[int, int, list[int]]]] = defaultdict(list)
    for name, v, t in rows:
        key = name if keyed else ""
        start, end, values = t, t + gap_ms, [v]
        for window in [w for w in open_windows[key] if w[0] <= end and w[1] >= start]:
            open_windows[key].remove(window)
            start, end, values = min(start, window[0]), max(end, window[1]), window[2] + values
        open_windows[key].append((start, end, values))
    return {(key, s, e): values for key, windows in open_windows.items() for s, e, values in windows}


def at(ms: int) -> tuple[str, str]:
    return ("datetime", str(BASE + datetime.timedelta(milliseconds=ms)))


def csv_table(rows: list[tuple[str, int, int]], directory: Path) -> str:
    path = directory / "events.csv"
    path.write_text("".join(f"{name},{v},{(BASE + datetime.timedelta(milliseconds=t)).isoformat(' ', 'milliseconds')}\n"
                            for name, v, t in rows))
    return (f"CREATE TEMPORARY TABLE events (name STRING, v INT, ts TIMESTAMP(3), "
            f"WATERMARK FOR ts AS ts - INTERVAL '{DELAY_MS // 1000}' SECOND) "
            f"WITH ('connector' = 'filesystem', 'path' = '{path}', 'format' = 'csv')")


def appended(result) -> Counter:
    rows = result.ok()
    assert {kind for kind, _ in rows} == {"+I"}, "a session window aggregate is append-only"
    return Counter(values for _, values in rows)


@pytest.mark.parametrize("mode", ["streaming", "batch"])
def test_session_windows_match_a_plain_model(mode: str, tmp_path: Path) -> None:
    rows = events(seed=20261206)
    statements = [
        csv_table(rows, tmp_path),
        "SELECT name, window_start, window_end, window_time, COUNT(*), SUM(v), MAX(v), SUM(CAST(v AS DOUBLE) / 4) "
        "FROM TABLE(SESSION(TABLE events PARTITION BY name, DESCRIPTOR(ts), INTERVAL '10' SECOND)) "
        "GROUP BY name, window_start, window_end, window_time",
        "SELECT window_start, window_end, COUNT(*), MIN(v) "
        "FROM TABLE(SESSION(DATA => TABLE events, TIMECOL => DESCRIPTOR(ts), GAP => INTERVAL '2' SECOND)) "
        "GROUP BY window_start, window_end",
        "SELECT name, SESSION_START(ts, INTERVAL '10' SECOND), SESSION_END(ts, INTERVAL '10' SECOND), "
        "SESSION_ROWTIME(ts, INTERVAL '10' SECOND), COUNT(*) FROM events GROUP BY SESSION(ts, INTERVAL '10' SECOND), name",
    ]
    results = run_statements(tmp_path, mode, statements, name="session",
                             config={"parallelism.default": "2", "pipeline.auto-watermark-interval": "0"})

    keyed = sessions(rows, 10_000, keyed=True)
    overall = sessions(rows, 2_000, keyed=False)
    assert len(keyed) > 40 and any(len(v) > 3 for v in keyed.values()), "the data should make many sessions, some long"
    assert 10 < len(overall) < len(rows), "the gap of 2 s should both merge and split the stream"

    assert appended(results[1]) == Counter(
        (name, at(s), at(e), at(e - 1), len(vs), sum(vs), max(vs), sum(v / 4 for v in vs)) for (name, s, e), vs in keyed.items())
    assert appended(results[2]) == Counter((at(s), at(e), len(vs), min(vs)) for (_, s, e), vs in overall.items())
    assert appended(results[3]) == Counter((name, at(s), at(e), at(e - 1), len(vs)) for (name, s, e), vs in keyed.items())


def test_session_window_refusals_name_the_mistake(tmp_path: Path) -> None:
    rows = events(seed=1)
    results = run_statements(tmp_path, "streaming", [
        csv_table(rows, tmp_path),
        "SELECT window_start, COUNT(*) FROM TABLE(SESSION(TABLE events, DESCRIPTOR(ts), INTERVAL '1' SECOND, INTERVAL '5' SECOND)) "
        "GROUP BY window_start, window_end",
        "SELECT window_start, COUNT(*) FROM TABLE(SESSION(TABLE events PARTITION BY name, DESCRIPTOR(ts), INTERVAL '1' SECOND)) "
        "GROUP BY window_start, window_end",
    ], name="session-errors")
    assert "SESSION takes 3 arguments at most (DATA, TIMECOL, GAP), got 4" in results[1].error[1]
    assert "a SESSION window partitioned by name must be grouped by it too" in results[2].error[1]


def test_sessions_over_a_timestamp_ltz_show_the_local_wall_clock(tmp_path: Path) -> None:
    """Event time as epoch milliseconds (TO_TIMESTAMP_LTZ) in a zone 8 hours east of UTC: the sessions
    are the same instants, window_start and window_end that zone's wall-clock times."""
    rows = events(seed=7)
    epoch_ms = int((BASE - datetime.datetime(1970, 1, 1)).total_seconds() * 1000)
    path = tmp_path / "events.csv"
    path.write_text("".join(f"{name},{v},{epoch_ms + t}\n" for name, v, t in rows))
    results = run_statements(tmp_path, "streaming", [
        f"CREATE TEMPORARY TABLE events (name STRING, v INT, ms BIGINT, ts AS TO_TIMESTAMP_LTZ(ms, 3), "
        f"WATERMARK FOR ts AS ts - INTERVAL '{DELAY_MS // 1000}' SECOND) "
        f"WITH ('connector' = 'filesystem', 'path' = '{path}', 'format' = 'csv')",
        "SELECT name, window_start, window_end, COUNT(*) "
        "FROM TABLE(SESSION(TABLE events PARTITION BY name, DESCRIPTOR(ts), INTERVAL '10' SECOND)) "
        "GROUP BY name, window_start, window_end",
    ], config={"table.local-time-zone": "Asia/Shanghai", "pipeline.auto-watermark-interval": "0"}, name="session-ltz")
    local = lambda ms: at(ms + 8 * 3_600_000)  # noqa: E731
    assert appended(results[1]) == Counter(
        (name, local(s), local(e), len(vs)) for (name, s, e), vs in sessions(rows, 10_000, keyed=True).items())
