"""Metrics, as in ``pyflink.metrics``: counters, gauges, meters and distributions.

Each metric counts inside its parallel instance (``get_count()`` works); a function's
metrics are reported to the engine once per batch (not per update) and exported from there
(OpenTelemetry, Prometheus ``/metrics``, the REST vertex metrics).
"""

from __future__ import annotations

from typing import Callable, Protocol

__all__ = ["MetricGroup", "Counter", "Gauge", "Meter", "Distribution", "Metric"]


class Metric:
    pass


class Counter(Metric):
    def __init__(self) -> None:
        self._count = 0

    def inc(self, n: int = 1) -> None:
        self._count += n

    def dec(self, n: int = 1) -> None:
        self._count -= n

    def get_count(self) -> int:
        return self._count


class Gauge(Metric):
    def __init__(self, read: Callable[[], int]) -> None:
        self._read = read

    def get_value(self) -> int:
        return self._read()


class Meter(Metric):
    def __init__(self, time_span_in_seconds: int) -> None:
        self._count = 0
        self.time_span_in_seconds = time_span_in_seconds

    def mark_event(self, value: int = 1) -> None:
        self._count += value

    def get_count(self) -> int:
        return self._count


class Distribution(Metric):
    """Values seen so far (count, sum, min, max); while reported, the values since the last report."""

    def __init__(self) -> None:
        self.count = 0
        self.sum = 0
        self.min: int | None = None
        self.max: int | None = None
        # Set by the reporter: values not reported yet.
        self.pending: list[int] | None = None

    def update(self, value: int) -> None:
        self.count += 1
        self.sum += value
        if self.min is None or value < self.min:
            self.min = value
        if self.max is None or value > self.max:
            self.max = value
        if self.pending is not None:
            self.pending.append(value)


class MetricRegistry(Protocol):
    """Where a group's new metrics are announced (the runtime's reporter)."""

    def register(self, scope: tuple[tuple[str, str | None], ...], name: str, metric: Metric) -> None:
        ...


class MetricGroup:
    """A named group of metrics; groups nest with ``add_group(name)`` and ``add_group(key, value)``."""

    def __init__(self, scope: tuple[tuple[str, str | None], ...] = (), registry: MetricRegistry | None = None) -> None:
        # Each level: (name, None) for a plain group, (key, value) for a key/value group.
        self._scope = scope
        self._registry = registry
        self.metrics: dict[str, Metric] = {}
        self._groups: dict[tuple[str, str | None], MetricGroup] = {}

    def add_group(self, name: str, extra: str | None = None) -> "MetricGroup":
        key = (str(name), None if extra is None else str(extra))
        if key not in self._groups:
            self._groups[key] = MetricGroup(self._scope + (key,), self._registry)
        return self._groups[key]

    def counter(self, name: str) -> Counter:
        return self._metric(name, Counter)  # type: ignore[return-value]

    def gauge(self, name: str, obj: Callable[[], int]) -> Gauge:
        gauge = self.metrics[name] = Gauge(obj)
        self._announce(name, gauge)
        return gauge

    def meter(self, name: str, time_span_in_seconds: int = 60) -> Meter:
        return self._metric(name, lambda: Meter(time_span_in_seconds))  # type: ignore[return-value]

    def distribution(self, name: str) -> Distribution:
        return self._metric(name, Distribution)  # type: ignore[return-value]

    def _metric(self, name: str, make: Callable[[], Metric]) -> Metric:
        metric = self.metrics.get(name)
        if metric is None:
            metric = self.metrics[name] = make()
            self._announce(name, metric)
        return metric

    def _announce(self, name: str, metric: Metric) -> None:
        if self._registry is not None:
            self._registry.register(self._scope, name, metric)
