"""``CheckpointConfig``, as in ``pyflink.datastream.checkpoint_config``.

A view over the job's configuration: every setter writes Flink's key (durations as whole
milliseconds), every getter reads it back with Flink's default (a value given as text in a
``Configuration`` as the engine reads it). The engine reads the same keys.
"""

from __future__ import annotations

from enum import Enum
from typing import Any

from pystream.common.time import Duration
from pystream.datastream.checkpoint_storage import CheckpointStorage, FileSystemCheckpointStorage, \
    _storage_from_configuration
from pystream.datastream._job_configuration import JobConfiguration
from pystream.datastream.checkpointing_mode import CheckpointingMode
from pystream.datastream.externalized_checkpoint_retention import ExternalizedCheckpointRetention

__all__ = ["CheckpointConfig", "ExternalizedCheckpointCleanup"]

_INTERVAL = "execution.checkpointing.interval"
_MODE = "execution.checkpointing.mode"
_TIMEOUT = "execution.checkpointing.timeout"
_MIN_PAUSE = "execution.checkpointing.min-pause"
_MAX_CONCURRENT = "execution.checkpointing.max-concurrent-checkpoints"
_TOLERABLE_FAILURES = "execution.checkpointing.tolerable-failed-checkpoints"
_RETENTION = "execution.checkpointing.externalized-checkpoint-retention"
_UNALIGNED = "execution.checkpointing.unaligned"
_FORCE_UNALIGNED = "execution.checkpointing.unaligned.forced"
_ALIGNED_TIMEOUT = "execution.checkpointing.aligned-checkpoint-timeout"

# Not in PyFlink's CheckpointConfig either, but tutorials call them.
_MISNAMED = {"enable_checkpointing": "checkpointing is enabled on the environment: env.enable_checkpointing(interval_ms)"}

_MINIMAL_CHECKPOINT_TIME = 10  # ms, Flink's CheckpointCoordinatorConfiguration.MINIMAL_CHECKPOINT_TIME
_UNLIMITED_TOLERABLE_FAILURES = 2**31 - 1


class ExternalizedCheckpointCleanup(Enum):
    """Flink's older name for :class:`ExternalizedCheckpointRetention`; the same three choices."""

    DELETE_ON_CANCELLATION = 0
    RETAIN_ON_CANCELLATION = 1
    NO_EXTERNALIZED_CHECKPOINTS = 2


def _whole(value: object, parameter: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{parameter} must be an int, got {value!r}")
    return value


class CheckpointConfig:
    """Checkpointing settings of one job, kept in its configuration."""

    DEFAULT_MODE = CheckpointingMode.EXACTLY_ONCE
    DEFAULT_TIMEOUT = 10 * 60 * 1000
    DEFAULT_MIN_PAUSE_BETWEEN_CHECKPOINTS = 0
    DEFAULT_MAX_CONCURRENT_CHECKPOINTS = 1

    def __init__(self, configuration: JobConfiguration) -> None:
        self._configuration = configuration

    def __getattr__(self, name: str) -> Any:
        # Only names normal lookup misses get here: PyFlink's AttributeError, with a hint for a tutorial's slip.
        hint = _MISNAMED.get(name)
        raise AttributeError(f"'CheckpointConfig' object has no attribute '{name}'" + (f"; {hint}" if hint else ""),
                             name=name, obj=self)

    # ---- interval and mode -------------------------------------------------------------

    def is_checkpointing_enabled(self) -> bool:
        return self.get_checkpoint_interval() > 0

    def get_checkpoint_interval(self) -> int:
        """The interval in milliseconds, or -1 when checkpointing is disabled."""
        return int(self._configuration.read(_INTERVAL, "-1"))

    def set_checkpoint_interval(self, checkpoint_interval: int) -> "CheckpointConfig":
        if _whole(checkpoint_interval, "checkpoint_interval") < _MINIMAL_CHECKPOINT_TIME:
            raise ValueError(f"Checkpoint interval must be larger than or equal to {_MINIMAL_CHECKPOINT_TIME} ms")
        self._configuration[_INTERVAL] = str(checkpoint_interval)
        return self

    def get_checkpointing_mode(self) -> CheckpointingMode:
        return CheckpointingMode[self._configuration.read(_MODE, self.DEFAULT_MODE.name)]

    def set_checkpointing_mode(self, checkpointing_mode: CheckpointingMode) -> "CheckpointConfig":
        if not isinstance(checkpointing_mode, CheckpointingMode):
            raise TypeError(f"Unsupported checkpointing mode: {checkpointing_mode}, supported checkpointing modes "
                            f"are: CheckpointingMode.AT_LEAST_ONCE and CheckpointingMode.EXACTLY_ONCE.")
        self._configuration[_MODE] = checkpointing_mode.name
        return self

    # ---- pacing --------------------------------------------------------------------------

    def get_checkpoint_timeout(self) -> int:
        return int(self._configuration.read(_TIMEOUT, str(self.DEFAULT_TIMEOUT)))

    def set_checkpoint_timeout(self, checkpoint_timeout: int) -> "CheckpointConfig":
        if _whole(checkpoint_timeout, "checkpoint_timeout") < _MINIMAL_CHECKPOINT_TIME:
            raise ValueError(f"Checkpoint timeout must be larger than or equal to {_MINIMAL_CHECKPOINT_TIME} ms")
        self._configuration[_TIMEOUT] = str(checkpoint_timeout)
        return self

    def get_min_pause_between_checkpoints(self) -> int:
        return int(self._configuration.read(_MIN_PAUSE, str(self.DEFAULT_MIN_PAUSE_BETWEEN_CHECKPOINTS)))

    def set_min_pause_between_checkpoints(self, min_pause_between_checkpoints: int) -> "CheckpointConfig":
        if _whole(min_pause_between_checkpoints, "min_pause_between_checkpoints") < 0:
            raise ValueError("Pause value must be zero or positive")
        self._configuration[_MIN_PAUSE] = str(min_pause_between_checkpoints)
        return self

    def get_max_concurrent_checkpoints(self) -> int:
        return int(self._configuration.read(_MAX_CONCURRENT, str(self.DEFAULT_MAX_CONCURRENT_CHECKPOINTS)))

    def set_max_concurrent_checkpoints(self, max_concurrent_checkpoints: int) -> "CheckpointConfig":
        if _whole(max_concurrent_checkpoints, "max_concurrent_checkpoints") < 1:
            raise ValueError("The maximum number of concurrent attempts must be at least one.")
        self._configuration[_MAX_CONCURRENT] = str(max_concurrent_checkpoints)
        return self

    # ---- failures ------------------------------------------------------------------------

    def get_tolerable_checkpoint_failure_number(self) -> int:
        return int(self._configuration.read(_TOLERABLE_FAILURES, "0"))

    def set_tolerable_checkpoint_failure_number(self, tolerable_checkpoint_failure_number: int) -> "CheckpointConfig":
        if _whole(tolerable_checkpoint_failure_number, "tolerable_checkpoint_failure_number") < 0:
            raise ValueError("The tolerable failure checkpoint number must be non-negative.")
        self._configuration[_TOLERABLE_FAILURES] = str(tolerable_checkpoint_failure_number)
        return self

    def is_fail_on_checkpointing_errors(self) -> bool:
        return self.get_tolerable_checkpoint_failure_number() == 0

    def set_fail_on_checkpointing_errors(self, fail_on_checkpointing_errors: bool) -> "CheckpointConfig":
        # Deprecated in Flink, which maps it onto the tolerable failure number the same way.
        failures = 0 if fail_on_checkpointing_errors else _UNLIMITED_TOLERABLE_FAILURES
        return self.set_tolerable_checkpoint_failure_number(failures)

    # ---- retention -----------------------------------------------------------------------

    def set_externalized_checkpoint_retention(
            self, retention_mode: ExternalizedCheckpointRetention | ExternalizedCheckpointCleanup
    ) -> "CheckpointConfig":
        if not isinstance(retention_mode, (ExternalizedCheckpointRetention, ExternalizedCheckpointCleanup)):
            raise TypeError(f"Unsupported retention mode: {retention_mode}")
        self._configuration[_RETENTION] = retention_mode.name
        return self

    def get_externalized_checkpoint_retention(self) -> ExternalizedCheckpointRetention:
        return ExternalizedCheckpointRetention[
            self._configuration.read(_RETENTION, ExternalizedCheckpointRetention.NO_EXTERNALIZED_CHECKPOINTS.name)]

    def enable_externalized_checkpoints(self, cleanup_mode: ExternalizedCheckpointCleanup) -> "CheckpointConfig":
        return self.set_externalized_checkpoint_retention(cleanup_mode)

    def set_externalized_checkpoint_cleanup(self, cleanup_mode: ExternalizedCheckpointCleanup) -> "CheckpointConfig":
        return self.set_externalized_checkpoint_retention(cleanup_mode)

    def get_externalized_checkpoint_cleanup(self) -> ExternalizedCheckpointCleanup:
        return ExternalizedCheckpointCleanup[self.get_externalized_checkpoint_retention().name]

    def is_externalized_checkpoints_enabled(self) -> bool:
        return self.get_externalized_checkpoint_retention() is not \
            ExternalizedCheckpointRetention.NO_EXTERNALIZED_CHECKPOINTS

    # ---- alignment -----------------------------------------------------------------------

    def is_unaligned_checkpoints_enabled(self) -> bool:
        return self._configuration.read(_UNALIGNED, "false") == "true"

    def enable_unaligned_checkpoints(self, enabled: bool = True) -> "CheckpointConfig":
        if enabled:
            raise NotImplementedError("CheckpointConfig.enable_unaligned_checkpoints: unaligned checkpoints are not "
                                      "supported by PyStream; its checkpoints are always aligned")
        self._configuration[_UNALIGNED] = "false"
        return self

    def disable_unaligned_checkpoints(self) -> "CheckpointConfig":
        return self.enable_unaligned_checkpoints(False)

    def set_force_unaligned_checkpoints(self, force_unaligned_checkpoints: bool = True) -> "CheckpointConfig":
        if force_unaligned_checkpoints:
            raise NotImplementedError("CheckpointConfig.set_force_unaligned_checkpoints: unaligned checkpoints are "
                                      "not supported by PyStream; its checkpoints are always aligned")
        self._configuration[_FORCE_UNALIGNED] = "false"
        return self

    def is_force_unaligned_checkpoints(self) -> bool:
        return self._configuration.read(_FORCE_UNALIGNED, "false") == "true"

    def set_aligned_checkpoint_timeout(self, alignment_timeout: Duration) -> "CheckpointConfig":
        # Only switches an aligned checkpoint to unaligned, which never happens here: kept for get_*.
        if not isinstance(alignment_timeout, Duration):
            raise TypeError(f"alignment_timeout must be a Duration, got {alignment_timeout!r}")
        self._configuration[_ALIGNED_TIMEOUT] = str(alignment_timeout.to_milliseconds())
        return self

    def get_aligned_checkpoint_timeout(self) -> Duration:
        return Duration.of_millis(int(self._configuration.read(_ALIGNED_TIMEOUT, "0")))

    def set_alignment_timeout(self, alignment_timeout: Duration) -> "CheckpointConfig":
        return self.set_aligned_checkpoint_timeout(alignment_timeout)

    def get_alignment_timeout(self) -> Duration:
        return self.get_aligned_checkpoint_timeout()

    # ---- storage -------------------------------------------------------------------------

    def set_checkpoint_storage(self, storage: CheckpointStorage) -> "CheckpointConfig":
        if not isinstance(storage, CheckpointStorage):
            raise TypeError(f"set_checkpoint_storage needs a CheckpointStorage, got {storage!r}")
        for key, value in storage._configuration().items():
            if value is None:
                self._configuration.pop(key, None)
            else:
                self._configuration[key] = value
        return self

    def set_checkpoint_storage_dir(self, checkpoint_path: str) -> "CheckpointConfig":
        if checkpoint_path is None:
            raise ValueError("Checkpoint directory must not be null")
        return self.set_checkpoint_storage(FileSystemCheckpointStorage(checkpoint_path))

    def get_checkpoint_storage(self) -> CheckpointStorage | None:
        return _storage_from_configuration(self._configuration.settings())
