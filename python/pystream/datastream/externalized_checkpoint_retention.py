"""``ExternalizedCheckpointRetention``, as in ``pyflink.datastream.externalized_checkpoint_retention``."""

from enum import Enum

__all__ = ["ExternalizedCheckpointRetention"]


class ExternalizedCheckpointRetention(Enum):
    """Whether a job's checkpoints outlive it when it is cancelled (they always do when it fails).

    Written as ``execution.checkpointing.externalized-checkpoint-retention`` under its name.
    """

    DELETE_ON_CANCELLATION = 0
    RETAIN_ON_CANCELLATION = 1
    NO_EXTERNALIZED_CHECKPOINTS = 2
