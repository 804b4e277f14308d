"""examples/sql_clicks.py end to end: over files, over Kafka (the mock broker, read back with kcat), and through the gateway."""

from __future__ import annotations

import collections
import json
import subprocess
import sys
from pathlib import Path

from test_kafka import MockBroker

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "sql_clicks.py"
TIMEOUT_S = 180

# The example's clicks: i = 0..39 at 10:00:00 + 1.5 s * i, user i mod 3, action i mod 2.
USERS, ACTIONS = ["ada", "bob", "cy"], ["click", "view"]


def window_counts() -> dict[tuple[int, str, str], int]:
    """Clicks per (10-second window start in seconds, user, action), from the model."""
    counts: collections.Counter = collections.Counter()
    for i in range(40):
        seconds = i * 1.5
        counts[(int(seconds // 10) * 10, USERS[i % 3], ACTIONS[i % 2])] += 1
    return counts


def test_the_counts_of_the_example_are_the_models_and_print_as_flinks_tableau() -> None:
    # The model's windows with at least two clicks, worked out by hand from the table above:
    # [0,10): i = 0..6 has i mod 6 = 0 twice (ada, click); [10,20): i = 7..13 has 1 twice (bob, view);
    # [30,40): i = 20..26 has 2 twice (cy, click); [40,50): i = 27..33 has 3 twice (ada, view).
    assert {k for k, c in window_counts().items() if c >= 2} == {(0, "ada", "click"), (10, "bob", "view"), (30, "cy", "click"), (40, "ada", "view")}
    result = subprocess.run([str(ROOT / "pystream"), "run", str(EXAMPLE)], cwd=ROOT, capture_output=True, text=True, timeout=TIMEOUT_S)
    assert result.returncode == 0, result.stderr
    assert result.stdout == EXPECTED_TABLEAU


def test_over_kafka_the_sink_topic_holds_every_window_count_as_json() -> None:
    broker = MockBroker("user_events:2", "click_counts:1")
    try:
        result = subprocess.run([str(ROOT / "pystream"), "run", str(EXAMPLE), "--bootstrap", broker.bootstrap],
                                cwd=ROOT, capture_output=True, text=True, timeout=TIMEOUT_S)
        assert result.returncode == 0, result.stderr
        assert result.stdout == EXPECTED_TABLEAU
        written = [json.loads(line) for line in broker.read("click_counts")]
        assert len(broker.read("user_events")) == 40
    finally:
        broker.stop()
    expected = sorted(sorted(
        {"window_start": f"2024-01-01 10:00:{start:02d}", "window_end": f"2024-01-01 10:{(start + 10) // 60:02d}:{(start + 10) % 60:02d}",
         "user_id": user, "action": action, "clicks": count}.items())
        for (start, user, action), count in window_counts().items())
    assert sorted(sorted(r.items()) for r in written) == expected


def test_through_the_gateway_the_example_prints_the_same() -> None:
    result = subprocess.run([sys.executable, str(EXAMPLE)], cwd=ROOT, capture_output=True, text=True, timeout=TIMEOUT_S)
    assert result.returncode == 0, result.stderr
    assert result.stdout == EXPECTED_TABLEAU


EXPECTED_TABLEAU = """\
+----+-------------------------+-------------------------+--------------------------------+--------------------------------+----------------------+
| op |            window_start |              window_end |                        user_id |                         action |               clicks |
+----+-------------------------+-------------------------+--------------------------------+--------------------------------+----------------------+
| +I | 2024-01-01 10:00:00.000 | 2024-01-01 10:00:10.000 |                            ada |                          click |                    2 |
| +I | 2024-01-01 10:00:10.000 | 2024-01-01 10:00:20.000 |                            bob |                           view |                    2 |
| +I | 2024-01-01 10:00:30.000 | 2024-01-01 10:00:40.000 |                             cy |                          click |                    2 |
| +I | 2024-01-01 10:00:40.000 | 2024-01-01 10:00:50.000 |                            ada |                           view |                    2 |
+----+-------------------------+-------------------------+--------------------------------+--------------------------------+----------------------+
4 rows in set
"""
