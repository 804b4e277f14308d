"""``ExecutionConfig``: the job-wide settings of ``env.get_config()``."""

from __future__ import annotations

from pystream._pyflink_api import install_unsupported
from pystream.common.configuration import Configuration

__all__ = ["ExecutionConfig"]


class ExecutionConfig:
    def __init__(self) -> None:
        self._job_parameters: dict[str, str] = {}
        self._auto_watermark_interval = 200

    def set_global_job_parameters(self, global_job_parameters_dict: dict | Configuration) -> "ExecutionConfig":
        values = global_job_parameters_dict.to_dict() if isinstance(global_job_parameters_dict, Configuration) \
            else dict(global_job_parameters_dict)
        self._job_parameters = {str(k): str(v) for k, v in values.items()}
        return self

    def get_global_job_parameters(self) -> dict[str, str]:
        return dict(self._job_parameters)

    def set_auto_watermark_interval(self, interval: int) -> "ExecutionConfig":
        if interval < 0:
            raise ValueError("the auto watermark interval cannot be negative")
        self._auto_watermark_interval = interval
        return self

    def get_auto_watermark_interval(self) -> int:
        return self._auto_watermark_interval


install_unsupported(ExecutionConfig)
