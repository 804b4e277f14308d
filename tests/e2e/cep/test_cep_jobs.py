"""CEP jobs end to end: the login example, the example script, and a condition that raises."""

from __future__ import annotations

import subprocess
from pathlib import Path

from cep_cases import LOGINS, tied_readings

ROOT = Path(__file__).resolve().parents[3]
HERE = Path(__file__).parent
WITHIN_MS = 10_000


def run(script: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(ROOT / "pystream"), "run", str(script)], cwd=ROOT, capture_output=True, text=True,
                          timeout=180)


def login_model() -> list[str]:
    """Per user, every fail starts a partial match that takes the next events while they come
    within 10 s of it: two more fails (consecutive), then an ok: an alert, after which skip past
    last event discards every start up to that ok. Any other event breaks the partial match (it
    is dropped); one still waiting when its 10 s pass (or the input ends) times out at start + 10 s."""
    lines = []
    for user in sorted({u for u, _, _ in LOGINS}):
        events = [(s, t) for u, s, t in LOGINS if u == user]
        done_until = -1
        for start, (status, t0) in enumerate(events):
            if status != "fail" or start <= done_until:
                continue
            outcome = "timeout"
            for k, want in enumerate(("fail", "fail", "ok"), start=1):
                if start + k >= len(events) or events[start + k][1] - t0 >= WITHIN_MS:
                    break
                if events[start + k][0] != want:
                    outcome = "broken"
                    break
                if want == "ok":
                    outcome = "alert"
            fails = "/".join(str(t) for _, t in events[start:start + 3] if _ == "fail")
            if outcome == "alert":
                lines.append(f"alert,{user},{fails},{events[start + 3][1]}")
                done_until = start + 3
            elif outcome == "timeout":
                taken = []
                for status2, t in events[start:start + 3]:
                    if status2 != "fail" or t - t0 >= WITHIN_MS:
                        break
                    taken.append(str(t))
                lines.append(f"timeout,{user},{'/'.join(taken)},{t0 + WITHIN_MS}")
    return sorted(lines)


def test_the_login_example_alerts_and_times_out_as_flink_would() -> None:
    result = run(HERE / "cep_login_job.py")
    assert result.returncode == 0, result.stderr
    want = login_model()
    assert "alert,alice,1000/2000/3000,4000" in want and any(w.startswith("timeout,carol") for w in want)
    # Two subtasks print: each line starts with "<subtask>> ".
    assert sorted(line.split("> ", 1)[1] for line in result.stdout.splitlines()) == want


def test_the_example_script_runs() -> None:
    result = run(ROOT / "examples" / "cep_login_alerts.py")
    assert result.returncode == 0, result.stderr
    # alice breaks in at 4 s; carol's three starts (1, 2, 3 s) each time out 10 s after they began.
    assert sorted(result.stdout.splitlines()) == sorted([
        "alert> alice logged in after 3 failures at 4000 ms",
        "timed out> carol failed at [1000, 2000, 3000] with no success by 11000 ms",
        "timed out> carol failed at [2000, 3000] with no success by 12000 ms",
        "timed out> carol failed at [3000] with no success by 13000 ms",
    ])


def test_a_condition_that_raises_fails_the_job_with_the_users_traceback() -> None:
    script = HERE / "cep_condition_error_job.py"
    result = run(script)
    assert result.returncode == 1
    err = result.stderr.splitlines()
    assert err[0] == "Traceback (most recent call last):"
    assert f'  File "{script}", line 8, in amount_per_item' in err
    assert "ZeroDivisionError: division by zero" in err
    assert "at PyStream" not in result.stderr


def test_late_events_go_to_the_late_side_output() -> None:
    result = run(HERE / "cep_late_job.py")
    assert result.returncode == 0, result.stderr
    want = [f"match,{v}" for v in range(0, 300_000, 100_000)] + ["late> (299999,5)"]
    assert sorted(result.stdout.splitlines()) == sorted(want)


def test_select_and_flat_select_forms_in_processing_time() -> None:
    result = run(HERE / "cep_select_forms_job.py")
    assert result.returncode == 0, result.stderr
    # a next b on a1 b1 a2 x1 b2 a3 b3: (a1, b1) and (a3, b3); flat_select yields both events.
    want = ["select,a1b1", "select,a3b3", "flat,a1", "flat,b1", "flat,a3", "flat,b3", "lambda,2", "lambda,2"]
    assert sorted(result.stdout.splitlines()) == sorted(want)


def test_partial_matches_keep_their_events_across_many_arrivals_and_checkpoints() -> None:
    count, keys = 300_000, 100
    result = subprocess.run([str(ROOT / "pystream"), "run", str(HERE / "cep_long_lived_job.py"), str(count)], cwd=ROOT,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    # Key k's 'a' (payload [7k]) arrives as event k, its 'c' (payload [7k] too) as event count - keys + k.
    want = [f"k{k},{7 * k},{count - keys + k},{7 * k}" for k in range(keys)]
    assert sorted(result.stdout.splitlines()) == sorted(want)


def test_keys_written_out_and_read_back_keep_their_events() -> None:
    keys = 70_000  # more than the 65,536 keys the operator holds in memory
    result = subprocess.run([str(ROOT / "pystream"), "run", str(HERE / "cep_many_keys_job.py"), str(keys)], cwd=ROOT,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    # Key k: its 'a' is event k with payload [3k], its 'c' event keys + k with payload [keys + k].
    want = [f"{k},{3 * k},{keys + k}" for k in range(keys)]
    assert sorted(result.stdout.splitlines()) == sorted(want)


def strict_pairs(label: str, events: list[tuple[str, str, int, int]], tie_rank) -> list[str]:
    """Per key, the events in timestamp order, ties as tie_rank sorts them (stably): every a right before a b."""
    lines = []
    for key in sorted({e[0] for e in events}):
        ordered = sorted((e for e in events if e[0] == key), key=lambda e: (e[2], tie_rank(e)))
        lines += [f"{label},{key},{x[3]},{y[3]}" for x, y in zip(ordered, ordered[1:]) if (x[1], y[1]) == ("a", "b")]
    return lines


def test_an_event_comparator_orders_events_of_equal_timestamp() -> None:
    result = run(HERE / "cep_comparator_job.py")
    assert result.returncode == 0, result.stderr
    events = tied_readings()
    ordered = strict_pairs("ordered", events, lambda e: e[1])
    arrival = strict_pairs("arrival", events, lambda e: 0)
    assert len(ordered) == 60 and set(ordered).isdisjoint(arrival)  # a then b within every tie: one match per group
    assert sorted(line.split("> ", 1)[1] for line in result.stdout.splitlines()) == sorted(ordered + arrival)
