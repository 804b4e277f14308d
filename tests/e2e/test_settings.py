"""End-to-end: configuration text is read by the engine alone, for the getters and at execute().

The script configures values as text, prints what the getters return, then runs one job per bad
value and prints whether execute() raised an error naming the key and the value. The expected
lines are worked out by hand from Flink's units and defaults.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from gateway_process import ROOT, run_through_a_gateway

SCRIPT = Path(__file__).parent / "scripts" / "settings.py"
EXPECTED = (Path(__file__).parent / "expected" / "settings.txt").read_text().splitlines()
TIMEOUT_S = 180


def test_embedded_getters_read_the_engines_values_and_execute_raises_naming_key_and_value() -> None:
    result = subprocess.run([str(ROOT / "pystream"), "run", str(SCRIPT)], cwd=ROOT, capture_output=True, text=True,
                            timeout=TIMEOUT_S)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == EXPECTED


def test_through_a_gateway_the_same(tmp_path: Path) -> None:
    result = run_through_a_gateway(SCRIPT, tmp_path, TIMEOUT_S)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == EXPECTED
