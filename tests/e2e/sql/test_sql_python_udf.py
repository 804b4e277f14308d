"""End-to-end: Python scalar functions in SQL through `./pystream run`, output checked against
expected files computed by hand."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
HERE = Path(__file__).parent
TIMEOUT_S = 180


def run(script: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(ROOT / "pystream"), "run", str(HERE / "scripts" / script)], cwd=ROOT,
                          capture_output=True, text=True, timeout=TIMEOUT_S)


@pytest.mark.parametrize("name", ["python_udf", "python_udf_errors"])
def test_python_functions_give_the_expected_rows(name: str) -> None:
    result = run(f"{name}.py")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == (HERE / "expected" / f"{name}.txt").read_text().splitlines()


def test_a_failing_function_shows_the_users_traceback() -> None:
    result = run("failing_udf.py")
    assert result.returncode == 1
    err = result.stderr.splitlines()
    start = err.index("Traceback (most recent call last):")
    assert err[start + 1] == f'  File "{HERE / "scripts" / "failing_udf.py"}", line 8, in parse'
    assert "ValueError: invalid literal for int() with base 10: 'three'" in err
    assert not any("pystream/_runtime" in line for line in err), "PyStream's own frames are left out"


def test_function_objects_are_called_in_table_api_expressions() -> None:
    result = run("table_api_udf_objects.py")
    assert result.returncode == 0, result.stderr
    pairs = [(1, 2), (3, 4), (5, 6), (7, -10)]
    expected = sorted([a, a + b + 1, b * 10] for a, b in pairs if a + b > 3)
    assert json.loads(result.stdout) == expected
