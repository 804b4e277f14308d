"""Checkpoint storage, as in ``pyflink.datastream.checkpoint_storage``: where checkpoints are written.

The engine writes every checkpoint to a directory: ``FileSystemCheckpointStorage`` names it
(``state.checkpoints.dir``); ``JobManagerCheckpointStorage`` leaves it to the engine's default.
"""

from __future__ import annotations

import re
from typing import Any, Mapping

__all__ = ["CheckpointStorage", "JobManagerCheckpointStorage", "FileSystemCheckpointStorage",
           "CustomCheckpointStorage"]

_STORAGE = "execution.checkpointing.storage"
_DIRECTORY = "state.checkpoints.dir"
_REMOTE_URI = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)


def _local_directory(path: str, call: str) -> str:
    """``path`` as given, if it is local: the engine writes checkpoints and savepoints to local disk only."""
    text = str(path)
    if _REMOTE_URI.match(text) and not text.startswith("file://"):
        raise NotImplementedError(f"{call}('{text}'): only local file system paths (file:///x, file:/x or a plain "
                                  f"path) are supported by PyStream for checkpoints and savepoints")
    return text


class CheckpointStorage:
    """Where a job's checkpoints go; ``_configuration()`` gives the keys that say it to the engine."""

    _NAME = ""

    def _configuration(self) -> dict[str, str | None]:
        """Keys to set; a ``None`` value removes the key."""
        raise NotImplementedError


class JobManagerCheckpointStorage(CheckpointStorage):
    """Flink keeps these checkpoints in the JobManager's memory; the engine, in its default directory."""

    _NAME = "jobmanager"
    DEFAULT_MAX_STATE_SIZE = 5 * 1024 * 1024

    def __init__(self, checkpoint_path: str | None = None, max_state_size: int | None = None) -> None:
        if max_state_size is not None and max_state_size <= 0:
            raise ValueError("maxStateSize must be > 0")
        self._checkpoint_path = None if checkpoint_path is None \
            else _local_directory(checkpoint_path, "JobManagerCheckpointStorage")
        self._max_state_size = self.DEFAULT_MAX_STATE_SIZE if max_state_size is None else max_state_size

    def get_checkpoint_path(self) -> str | None:
        return self._checkpoint_path

    def get_max_state_size(self) -> int:
        return self._max_state_size

    def get_savepoint_path(self) -> str | None:
        return None

    def _configuration(self) -> dict[str, str | None]:
        return {_STORAGE: self._NAME, _DIRECTORY: self._checkpoint_path}

    def __str__(self) -> str:
        return f"JobManagerCheckpointStorage (checkpoints to JobManager) ( maxStateSize: {self._max_state_size})"


class FileSystemCheckpointStorage(CheckpointStorage):
    """Checkpoints as files under ``checkpoint_path`` (``file:///x``, ``file:/x`` or a plain path)."""

    _NAME = "filesystem"
    MAX_FILE_STATE_THRESHOLD = 1024 * 1024

    def __init__(self, checkpoint_path: str | None = None, file_state_size_threshold: int | None = None,
                 write_buffer_size: int = -1) -> None:
        if checkpoint_path is None:
            raise ValueError("checkpoint_path must not be None")
        if file_state_size_threshold is not None and file_state_size_threshold > self.MAX_FILE_STATE_THRESHOLD:
            raise ValueError(f"The threshold for file state size must be in [-1, {self.MAX_FILE_STATE_THRESHOLD}], "
                             f"where '-1' means to use the value from the deployment's configuration.")
        self._checkpoint_path = _local_directory(checkpoint_path, "FileSystemCheckpointStorage")
        self._file_state_size_threshold = -1 if file_state_size_threshold is None else file_state_size_threshold
        self._write_buffer_size = write_buffer_size

    def get_checkpoint_path(self) -> str:
        return self._checkpoint_path

    def get_savepoint_path(self) -> str | None:
        return None

    def get_min_file_size_threshold(self) -> int:
        # Flink's default (20 KiB) when the constructor left it to the configuration.
        return 20 * 1024 if self._file_state_size_threshold < 0 else self._file_state_size_threshold

    def get_write_buffer_size(self) -> int:
        return 4 * 1024 if self._write_buffer_size < 0 else self._write_buffer_size

    def _configuration(self) -> dict[str, str | None]:
        return {_STORAGE: self._NAME, _DIRECTORY: self._checkpoint_path}

    def __str__(self) -> str:
        return f"FileSystemCheckpointStorage {{checkpointsDirectory={self._checkpoint_path}}}"


class CustomCheckpointStorage(CheckpointStorage):
    """PyFlink's wrapper of a Java checkpoint storage: PyStream has no JVM to load one from."""

    def __init__(self, j_custom_checkpoint_storage: Any) -> None:
        raise NotImplementedError("CustomCheckpointStorage is not supported by PyStream: it wraps a Java "
                                  "checkpoint storage; use FileSystemCheckpointStorage or JobManagerCheckpointStorage")


def _storage_from_configuration(configuration: Mapping[str, str]) -> CheckpointStorage | None:
    """The storage a configuration names, or ``None`` when it names none (Flink's ``getCheckpointStorage``)."""
    directory = configuration.get(_DIRECTORY)
    if configuration.get(_STORAGE, "").lower() == JobManagerCheckpointStorage._NAME:
        return JobManagerCheckpointStorage(directory)
    return None if directory is None else FileSystemCheckpointStorage(directory)
