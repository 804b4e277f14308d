"""``RestartStrategies``, as in ``pyflink.common.restart_strategy``: not built yet (no checkpoints)."""

from __future__ import annotations

from typing import Any

__all__ = ["RestartStrategies", "RestartStrategyConfiguration"]


class RestartStrategyConfiguration:
    pass


class RestartStrategies:
    @staticmethod
    def _not_yet(*args: Any, **kwargs: Any) -> RestartStrategyConfiguration:
        raise NotImplementedError("RestartStrategies are not supported by PyStream yet")

    no_restart = fall_back_restart = fixed_delay_restart = failure_rate_restart = exponential_delay_restart = _not_yet
