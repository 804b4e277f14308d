"""A string-keyed configuration with PyFlink's ``Configuration`` methods.

Values are kept as strings, the way a Flink configuration file holds them, so a value
set with ``set_string('k', '4')`` reads back with ``get_integer('k', 0) == 4``; typed
getters parse on read and raise ``ValueError`` for text they cannot parse.
"""
from __future__ import annotations

from typing import Dict, Optional, Set

from pystream._pyflink_api import install_unsupported

__all__ = ["Configuration"]


class Configuration:
    """Key/value settings; setters return the configuration so calls can chain."""

    def __init__(self, other: Optional["Configuration"] = None) -> None:
        self._data: Dict[str, str] = {}
        if other is not None:
            self._data.update(other._data)

    def get_string(self, key: str, default_value: Optional[str] = None) -> Optional[str]:
        return self._data.get(key, default_value)

    def set_string(self, key: str, value: str) -> "Configuration":
        self._data[key] = str(value)
        return self

    def get_integer(self, key: str, default_value: int = 0) -> int:
        text = self._data.get(key)
        if text is None:
            return default_value
        try:
            return int(text.strip())
        except ValueError:
            raise ValueError("Configuration value for %r is not an integer: %r"
                             % (key, text)) from None

    def set_integer(self, key: str, value: int) -> "Configuration":
        self._data[key] = str(int(value))
        return self

    def get_boolean(self, key: str, default_value: bool = False) -> bool:
        text = self._data.get(key)
        if text is None:
            return default_value
        # Flink accepts only true/false, in any case.
        lowered = text.strip().lower()
        if lowered == "true":
            return True
        if lowered == "false":
            return False
        raise ValueError("Configuration value for %r is not a boolean: %r" % (key, text))

    def set_boolean(self, key: str, value: bool) -> "Configuration":
        self._data[key] = "true" if value else "false"
        return self

    def get_float(self, key: str, default_value: float = 0.0) -> float:
        text = self._data.get(key)
        if text is None:
            return default_value
        try:
            return float(text.strip())
        except ValueError:
            raise ValueError("Configuration value for %r is not a number: %r"
                             % (key, text)) from None

    def set_float(self, key: str, value: float) -> "Configuration":
        self._data[key] = repr(float(value))
        return self

    def key_set(self) -> Set[str]:
        return set(self._data)

    def add_all_to_dict(self, target_dict: Dict[str, str]) -> None:
        target_dict.update(self._data)

    def add_all(self, other: "Configuration", prefix: Optional[str] = None) -> None:
        if prefix is None:
            self._data.update(other._data)
        else:
            self._data.update((prefix + key, value) for key, value in other._data.items())

    def contains_key(self, key: str) -> bool:
        return key in self._data

    def to_dict(self) -> Dict[str, str]:
        return dict(self._data)

    def remove_config(self, key: str) -> bool:
        return self._data.pop(key, None) is not None

    def remove_key(self, key: str) -> bool:
        return self.remove_config(key)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Configuration) and other._data == self._data

    def __ne__(self, other: object) -> bool:
        return not self == other

    def __hash__(self) -> int:
        # PyFlink's Configuration is hashable (by content) even though it is mutable.
        return hash(frozenset(self._data.items()))

    def __repr__(self) -> str:
        return "{%s}" % ", ".join("%s=%s" % item for item in self._data.items())


install_unsupported(Configuration)
