"""End-to-end: OVER aggregates in SQL and the Table API through ``./pystream run``, in streaming and
batch mode, over random (seeded) events; every expected row comes from a plain-Python model of the
frames: per key, rows in time order (rows of one time in file order); a ROWS frame is the row and the
n rows before it, a RANGE frame every row at most the interval earlier, rows of the same time included."""

from __future__ import annotations

import datetime
import json
import random
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
SCRIPT = Path(__file__).parent / "scripts" / "over_windows.py"
TIMEOUT_S = 180
BASE = datetime.datetime(2024, 1, 1, 10, 0, 0)


def make_events() -> list[tuple[str, int, datetime.datetime]]:
    """60 events in random order within one hour, at whole minutes, so a key often has several at one time."""
    rng = random.Random(20240101)
    return [(rng.choice("abc"), rng.randint(1, 100), BASE + datetime.timedelta(minutes=rng.randrange(60))) for _ in range(60)]


EVENTS = make_events()


def run(tmp_path: Path, mode: str) -> dict[str, object]:
    path = tmp_path / "events.csv"
    path.write_text("".join(f"{k},{v},{ts:%Y-%m-%d %H:%M:%S}\n" for k, v, ts in EVENTS))
    done = subprocess.run([str(ROOT / "pystream"), "run", str(SCRIPT), str(path), mode], cwd=ROOT,
                          capture_output=True, text=True, timeout=TIMEOUT_S)
    assert done.returncode == 0, done.stderr
    return {label: json.loads(value) for label, value in (line.split("\t", 1) for line in done.stdout.splitlines())}


def sorted_rows(rows) -> list:
    return sorted((["+I", *row] for row in rows), key=lambda r: json.dumps(r, default=str))


def ordered(key: str | None) -> list[tuple[int, tuple[str, int, datetime.datetime]]]:
    """The events of a key (all of them for None) in time order, ties in file order, with their file index."""
    return sorted(((i, e) for i, e in enumerate(EVENTS) if key is None or e[0] == key), key=lambda ie: (ie[1][2], ie[0]))


def frames(rows: int | None = None, minutes: int | None = None, unbounded_rows: bool = False, by_key: bool = True):
    """Each event with the values of its frame (ROWS n, RANGE minutes, or from the key's first row)."""
    for key in ("abc" if by_key else [None]):
        events = ordered(key)
        for position, (_, (k, v, ts)) in enumerate(events):
            if rows is not None or unbounded_rows:
                first = 0 if unbounded_rows else max(0, position - rows)
                members = events[first:position + 1]
            else:
                members = [e for e in events if e[1][2] <= ts and (minutes is None or e[1][2] >= ts - datetime.timedelta(minutes=minutes))]
            yield (k, v, str(ts)), [m[1][1] for m in members]


def model(results: dict[str, object]) -> None:
    assert results["rows"] == sorted_rows(
        [*row, sum(vs), len(vs), min(vs), max(vs), sum(vs) // len(vs)] for row, vs in frames(rows=2))
    assert results["range"] == sorted_rows([*row, sum(vs), len(vs)] for row, vs in frames(minutes=10))
    assert results["default_frame"] == sorted_rows([*row, sum(vs)] for row, vs in frames())
    assert results["unbounded_rows"] == sorted_rows([*row, max(vs)] for row, vs in frames(unbounded_rows=True))
    assert results["global"] == sorted_rows([row[1], row[2], len(vs)] for row, vs in frames(minutes=5, by_key=False))
    assert results["table_rows"] == sorted_rows([*row, sum(vs)] for row, vs in frames(rows=2))
    assert results["table_range"] == sorted_rows([*row, len(vs), max(vs)] for row, vs in frames(minutes=10))
    assert results["table_unbounded"] == sorted_rows([*row, sum(vs)] for row, vs in frames())
    assert "All aggregates must be computed on the same window" in results["two_windows"]
    assert "OVER windows' ordering in stream mode must be defined on a time attribute" in results["not_time"]
    assert "Rank end is not specified" in results["row_number"]


def test_the_data_has_peers_and_frames_that_differ() -> None:
    """The seeded events exercise what the model distinguishes: rows of one key at one time, ROWS against RANGE."""
    times = [(k, ts) for k, _, ts in EVENTS]
    assert len(set(times)) < len(times)
    assert dict(frames(rows=2)) != dict(frames(minutes=10))


@pytest.mark.parametrize("mode", ["streaming", "batch"])
def test_over_aggregates_match_the_model(tmp_path: Path, mode: str) -> None:
    model(run(tmp_path, mode))
