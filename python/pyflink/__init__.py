"""``pyflink``: an alias of ``pystream``, so PyFlink scripts run unchanged.

``import pyflink.X`` gives the module ``pystream.X`` itself (not a copy), so classes
are the same objects whichever name a script imports them by.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.util
import sys
from types import ModuleType
from typing import Any, Sequence

__all__: list[str] = []

# PyFlink modules whose contents live in a PyStream module of another name.
_RENAMED = {
    "pyflink.datastream.timerservice": "pystream.datastream.functions",
    "pyflink.common.job_execution_result": "pystream.datastream.job_client",
    "pyflink.common.job_id": "pystream.common.job",
    "pyflink.common.job_status": "pystream.common.job",
    "pyflink.common.job_client": "pystream.datastream.job_client",
}

# Modules PyFlink lacks too but tutorials import: the same error as PyFlink's, naming the right module.
_MISNAMED = {"pyflink.common.state": "pyflink.datastream.state"}


def _target(fullname: str) -> str:
    return _RENAMED.get(fullname, "pystream" + fullname[len("pyflink"):])


class _AliasFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def find_spec(self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None) -> Any:
        if not fullname.startswith("pyflink."):
            return None
        if fullname in _MISNAMED:
            raise ModuleNotFoundError(f"No module named '{fullname}'; did you mean '{_MISNAMED[fullname]}'?",
                                      name=fullname)
        if importlib.util.find_spec(_target(fullname)) is None:
            return None
        return importlib.util.spec_from_loader(fullname, self)

    def create_module(self, spec: Any) -> ModuleType:
        return importlib.import_module(_target(spec.name))

    def exec_module(self, module: ModuleType) -> None:
        pass


if not any(isinstance(finder, _AliasFinder) for finder in sys.meta_path):
    sys.meta_path.insert(0, _AliasFinder())
