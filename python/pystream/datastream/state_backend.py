"""State backends, as in ``pyflink.datastream.state_backend``: where keyed state lives.

``HashMapStateBackend`` keeps it in memory; ``EmbeddedRocksDBStateBackend`` on local disk,
for state larger than memory. Both are the engine's (C#); this only names the choice.
"""

from __future__ import annotations

from typing import Any

__all__ = ["StateBackend", "HashMapStateBackend", "EmbeddedRocksDBStateBackend",
           "MemoryStateBackend", "FsStateBackend", "RocksDBStateBackend"]


class StateBackend:
    _NAME = "hashmap"

    def _configuration(self) -> dict[str, str]:
        return {"state.backend.type": self._NAME}


class HashMapStateBackend(StateBackend):
    _NAME = "hashmap"


class EmbeddedRocksDBStateBackend(StateBackend):
    _NAME = "rocksdb"

    def __init__(self, enable_incremental_checkpointing: bool | None = None) -> None:
        self._incremental = enable_incremental_checkpointing
        self._local_dirs: list[str] = []

    def set_db_storage_paths(self, *paths: str) -> None:
        self._local_dirs = list(paths)

    def get_db_storage_paths(self) -> list[str]:
        return list(self._local_dirs)

    def is_incremental_checkpoints_enabled(self) -> bool:
        return bool(self._incremental)

    def _configuration(self) -> dict[str, str]:
        configuration = super()._configuration()
        if self._local_dirs:
            configuration["state.backend.rocksdb.localdir"] = self._local_dirs[0]
        if self._incremental is not None:
            configuration["state.backend.incremental"] = str(self._incremental).lower()
        return configuration


class MemoryStateBackend(HashMapStateBackend):
    """Deprecated in Flink; the heap backend."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        pass


class FsStateBackend(HashMapStateBackend):
    """Deprecated in Flink; the heap backend."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        pass


class RocksDBStateBackend(EmbeddedRocksDBStateBackend):
    """Deprecated in Flink; the RocksDB backend."""

    def __init__(self, checkpoint_data_uri: Any = None, enable_incremental_checkpointing: bool | None = None,
                 *args: Any) -> None:
        super().__init__(enable_incremental_checkpointing)
