"""The API describes, the worker runs: no API module imports the worker (``pystream._runtime``).

Every module of the API packages is parsed, and every import in it, at any depth (inside
functions and ``if TYPE_CHECKING`` blocks too), is resolved to an absolute module name.
"""

import ast
from pathlib import Path

import pytest

PACKAGE_ROOT = Path(__file__).resolve().parents[3] / "python"
API_PACKAGES = ["pystream/datastream", "pystream/common", "pystream/table", "pystream/cep", "pystream/metrics"]
RUNTIME = "pystream._runtime"


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_modules(path: Path, root: Path = PACKAGE_ROOT) -> list[tuple[int, str]]:
    """(line, absolute module name) of every import in the file; ``from m import n`` names m.n too."""
    name = module_name(path, root)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[:len(anchor) - (node.level - 1)]
                base = ".".join(anchor + ([base] if base else []))
            found.append((node.lineno, base))
            found.extend((node.lineno, f"{base}.{alias.name}") for alias in node.names)
    return found


def api_files() -> list[Path]:
    return sorted(f for package in API_PACKAGES for f in (PACKAGE_ROOT / package).rglob("*.py"))


def is_runtime(module: str) -> bool:
    return module == RUNTIME or module.startswith(RUNTIME + ".")


def test_the_api_packages_never_import_the_worker():
    files = api_files()
    assert len(files) >= 40, f"expected the API's modules under {PACKAGE_ROOT}, found {len(files)}"
    offenders = [f"{path.relative_to(PACKAGE_ROOT)}:{line}: {module}"
                 for path in files for line, module in imported_modules(path) if is_runtime(module)]
    assert offenders == [], "API modules import the worker:\n" + "\n".join(offenders)


@pytest.mark.parametrize("source, package_file", [
    ("from pystream import _runtime", "pystream/datastream/x.py"),
    ("import pystream._runtime.window", "pystream/datastream/x.py"),
    ("def f():\n    from pystream._runtime.window import WindowOperation", "pystream/datastream/x.py"),
    ("from .._runtime import worker", "pystream/datastream/x.py"),
    ("from ..._runtime.kafka import KafkaRecordFramer", "pystream/datastream/connectors/x.py"),
    ("from .. import _runtime", "pystream/common/__init__.py"),
])
def test_every_form_of_import_is_seen(tmp_path, source, package_file):
    path = tmp_path / package_file
    path.parent.mkdir(parents=True)
    path.write_text(source)
    assert any(is_runtime(module) for _, module in imported_modules(path, tmp_path))
    path.write_text("from pystream.datastream import functions\nfrom . import _runtime_notes")
    assert not any(is_runtime(module) for _, module in imported_modules(path, tmp_path))
