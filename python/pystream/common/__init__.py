"""PyFlink's ``pyflink.common``: types, rows, time, configuration and schemas."""
from pystream.common.configuration import Configuration
from pystream.common.serialization import Encoder, SimpleStringSchema
from pystream.common.time import Duration, Instant, Time
from pystream.common.typeinfo import TypeInformation, Types
from pystream.common.types import Row, RowKind

__all__ = [
    "Configuration",
    "Duration",
    "Encoder",
    "Instant",
    "Row",
    "RowKind",
    "SimpleStringSchema",
    "Time",
    "TypeInformation",
    "Types",
]

from pystream.common.job import JobID, JobStatus  # noqa: E402
from pystream.common.watermark_strategy import TimestampAssigner, WatermarkStrategy  # noqa: E402

__all__ += ["JobID", "JobStatus", "TimestampAssigner", "WatermarkStrategy"]
