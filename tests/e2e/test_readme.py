"""The README's Python snippets run: the first as a script through ./pystream run, the rest in Python."""

from __future__ import annotations

import re
import shutil
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


def test_the_sql_snippet_prints_the_changelog_of_its_count(tmp_path: Path) -> None:
    script = tmp_path / "orders.py"
    script.write_text(snippets()[2])
    result = subprocess.run([str(ROOT / "pystream"), "run", str(script)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    # Ids 1..6 in order: parity 1, 0, 1, 0, 1, 0; each new count retracts the previous one.
    rows = [line.split("|")[1:4] for line in result.stdout.splitlines() if line.startswith("| ") and "op" not in line]
    assert [[cell.strip() for cell in row] for row in rows] == [
        ["+I", "1", "1"], ["+I", "0", "1"], ["-U", "1", "1"], ["+U", "1", "2"], ["-U", "0", "1"], ["+U", "0", "2"],
        ["-U", "1", "2"], ["+U", "1", "3"], ["-U", "0", "2"], ["+U", "0", "3"]]
    assert result.stdout.endswith("10 rows in set\n")


def test_the_harness_snippet_runs() -> None:
    namespace: dict = {"__name__": "readme_snippet"}
    exec(compile(snippets()[3], "README.md", "exec"), namespace)  # its asserts are the test


def test_the_checkpointing_snippet_stops_with_a_savepoint_that_resumes(tmp_path: Path) -> None:
    script = tmp_path / "endless_sums.py"
    script.write_text(snippets()[1])
    first = subprocess.run([str(ROOT / "pystream"), "run", str(script)], capture_output=True, text=True, timeout=120)
    assert first.returncode == 0, first.stderr
    savepoint = Path(first.stdout.strip())
    assert (savepoint / "_metadata").exists()

    resumed = subprocess.run([str(ROOT / "pystream"), "run", "-s", str(savepoint), str(script)], capture_output=True, text=True, timeout=120)
    try:
        assert resumed.returncode == 0, resumed.stderr
        assert (Path(resumed.stdout.strip()) / "_metadata").exists()
    finally:
        shutil.rmtree(savepoint)
        if resumed.returncode == 0:
            shutil.rmtree(resumed.stdout.strip())


def test_every_python_snippet_is_covered() -> None:
    assert len(snippets()) == 4


def test_the_readme_links_only_files_in_the_repository() -> None:
    text = (ROOT / "README.md").read_text()
    links = re.findall(r"\]\(([^)#\s]+)", text)
    assert "docs/pyflink-behaviour.md" in links
    for link in links:
        target = (ROOT / link).resolve()
        assert target.is_relative_to(ROOT) and target.exists(), link
    # Nor a path that climbs out of it in plain text ('.../chk-4' elides a directory, it does not climb).
    assert re.findall(r"(?<![.\w])\.\./\S+", text) == []
