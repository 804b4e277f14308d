"""``RestartStrategies``, as in ``pyflink.common.restart_strategy``.

A configuration only names what the engine does when a job fails; it is written into the
job's configuration as Flink's ``restart-strategy.*`` keys, durations in milliseconds.
"""
from __future__ import annotations

from datetime import timedelta
from typing import Mapping

from pystream.common._durations import to_millis

__all__ = ["RestartStrategies", "RestartStrategyConfiguration"]

_PREFIX = "restart-strategy."
_TYPE = "restart-strategy.type"
_FIXED_ATTEMPTS = "restart-strategy.fixed-delay.attempts"
_FIXED_DELAY = "restart-strategy.fixed-delay.delay"
_RATE_MAX_FAILURES = "restart-strategy.failure-rate.max-failures-per-interval"
_RATE_INTERVAL = "restart-strategy.failure-rate.failure-rate-interval"
_RATE_DELAY = "restart-strategy.failure-rate.delay"
_EXP_INITIAL = "restart-strategy.exponential-delay.initial-backoff"
_EXP_MAX = "restart-strategy.exponential-delay.max-backoff"
_EXP_MULTIPLIER = "restart-strategy.exponential-delay.backoff-multiplier"
_EXP_RESET = "restart-strategy.exponential-delay.reset-backoff-threshold"
_EXP_JITTER = "restart-strategy.exponential-delay.jitter-factor"

def _require(condition: bool, message: str) -> None:
    if not condition:
        raise ValueError(message)


class RestartStrategyConfiguration:
    """What to do when a job fails; its ``restart-strategy.*`` keys say it to the engine."""

    def _configuration(self) -> dict[str, str]:
        raise NotImplementedError

    def get_description(self) -> str:
        raise NotImplementedError

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RestartStrategyConfiguration) and type(other) is type(self) \
            and other._configuration() == self._configuration()

    def __hash__(self) -> int:
        return hash((type(self).__name__, frozenset(self._configuration().items())))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.get_description()})"


class RestartStrategies:
    """Factories of restart strategy configurations, for ``env.set_restart_strategy``."""

    class NoRestartStrategyConfiguration(RestartStrategyConfiguration):
        def _configuration(self) -> dict[str, str]:
            return {_TYPE: "none"}

        def get_description(self) -> str:
            return "Restart deactivated."

    class FixedDelayRestartStrategyConfiguration(RestartStrategyConfiguration):
        def __init__(self, restart_attempts: int, delay_between_attempts_interval: int | timedelta) -> None:
            delay = to_millis(delay_between_attempts_interval, "delay_between_attempts_interval")
            _require(int(restart_attempts) >= 0, "Maximum number of restart attempts must be at least 0.")
            _require(delay >= 0, "Backoff time between restart attempts must be at least 0 ms.")
            self._attempts = int(restart_attempts)
            self._delay = delay

        def get_restart_attempts(self) -> int:
            return self._attempts

        def get_delay_between_attempts_interval(self) -> timedelta:
            return timedelta(milliseconds=self._delay)

        def _configuration(self) -> dict[str, str]:
            return {_TYPE: "fixed-delay", _FIXED_ATTEMPTS: str(self._attempts), _FIXED_DELAY: str(self._delay)}

        def get_description(self) -> str:
            return f"Restart with fixed delay ({self._delay} ms). #{self._attempts} restart attempts."

    class FailureRateRestartStrategyConfiguration(RestartStrategyConfiguration):
        def __init__(self, max_failure_rate: int, failure_interval: int | timedelta,
                     delay_between_attempts_interval: int | timedelta) -> None:
            interval = to_millis(failure_interval, "failure_interval")
            delay = to_millis(delay_between_attempts_interval, "delay_between_attempts_interval")
            _require(int(max_failure_rate) > 0,
                     "Maximum number of restart attempts per time unit must be greater than 0.")
            _require(interval > 0, "Failures interval must be greater than 0 ms.")
            _require(delay >= 0, "Backoff time must be at least 0 ms.")
            self._max_failures = int(max_failure_rate)
            self._interval = interval
            self._delay = delay

        def get_max_failure_rate(self) -> int:
            return self._max_failures

        def get_failure_interval(self) -> timedelta:
            return timedelta(milliseconds=self._interval)

        def get_delay_between_attempts_interval(self) -> timedelta:
            return timedelta(milliseconds=self._delay)

        def _configuration(self) -> dict[str, str]:
            return {_TYPE: "failure-rate", _RATE_MAX_FAILURES: str(self._max_failures),
                    _RATE_INTERVAL: str(self._interval), _RATE_DELAY: str(self._delay)}

        def get_description(self) -> str:
            return (f"Failure rate restart with maximum of {self._max_failures} failures within interval "
                    f"{self._interval} ms and fixed delay {self._delay} ms.")

    class ExponentialDelayRestartStrategyConfiguration(RestartStrategyConfiguration):
        def __init__(self, initial_backoff: int | timedelta, max_backoff: int | timedelta,
                     backoff_multiplier: float, reset_backoff_threshold: int | timedelta,
                     jitter_factor: float) -> None:
            initial = to_millis(initial_backoff, "initial_backoff")
            maximum = to_millis(max_backoff, "max_backoff")
            reset = to_millis(reset_backoff_threshold, "reset_backoff_threshold")
            _require(initial >= 1, "Initial backoff must be at least 1.")
            _require(maximum >= 1, "Maximum backoff must be at least 1.")
            _require(initial <= maximum, "Initial backoff cannot be higher than maximum backoff.")
            _require(float(backoff_multiplier) > 1, "Backoff multiplier must be greater than 1.")
            _require(reset >= 1, "Threshold duration for exponential backoff reset must be at least 1.")
            _require(0 <= float(jitter_factor) <= 1, "Jitter factor must be >= 0 and <= 1.")
            self._initial, self._max, self._reset = initial, maximum, reset
            self._multiplier = float(backoff_multiplier)
            self._jitter = float(jitter_factor)

        def get_initial_backoff(self) -> timedelta:
            return timedelta(milliseconds=self._initial)

        def get_max_backoff(self) -> timedelta:
            return timedelta(milliseconds=self._max)

        def get_backoff_multiplier(self) -> float:
            return self._multiplier

        def get_reset_backoff_threshold(self) -> timedelta:
            return timedelta(milliseconds=self._reset)

        def get_jitter_factor(self) -> float:
            return self._jitter

        def _configuration(self) -> dict[str, str]:
            return {_TYPE: "exponential-delay", _EXP_INITIAL: str(self._initial), _EXP_MAX: str(self._max),
                    _EXP_MULTIPLIER: repr(self._multiplier), _EXP_RESET: str(self._reset),
                    _EXP_JITTER: repr(self._jitter)}

        def get_description(self) -> str:
            return (f"Restart with exponential delay: starting at {self._initial} ms, increasing by "
                    f"{self._multiplier}, with maximum {self._max} ms. Delay resets after {self._reset} ms "
                    f"with jitter {self._jitter}")

    class FallbackRestartStrategyConfiguration(RestartStrategyConfiguration):
        """The cluster's restart strategy: the job's configuration names none."""

        def _configuration(self) -> dict[str, str]:
            return {}

        def get_description(self) -> str:
            return "Cluster level default restart strategy"

    @staticmethod
    def no_restart() -> "RestartStrategies.NoRestartStrategyConfiguration":
        return RestartStrategies.NoRestartStrategyConfiguration()

    @staticmethod
    def fall_back_restart() -> "RestartStrategies.FallbackRestartStrategyConfiguration":
        return RestartStrategies.FallbackRestartStrategyConfiguration()

    @staticmethod
    def fixed_delay_restart(restart_attempts: int, delay_between_attempts: int | timedelta) \
            -> "RestartStrategies.FixedDelayRestartStrategyConfiguration":
        return RestartStrategies.FixedDelayRestartStrategyConfiguration(restart_attempts, delay_between_attempts)

    @staticmethod
    def failure_rate_restart(failure_rate: int, failure_interval: int | timedelta, delay_interval: int | timedelta) \
            -> "RestartStrategies.FailureRateRestartStrategyConfiguration":
        return RestartStrategies.FailureRateRestartStrategyConfiguration(failure_rate, failure_interval, delay_interval)

    @staticmethod
    def exponential_delay_restart(initial_backoff: int | timedelta, max_backoff: int | timedelta,
                                  backoff_multiplier: float, reset_backoff_threshold: int | timedelta,
                                  jitter_factor: float) \
            -> "RestartStrategies.ExponentialDelayRestartStrategyConfiguration":
        return RestartStrategies.ExponentialDelayRestartStrategyConfiguration(
            initial_backoff, max_backoff, backoff_multiplier, reset_backoff_threshold, jitter_factor)

    @staticmethod
    def _from_configuration(settings: Mapping[str, str]) -> RestartStrategyConfiguration:
        """The strategy that configured settings, as the engine reads them, name (the engine
        spells the type one way, gives durations in milliseconds and fills in Flink's defaults)."""
        kind = settings.get(_TYPE)
        if kind is None:
            return RestartStrategies.fall_back_restart()
        if kind == "none":
            return RestartStrategies.no_restart()
        if kind == "fixed-delay":
            return RestartStrategies.fixed_delay_restart(int(settings[_FIXED_ATTEMPTS]), int(settings[_FIXED_DELAY]))
        if kind == "failure-rate":
            return RestartStrategies.failure_rate_restart(
                int(settings[_RATE_MAX_FAILURES]), int(settings[_RATE_INTERVAL]), int(settings[_RATE_DELAY]))
        return RestartStrategies.exponential_delay_restart(
            int(settings[_EXP_INITIAL]), int(settings[_EXP_MAX]), float(settings[_EXP_MULTIPLIER]),
            int(settings[_EXP_RESET]), float(settings[_EXP_JITTER]))


def _replace_restart_strategy(configuration: dict[str, str], strategy: RestartStrategyConfiguration) -> None:
    """Writes ``strategy`` into ``configuration``, dropping the keys of any strategy set before."""
    for key in [key for key in configuration if key.startswith(_PREFIX) or key == "restart-strategy"]:
        del configuration[key]
    configuration.update(strategy._configuration())
