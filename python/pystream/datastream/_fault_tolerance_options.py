"""Flink's checkpointing, state and restart options in the one spelling the engine reads.

A ``Configuration`` given to ``configure`` may use Flink 1.20's newer key names or older ones,
durations such as ``"10 s"``, enum values in any case. The engine reads the keys that
``CheckpointConfig`` and ``RestartStrategies`` write, with durations in whole milliseconds;
``canonical_options`` rewrites a configuration into those, and refuses values Flink refuses.
"""

from __future__ import annotations

from enum import Enum

from pystream.common._durations import parse_millis
from pystream.common.restart_strategy import RestartStrategies
from pystream.datastream.checkpoint_config import CheckpointConfig, _ALIGNED_TIMEOUT, _FORCE_UNALIGNED, _INTERVAL, \
    _MAX_CONCURRENT, _MIN_PAUSE, _MODE, _RETENTION, _TIMEOUT, _TOLERABLE_FAILURES, _UNALIGNED
from pystream.datastream.checkpointing_mode import CheckpointingMode
from pystream.datastream.externalized_checkpoint_retention import ExternalizedCheckpointRetention

__all__ = ["canonical_options"]

_STATE_BACKEND = "state.backend.type"
_INCREMENTAL = "state.backend.incremental"

# Flink 1.20's names for options the engine reads under an older name; as in Flink, the newer name wins.
_NEWER_NAMES = {
    "execution.checkpointing.dir": "state.checkpoints.dir",
    "execution.checkpointing.num-retained": "state.checkpoints.num-retained",
    "execution.checkpointing.incremental": _INCREMENTAL,
    "execution.checkpointing.unaligned.enabled": _UNALIGNED,
}
# Older names of options the engine reads under the newer name; they only fill it in.
_OLDER_NAMES = {
    "state.savepoints.dir": "execution.checkpointing.savepoint-dir",
    "state.checkpoint-storage": "execution.checkpointing.storage",
    "execution.checkpointing.alignment-timeout": _ALIGNED_TIMEOUT,
    "restart-strategy": "restart-strategy.type",
    "state.backend": _STATE_BACKEND,
}
_DURATION_KEYS = (_INTERVAL, _TIMEOUT, _MIN_PAUSE, _ALIGNED_TIMEOUT)
_BOOLEAN_KEYS = (_UNALIGNED, _FORCE_UNALIGNED, _INCREMENTAL)
# Flink's shortcut names of its heap backend (the legacy ones) and of RocksDB.
_STATE_BACKEND_NAMES = {"hashmap": "hashmap", "jobmanager": "hashmap", "filesystem": "hashmap", "rocksdb": "rocksdb"}


def canonical_options(settings: dict[str, str]) -> dict[str, str]:
    options = dict(settings)
    for newer, engine_key in _NEWER_NAMES.items():
        if newer in options:
            options[engine_key] = options[newer]
    for older, engine_key in _OLDER_NAMES.items():
        if older in options:
            options.setdefault(engine_key, options[older])
    for key in _DURATION_KEYS:
        if key in options:
            options[key] = str(parse_millis(key, options[key]))
    for key in _BOOLEAN_KEYS:
        if key in options:
            options[key] = _boolean(key, options[key])
    for key, enum in ((_MODE, CheckpointingMode), (_RETENTION, ExternalizedCheckpointRetention)):
        if key in options:
            options[key] = _enum_name(key, options[key], enum)
    if options.get(_UNALIGNED) == "true" or options.get(_FORCE_UNALIGNED) == "true":
        raise NotImplementedError(f"configure({_UNALIGNED}=true): unaligned checkpoints are not supported by "
                                  f"PyStream; its checkpoints are always aligned")
    if _STATE_BACKEND in options:
        options[_STATE_BACKEND] = _state_backend_name(options[_STATE_BACKEND])
    _check_checkpoint_values(options)
    # Spells the restart strategy's type one way and fills in Flink's defaults, so the engine uses the same ones.
    options.update(RestartStrategies._from_configuration(options)._configuration())
    return options


def _check_checkpoint_values(options: dict[str, str]) -> None:
    """Refuses, with Flink's messages, the values ``CheckpointConfig``'s setters refuse."""
    checked = CheckpointConfig({})
    setters = ((_INTERVAL, checked.set_checkpoint_interval), (_TIMEOUT, checked.set_checkpoint_timeout),
               (_MIN_PAUSE, checked.set_min_pause_between_checkpoints),
               (_MAX_CONCURRENT, checked.set_max_concurrent_checkpoints),
               (_TOLERABLE_FAILURES, checked.set_tolerable_checkpoint_failure_number))
    for key, setter in setters:
        if key in options:
            setter(_integer(key, options[key]))


def _integer(key: str, text: str) -> int:
    try:
        return int(text.strip())
    except ValueError:
        raise ValueError(f"Could not parse value '{text}' for key '{key}': expected an integer") from None


def _boolean(key: str, text: str) -> str:
    lowered = text.strip().lower()
    if lowered not in ("true", "false"):
        raise ValueError(f"Could not parse value '{text}' for key '{key}': expected true or false")
    return lowered


def _enum_name(key: str, text: str, enum: type[Enum]) -> str:
    name = text.strip().upper()
    if name not in enum.__members__:
        raise ValueError(f"Could not parse value '{text}' for key '{key}': expected one of "
                         f"{', '.join(enum.__members__)}")
    return name


def _state_backend_name(text: str) -> str:
    name = _STATE_BACKEND_NAMES.get(text.strip().lower())
    if name is None:
        raise NotImplementedError(f"state backend '{text}' is not supported by PyStream; use hashmap or rocksdb")
    return name
