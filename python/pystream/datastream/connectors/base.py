"""What connectors share, as in ``pyflink.datastream.connectors.base``."""

from __future__ import annotations

from enum import Enum

__all__ = ["DeliveryGuarantee"]


class DeliveryGuarantee(Enum):
    """What a sink promises about records around failures.

    EXACTLY_ONCE: records are written once, in transactions committed with checkpoints.
    AT_LEAST_ONCE: every record is written; after a failure some may be written twice.
    NONE: best effort; records may be lost or duplicated.
    """

    EXACTLY_ONCE = 0
    AT_LEAST_ONCE = 1
    NONE = 2
