"""Metrics, as in ``pyflink.metrics``: counters, gauges, meters and distributions.

They count for real inside each parallel instance (``get_count()`` works); exporting
them (Prometheus, OpenTelemetry) comes with the gateway.
"""

from __future__ import annotations

from typing import Callable

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
    def __init__(self) -> None:
        self.values: list[int] = []

    def update(self, value: int) -> None:
        self.values.append(value)


class MetricGroup:
    """A named group of metrics; groups nest with ``add_group``."""

    def __init__(self, scope: tuple[str, ...] = ()) -> None:
        self._scope = scope
        self.metrics: dict[str, Metric] = {}
        self._groups: dict[tuple[str, ...], MetricGroup] = {}

    def add_group(self, name: str, extra: str | None = None) -> "MetricGroup":
        key = (name,) if extra is None else (name, extra)
        if key not in self._groups:
            self._groups[key] = MetricGroup(self._scope + key)
        return self._groups[key]

    def counter(self, name: str) -> Counter:
        return self._metric(name, Counter)

    def gauge(self, name: str, obj: Callable[[], int]) -> Gauge:
        self.metrics[name] = Gauge(obj)
        return self.metrics[name]  # type: ignore[return-value]

    def meter(self, name: str, time_span_in_seconds: int = 60) -> Meter:
        return self._metric(name, lambda: Meter(time_span_in_seconds))

    def distribution(self, name: str) -> Distribution:
        return self._metric(name, Distribution)

    def _metric(self, name: str, make: Callable[[], Metric]) -> Metric:
        metric = self.metrics.get(name)
        if metric is None:
            metric = self.metrics[name] = make()
        return metric
