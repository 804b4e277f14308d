"""End-to-end: a table environment's statements reach the engine embedded and through a gateway.

The statement is bad SQL, so the engine refuses it whatever the planner can do: the script prints the
exception class it caught and the start of the message (``SQL parse error at …`` or, until the parser
runs first, ``SQL validation error``), the same on both paths.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from gateway_process import ROOT, run_through_a_gateway

SCRIPT = Path(__file__).parent / "scripts" / "sql_refusal.py"
TIMEOUT_S = 180


def refusal(lines: list[str]) -> list[str]:
    kind, start = lines
    assert (kind == "SqlParserException" and start.startswith("SQL parse error at ")) or \
        [kind, start] == ["ValidationException", "SQL validation error"], lines
    return lines


def test_a_refused_statement_raises_the_same_pyflink_exception_embedded_and_through_a_gateway(tmp_path: Path) -> None:
    embedded = subprocess.run([str(ROOT / "pystream"), "run", str(SCRIPT)], cwd=ROOT, capture_output=True, text=True,
                              timeout=TIMEOUT_S)
    assert embedded.returncode == 0, embedded.stderr
    remote = run_through_a_gateway(SCRIPT, tmp_path, TIMEOUT_S)
    assert remote.returncode == 0, remote.stderr
    assert refusal(embedded.stdout.splitlines()) == refusal(remote.stdout.splitlines())
