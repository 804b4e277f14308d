"""``TableConfig``, as in ``pyflink.table.table_config``: a table environment's configuration.

Keys and values are text, as in Flink's configuration; every statement sends them to the engine,
which reads the keys it knows (``parallelism.default``, ``table.local-time-zone``, ``table.exec.*``,
``table.display.max-column-width``). ``SET 'key' = 'value'`` in SQL changes the same configuration.
"""

from __future__ import annotations

import datetime
import os
from typing import Any

from pystream.common._durations import to_millis
from pystream.common.configuration import Configuration

__all__ = ["TableConfig"]

_LOCAL_TIME_ZONE = "table.local-time-zone"
_IDLE_STATE_RETENTION = "table.exec.state.ttl"
_PYTHON_EXECUTABLE = "python.executable"


class TableConfig:
    def __init__(self, configuration: Configuration | None = None) -> None:
        self._configuration = configuration if configuration is not None else Configuration()

    @staticmethod
    def get_default() -> "TableConfig":
        return TableConfig()

    def set(self, key: str, value: Any) -> "TableConfig":
        """Sets ``key`` to ``value`` (text; a bool is written ``true``/``false``, as Flink reads it)."""
        if not isinstance(key, str) or not key:
            raise ValueError(f"a configuration key must be a non-empty str, got {key!r}")
        self._configuration.set_string(key, ("true" if value else "false") if isinstance(value, bool) else str(value))
        return self

    def get(self, key: str, default_value: Any = None) -> Any:
        return self._configuration.get_string(key, default_value)

    def get_configuration(self) -> Configuration:
        """The configuration itself: a change to it is a change to this table environment's."""
        return self._configuration

    def add_configuration(self, configuration: Configuration) -> None:
        self._configuration.add_all(configuration)

    def get_local_timezone(self) -> str:
        """``table.local-time-zone``, or this machine's zone when it is unset (Flink's ``default``)."""
        configured = self._configuration.get_string(_LOCAL_TIME_ZONE, "default")
        return _system_time_zone() if configured == "default" else configured

    def set_local_timezone(self, timezone_id: str) -> None:
        if not isinstance(timezone_id, str) or not timezone_id:
            raise ValueError(f"a time zone id must be a non-empty str (such as 'UTC' or 'Europe/Berlin'), got {timezone_id!r}")
        self._configuration.set_string(_LOCAL_TIME_ZONE, timezone_id)

    def set_idle_state_retention(self, duration: Any) -> None:
        """How long state of an idle key is kept (milliseconds, a ``datetime.timedelta`` or a ``Duration``)."""
        self._configuration.set_string(_IDLE_STATE_RETENTION, f"{to_millis(duration, 'duration')} ms")

    def get_idle_state_retention(self) -> datetime.timedelta:
        """The retention ``set_idle_state_retention`` set (zero: kept forever)."""
        text = self._configuration.get_string(_IDLE_STATE_RETENTION, "0 ms")
        amount, _, unit = text.partition(" ")
        if unit != "ms" or not amount.isdigit():
            # Text such as '1 h' from set() is the engine's to read (settings are parsed in one place).
            raise NotImplementedError(f"get_idle_state_retention of '{text}' (set as text) is not supported by "
                                      "PyStream yet; the engine reads it when a statement runs")
        return datetime.timedelta(milliseconds=int(amount))

    def set_python_executable(self, python_exec: str) -> None:
        self._configuration.set_string(_PYTHON_EXECUTABLE, python_exec)

    def get_python_executable(self) -> str | None:
        return self._configuration.get_string(_PYTHON_EXECUTABLE, None)


def _system_time_zone() -> str:
    """This machine's time zone id (``TZ``, else where ``/etc/localtime`` points), ``UTC`` when neither says."""
    configured = os.environ.get("TZ", "").lstrip(":")
    if configured:
        return configured
    try:
        target = os.path.realpath("/etc/localtime")
    except OSError:
        return "UTC"
    marker = "/zoneinfo/"
    return target.split(marker, 1)[1] if marker in target else "UTC"
