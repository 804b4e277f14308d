"""Runs SQL through `./pystream run` for the SQL end-to-end tests, many statements per script run.

`run_statements` writes a plan (mode, configuration, statements) to a JSON file and runs
scripts/run_queries.py on it: one table environment, every statement in order, one JSON line per
statement. `run_script` runs any script and returns its completed process.
"""

from __future__ import annotations

import json
import subprocess
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[3]
SCRIPTS = Path(__file__).parent / "scripts"
TIMEOUT_S = 180


def run_script(script: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(ROOT / "pystream"), "run", str(script), *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=TIMEOUT_S)


def decode(value: Any) -> Any:
    """A value as run_queries.py encoded it: JSON scalars as they are, a float as a float, a Decimal as a
    Decimal, any other type as (type name, its str)."""
    if not isinstance(value, dict):
        return value
    (kind, text), = value.items()
    if kind == "float":
        return float(text)
    if kind == "Decimal":
        return Decimal(text)
    return (kind, text)


class Result:
    """One statement's outcome: its changelog rows as (kind, values), or the error class and message."""

    def __init__(self, line: dict) -> None:
        self.rows: list[tuple[str, tuple]] | None = None
        self.error: tuple[str, str] | None = None
        if "error" in line:
            self.error = tuple(line["error"])
        else:
            self.rows = [(kind, tuple(decode(v) for v in values)) for kind, values in line["rows"]]

    def ok(self) -> list[tuple[str, tuple]]:
        assert self.error is None, f"{self.error[0]}: {self.error[1]}"
        return self.rows

    def final_table(self) -> Counter:
        return apply_changelog(self.ok())


def apply_changelog(rows: list[tuple[str, Any]]) -> Counter:
    """The changelog applied: +I and +U add a row, -U and -D take one away (which must be there)."""
    table: Counter = Counter()
    for kind, values in rows:
        if kind in ("+I", "+U"):
            table[values] += 1
        else:
            assert table[values] > 0, f"{kind}{list(values)} retracts a row that is not in the table"
            table[values] -= 1
    return +table


def run_statements(tmp_path: Path, mode: str, statements: list[str], config: dict[str, str] | None = None,
                   name: str = "plan") -> list[Result]:
    plan = tmp_path / f"{name}-{mode}.json"
    plan.write_text(json.dumps({"mode": mode, "config": config or {}, "statements": statements}))
    completed = run_script(SCRIPTS / "run_queries.py", str(plan))
    assert completed.returncode == 0, completed.stderr
    lines = completed.stdout.splitlines()
    assert len(lines) == len(statements), completed.stdout + completed.stderr
    return [Result(json.loads(line)) for line in lines]
