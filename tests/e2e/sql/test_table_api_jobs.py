"""End-to-end: Table API scripts (select, where, group_by, column operations, order_by, group windows ...)
through ``./pystream run``; every expected value is computed here from the events, by a plain-Python model."""

from __future__ import annotations

import datetime
import json
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from gateway_process import run_through_a_gateway  # noqa: E402

ROOT = Path(__file__).resolve().parents[3]
SCRIPTS = Path(__file__).parent / "scripts"
TIMEOUT_S = 180

EVENTS = [("alice", 1, "2024-01-01 10:00:01"), ("bob", 2, "2024-01-01 10:00:04"), ("alice", 3, "2024-01-01 10:00:07"),
          ("bob", 4, "2024-01-01 10:00:12"), ("alice", 5, "2024-01-01 10:00:14")]


def run(script: str, *args: Path) -> dict[str, object]:
    done = subprocess.run([str(ROOT / "pystream"), "run", str(SCRIPTS / script), *map(str, args)], cwd=ROOT,
                          capture_output=True, text=True, timeout=TIMEOUT_S)
    return results_of(done)


def results_of(done: subprocess.CompletedProcess) -> dict[str, object]:
    assert done.returncode == 0, done.stderr
    results = {}
    for line in done.stdout.splitlines():
        label, _, value = line.partition("\t")
        results[label] = value if label in {"unknown_column", "drop_unknown", "not_a_window"} else json.loads(value)
    return results


def events_csv(tmp_path: Path) -> Path:
    path = tmp_path / "events.csv"
    path.write_text("".join(f"{name},{v},{ts}\n" for name, v, ts in EVENTS))
    return path


def when(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text)


def rows(values) -> list:
    return sorted((list(v) for v in values), key=lambda r: json.dumps(r, default=str))


def test_relational_operations_in_batch_mode(tmp_path: Path) -> None:
    results = run("table_api_batch.py", events_csv(tmp_path), tmp_path / "out")
    assert results["select_where"] == rows((name.upper(), v * 2) for name, v, _ in EVENTS if v > 1)
    totals: dict[str, list[int]] = defaultdict(list)
    for name, v, _ in EVENTS:
        totals[name].append(v)
    assert results["group_by"] == rows((name, sum(vs), len(vs), max(vs)) for name, vs in totals.items())
    assert results["columns"] == ["who", "value", "w"]
    assert results["columns_rows"] == rows((name, v, v + 1) for name, v, _ in EVENTS)
    assert results["order_limit"] == [[v] for v in sorted((v for _, v, _ in EVENTS), reverse=True)[1:3]]
    assert results["distinct"] == [["alice"], ["bob"]]
    [(_, v4, ts4)] = [e for e in EVENTS if e[1] == 4]
    at = when(ts4)
    assert results["temporal"] == [[at.second, str(at.replace(second=0)), str(at + datetime.timedelta(seconds=90))]]
    assert results["conditional"] == rows(("bob", "even" if v % 2 == 0 else "odd") for name, v, _ in EVENTS if name == "bob")
    words = [(1, "  Hello "), (2, "world"), (3, None)]
    assert results["strings"] == rows(
        (i, s.strip(), len(s), "l" in s, s[1:4], False) if s is not None else (i, None, None, None, None, True)
        for i, s in words)
    assert results["elements_untyped"] == [[10, 2], [20, 0]]  # CAST(2.5 AS INT) and CAST(0.5 AS INT) truncate
    big: dict[str, int] = defaultdict(int)
    for name, v, _ in EVENTS:
        if v >= 3:
            big[name] += 1
    assert results["view"] == rows(big.items())
    assert results["sql_over_api"] == [[min(v for name, v, _ in EVENTS if name == "alice")]]
    assert results["inserted"] == rows((name, v) for name, v, _ in EVENTS if v < 3)


def test_refusals_name_the_table_api_method(tmp_path: Path) -> None:
    results = run("table_api_batch.py", events_csv(tmp_path), tmp_path / "out")
    assert results["unknown_column"] == "ValidationException: SQL validation error: Table.select: Column 'nope' not found in any table"
    assert results["drop_unknown"].startswith("ValidationException: SQL validation error: Table.drop_columns: zz is not a column")
    assert results["not_a_window"].startswith("ValidationException: SQL validation error: Table.select: 'w' is not a group window")


def window_rows(size_s: int, slide_s: int, keep) -> dict[tuple, list]:
    """Each window [start, start + size) every slide, holding the kept events whose time falls in it."""
    windows: dict[tuple, list] = defaultdict(list)
    for name, v, ts in EVENTS:
        if not keep(v):
            continue
        seconds = (when(ts) - when("2024-01-01 10:00:00")).total_seconds()
        first = (seconds // slide_s) * slide_s - size_s + slide_s
        start = first
        while start <= seconds:
            if start + size_s > seconds:
                windows[start].append((name, v))
            start += slide_s
    return windows


def session_rows(gap_s: int, key) -> dict[tuple, list]:
    """Merging session windows: each event's [t, t + gap) joins the windows of its key it overlaps or touches."""
    windows: dict[tuple, list] = {}
    for name, v, ts in EVENTS:
        seconds = (when(ts) - when("2024-01-01 10:00:00")).total_seconds()
        start, end, members = seconds, seconds + gap_s, [v]
        for k, s, e in [w for w in windows if w[0] == key(name) and w[1] <= end and w[2] >= start]:
            members = windows.pop((k, s, e)) + members
            start, end = min(start, s), max(end, e)
        windows[(key(name), start, end)] = members
    return windows


def expect_windows(results: dict[str, object]) -> None:
    base = when("2024-01-01 10:00:00")
    at = lambda seconds: str(base + datetime.timedelta(seconds=seconds))  # noqa: E731
    tumble = []
    for start, members in window_rows(10, 10, lambda v: True).items():
        for name in {n for n, _ in members}:
            tumble.append(("+I", name, at(start), at(start + 10), sum(v for n, v in members if n == name)))
    assert results["tumble"] == rows(tumble)
    slide = [("+I", at(start), at(start + 10 - 0.001), len(members)) for start, members in window_rows(10, 5, lambda v: v > 1).items()]
    assert results["slide"] == rows(slide)
    session = [("+I", name, at(s), at(e), at(e - 0.001), sum(vs), len(vs)) for (name, s, e), vs in session_rows(6, lambda n: n).items()]
    assert results["session"] == rows(session)
    session_all = [("+I", at(s), at(e), max(vs)) for (_, s, e), vs in session_rows(3, lambda n: "").items()]
    assert results["session_all"] == rows(session_all)


def test_group_windows_in_streaming_mode(tmp_path: Path) -> None:
    expect_windows(run("table_api_windows.py", events_csv(tmp_path)))


def test_group_windows_through_a_gateway(tmp_path: Path) -> None:
    """The trees travel in the gateway's Sql call, and each subtask plans the job again from them."""
    wrapper = tmp_path / "windows_via_gateway.py"
    script = SCRIPTS / "table_api_windows.py"
    wrapper.write_text(f"import runpy, sys\nsys.argv = [{str(script)!r}, {str(events_csv(tmp_path))!r}]\n"
                       f"runpy.run_path({str(script)!r}, run_name='__main__')\n")
    expect_windows(results_of(run_through_a_gateway(wrapper, tmp_path / "gateway", TIMEOUT_S)))
