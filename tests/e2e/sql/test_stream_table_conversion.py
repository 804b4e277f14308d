"""DataStream <-> Table round trips through `./pystream run` (and one through a gateway): from_data_stream,
SQL, to_data_stream / to_changelog_stream, DataStream operations after them; expected results from a
plain-Python model of the same events."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from collections import Counter, defaultdict
from datetime import datetime, timezone
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from gateway_process import run_through_a_gateway  # noqa: E402
from sql_e2e import apply_changelog  # noqa: E402

ROOT = Path(__file__).resolve().parents[3]
SCRIPTS = Path(__file__).parent / "scripts"
TIMEOUT_S = 180


def run(script: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(ROOT / "pystream"), "run", str(SCRIPTS / script), *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=TIMEOUT_S)


def scores(tmp_path: Path) -> tuple[Path, list[tuple[str, int]]]:
    rng = random.Random(14)
    events = [(rng.choice(["alice", "bob", "carol", "dave"]), rng.randint(-5, 20)) for _ in range(40)]
    path = tmp_path / "scores.json"
    path.write_text(json.dumps(events))
    return path, events


def changelog_model(events: list[tuple[str, int]]) -> list[str]:
    """Flink's GroupAggFunction over the events in order: +I for a new group, -U/+U when its result changes."""
    totals: dict[str, tuple[int, int]] = {}
    lines = []
    for name, score in events:
        old = totals.get(name)
        new = (score, 1) if old is None else (old[0] + score, old[1] + 1)
        totals[name] = new
        if old is None:
            lines.append(f"+I[{name}, {new[0]}, {new[1]}]")
        else:
            lines += [f"-U[{name}, {old[0]}, {old[1]}]", f"+U[{name}, {new[0]}, {new[1]}]"]
    return lines


def test_group_by_changelog_prints_as_flink_prints_a_row(tmp_path: Path) -> None:
    path, events = scores(tmp_path)
    done = run("stream_table_changelog.py", str(path), "1")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == changelog_model(events)


def printed_changelog(lines: list[str]) -> list[tuple[str, str]]:
    """Printed rows (``2> +U[bob, 7, 2]``) as (kind, the row after the kind)."""
    rows = [line.split("> ", 1)[-1] for line in lines]
    return [(row[:2], row[2:]) for row in rows]


def test_group_by_changelog_at_parallelism_two_ends_in_the_model_table(tmp_path: Path) -> None:
    path, events = scores(tmp_path)
    done = run("stream_table_changelog.py", str(path), "2")
    assert done.returncode == 0, done.stderr
    sums, counts = defaultdict(int), Counter()
    for name, score in events:
        sums[name] += score
        counts[name] += 1
    assert apply_changelog(printed_changelog(done.stdout.splitlines())) == Counter(f"[{n}, {sums[n]}, {counts[n]}]" for n in sums)
    assert all(line[:3] in ("1> ", "2> ") for line in done.stdout.splitlines())


def timed_events(tmp_path: Path) -> tuple[Path, list[tuple[str, int, int]]]:
    rng = random.Random(41)
    events, ts = [], 0
    for _ in range(60):
        ts += rng.randint(0, 1500)
        events.append((rng.choice("abc"), rng.randint(1, 9), ts))
    path = tmp_path / "events.json"
    path.write_text(json.dumps(events))
    return path, events


def iso(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, timezone.utc).replace(tzinfo=None).isoformat()


@pytest.mark.parametrize("watermark", ["SOURCE_WATERMARK()", "rowtime - INTERVAL '1' SECOND"])
def test_rowtime_window_tvf_to_data_stream_then_datastream_windows(tmp_path: Path, watermark: str) -> None:
    path, events = timed_events(tmp_path)
    done = run("stream_table_windows.py", str(path), watermark)
    assert done.returncode == 0, done.stderr
    results = [json.loads(line) for line in done.stdout.splitlines()]

    tumble: dict[tuple[str, int], int] = defaultdict(int)
    for k, v, ts in events:
        tumble[k, ts - ts % 10_000] += v
    # window_time is end - 1 ms, the rowtime, and so each record's timestamp.
    expected_tvf = sorted(["tvf", k, total, "+I", iso(start), iso(start + 10_000), iso(start + 9_999), start + 9_999]
                          for (k, start), total in tumble.items())
    assert sorted(r for r in results if r[0] == "tvf") == expected_tvf

    five: dict[tuple[str, int], int] = defaultdict(int)
    for k, v, ts in events:
        five[k, ts // 5_000] += v
    assert sorted(r for r in results if r[0] == "window") == sorted(["window", k, total] for (k, _), total in five.items())


def test_refusals_name_the_problem() -> None:
    done = run("stream_table_errors.py")
    assert done.returncode == 0, done.stderr
    cases = {label: (kind, message) for label, kind, message in (line.split("\t", 2) for line in done.stdout.splitlines()
                                                                  if line.count("\t") >= 2)}
    kind, message = cases["updating"]
    assert kind == "TableException"
    assert "doesn't support consuming update changes which is produced by node GroupAggregate(groupBy=[f0]" in message
    assert "to_changelog_stream" in message
    assert cases["untyped"][0] == "ValidationException" and "needs the DataStream's type" in cases["untyped"][1]
    assert cases["metadata"][0] == "ValidationException" and "a DataStream provides only 'rowtime'" in cases["metadata"][1]
    assert "which is TIMESTAMP_LTZ(3); it is declared TIMESTAMP(3)" in cases["rowtime type"][1]
    assert "the 'datagen' connector provides no watermarks of its own" in cases["source watermark"][1]
    kind, message = cases["bad value"]
    assert kind == "JobExecutionError"
    assert "from_data_stream: column 1 of the table is INT" in done.stdout


def test_changelog_round_trip_through_a_gateway(tmp_path: Path) -> None:
    """The same script as `python script.py`: the SQL request goes through the gateway's Sql call, the merged
    job through its job submission, and the gateway's subtasks plan the SQL nodes again."""
    path, events = scores(tmp_path)
    wrapper = tmp_path / "changelog_via_gateway.py"
    script = SCRIPTS / "stream_table_changelog.py"
    wrapper.write_text(f"import runpy, sys\nsys.argv = [{str(script)!r}, {str(path)!r}, '1']\n"
                       f"runpy.run_path({str(script)!r}, run_name='__main__')\n")
    done = run_through_a_gateway(wrapper, tmp_path / "gateway", TIMEOUT_S)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == changelog_model(events)


def test_sql_jobs_over_a_data_stream_table_run_with_its_nodes(tmp_path: Path) -> None:
    path, events = scores(tmp_path)
    done = run("stream_table_queries.py", str(path))
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    collected = [(kind, tuple(json.loads(values))) for label, kind, values in
                 (line.split("\t") for line in lines if line.startswith("collect\t"))]
    sums: dict[str, int] = defaultdict(int)
    for name, score in events:
        sums[name] += score
    assert apply_changelog(collected) == Counter(sums.items())
    rest = [line for line in lines if not line.startswith("collect\t")]
    at = rest.index("execute")
    assert rest[:at] == [f"+I[{name}, {score * 2}]" for name, score in events if score > 10]
    assert rest[at + 1:] == [f"pending {name}" for name, _ in events]


def changes(tmp_path: Path) -> tuple[Path, list[tuple[int, str, int]]]:
    """A valid changelog of a table of (name, score) rows: inserts, -U/+U pairs of rows in the table, deletes."""
    rng = random.Random(7)
    table: list[tuple[str, int]] = []
    log: list[tuple[int, str, int]] = []
    for _ in range(50):
        step = rng.random()
        if not table or step < 0.5:
            row = (rng.choice(["ann", "ben", "cy"]), rng.randint(0, 9))
            table.append(row)
            log.append((0, *row))
        elif step < 0.8:
            old = table.pop(rng.randrange(len(table)))
            new = (old[0], rng.randint(0, 9))
            table.append(new)
            log += [(1, *old), (2, *new)]
        else:
            log.append((3, *table.pop(rng.randrange(len(table)))))
    path = tmp_path / "changes.json"
    path.write_text(json.dumps(log))
    return path, log


def test_a_changelog_stream_is_an_updating_table(tmp_path: Path) -> None:
    path, log = changes(tmp_path)
    done = run("stream_table_from_changelog.py", str(path))
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    at = lines.index("sums")
    kinds = ["+I", "-U", "+U", "-D"]
    # A projection keeps each change's kind.
    assert lines[:at] == [f"{kinds[k]}[{name}, {score * 2}]" for k, name, score in log if score > 3]
    table: Counter = Counter()
    for k, name, score in log:
        table[name, score] += 1 if k in (0, 2) else -1
    sums: dict[str, int] = defaultdict(int)
    for (name, score), n in table.items():
        if n:
            sums[name] += score * n
    names_left = {name for (name, _), n in table.items() if n}
    assert apply_changelog(printed_changelog(lines[at + 1:])) == Counter(f"[{n}, {sums[n]}]" for n in names_left)
