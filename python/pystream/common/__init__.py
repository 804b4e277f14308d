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
from pystream.common.restart_strategy import RestartStrategies, RestartStrategyConfiguration  # noqa: E402
from pystream.common.watermark_strategy import TimestampAssigner, WatermarkStrategy  # noqa: E402

__all__ += ["JobID", "JobStatus", "RestartStrategies", "RestartStrategyConfiguration", "TimestampAssigner",
            "WatermarkStrategy"]


def __getattr__(name: str) -> object:
    # pyflink.common also exports these; they live with the DataStream API (imported on use to avoid a cycle).
    if name == "ExecutionConfig":
        from pystream.datastream.execution_config import ExecutionConfig
        return ExecutionConfig
    if name in ("JobExecutionResult", "JobClient", "CompletableFuture"):
        from pystream.datastream import job_client
        return getattr(job_client, name)
    raise AttributeError(f"module 'pyflink.common' has no attribute '{name}'")
