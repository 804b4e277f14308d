"""The README's Python snippets run: the first as a script through ./pystream run, the rest in Python."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def snippets() -> list[str]:
    return re.findall(r"```python\n(.*?)```", (ROOT / "README.md").read_text(), re.S)


def test_the_first_snippet_prints_what_the_readme_says(tmp_path: Path) -> None:
    script = tmp_path / "sums.py"
    script.write_text(snippets()[0])
    result = subprocess.run([str(ROOT / "pystream"), "run", str(script)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["(a,1)", "(b,2)", "(a,4)"]


def test_the_harness_snippet_runs() -> None:
    namespace: dict = {"__name__": "readme_snippet"}
    exec(compile(snippets()[1], "README.md", "exec"), namespace)  # its asserts are the test


def test_every_python_snippet_is_covered() -> None:
    assert len(snippets()) == 2
