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


class _LegacyCheckpointPaths(StateBackend):
    """Flink's pre-1.13 backends were also checkpoint storage: their paths name the directories."""

    _checkpoint_path: str | None = None
    _savepoint_path: str | None = None

    def _configuration(self) -> dict[str, str]:
        paths = {"state.checkpoints.dir": self._checkpoint_path,
                 "execution.checkpointing.savepoint-dir": self._savepoint_path}
        return {**super()._configuration(), **{key: str(path) for key, path in paths.items() if path is not None}}


class MemoryStateBackend(_LegacyCheckpointPaths, HashMapStateBackend):
    """Deprecated in Flink; the heap backend."""

    def __init__(self, checkpoint_path: str | None = None, savepoint_path: str | None = None,
                 max_state_size: int | None = None, using_asynchronous_snapshots: bool | None = None) -> None:
        self._checkpoint_path = checkpoint_path
        self._savepoint_path = savepoint_path


class FsStateBackend(_LegacyCheckpointPaths, HashMapStateBackend):
    """Deprecated in Flink; the heap backend, checkpointing to ``checkpoint_directory_uri``."""

    def __init__(self, checkpoint_directory_uri: str | None = None, default_savepoint_directory_uri: str | None = None,
                 file_state_size_threshold: int | None = None, write_buffer_size: int | None = None,
                 using_asynchronous_snapshots: bool | None = None) -> None:
        self._checkpoint_path = checkpoint_directory_uri
        self._savepoint_path = default_savepoint_directory_uri


class RocksDBStateBackend(_LegacyCheckpointPaths, EmbeddedRocksDBStateBackend):
    """Deprecated in Flink; the RocksDB backend, checkpointing to ``checkpoint_data_uri``."""

    def __init__(self, checkpoint_data_uri: str | None = None, enable_incremental_checkpointing: bool | None = None,
                 checkpoint_stream_backend: Any = None) -> None:
        super().__init__(enable_incremental_checkpointing)
        # Flink writes checkpoints through checkpoint_stream_backend when it is given instead of a URI.
        self._checkpoint_path = checkpoint_data_uri if checkpoint_data_uri is not None \
            else getattr(checkpoint_stream_backend, "_checkpoint_path", None)
