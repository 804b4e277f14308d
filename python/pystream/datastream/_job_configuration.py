"""A job's configuration, kept as the user gave it; the engine alone reads its text.

Typed setters (``enable_checkpointing(5000)``, ``set_restart_strategy(...)``) write Flink's keys
with whole milliseconds; ``configure(Configuration)`` keeps the user's strings (``"10 s"``,
``"at_least_once"``, older key names). The engine parses and checks every value when the job
starts. A getter asked about a configuration given as text asks the engine how it reads it,
as PyFlink's getters ask the JVM, so the API never parses a setting itself.
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping

from pystream import _bridge

__all__ = ["JobConfiguration"]


class JobConfiguration(dict):
    """Flink's keys and values as strings; knows which ones the user gave as text."""

    def __init__(self) -> None:
        super().__init__()
        self._given: set[str] = set()
        self._read: Mapping[str, str] | None = None

    def give(self, settings: Mapping[str, str]) -> None:
        """Keeps a user's configuration as given, to be read by the engine."""
        super().update(settings)
        self._given.update(settings)
        self._read = None

    def settings(self) -> Mapping[str, str]:
        """The configuration as the engine reads it (the typed setters' values need no reading)."""
        if not self._given:
            return self
        if self._read is None:
            self._read = _bridge.read_settings(dict(self))
        return self._read

    def read(self, key: str, default: str) -> str:
        return self.settings().get(key, default)

    def __setitem__(self, key: str, value: str) -> None:
        super().__setitem__(key, value)
        self._given.discard(key)
        self._read = None

    def __delitem__(self, key: str) -> None:
        super().__delitem__(key)
        self._given.discard(key)
        self._read = None

    def pop(self, key: str, *default: Any) -> Any:
        self._given.discard(key)
        self._read = None
        return super().pop(key, *default)

    def update(self, other: Mapping[str, str] | Iterable[tuple[str, str]] = (), **more: str) -> None:
        for key, value in dict(other, **more).items():
            self[key] = value
