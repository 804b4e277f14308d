"""``CheckpointingMode``, as in ``pyflink.datastream.checkpointing_mode``."""

from enum import Enum

__all__ = ["CheckpointingMode"]


class CheckpointingMode(Enum):
    """What a recovery promises: each record reflected in state exactly once, or at least once.

    Written to the job's configuration as ``execution.checkpointing.mode`` under its name.
    """

    EXACTLY_ONCE = 0
    AT_LEAST_ONCE = 1
