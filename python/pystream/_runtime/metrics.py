"""Reports a task's user metrics to the engine once per batch.

Functions update their metrics in plain Python (``counter.inc()`` adds to an int); at the
end of each batch the reporter sends what changed in one call: counts of counters and
meters, the values gauges return (read here, on the task's thread, with the GIL held) and
the values distributions saw since the last report. The engine turns them into its
``Meter`` instruments; nothing on an exporter thread calls Python.
"""

from __future__ import annotations

import json
from array import array
from typing import Any

from pystream.metrics import Counter, Distribution, Gauge, Meter, Metric, MetricGroup

__all__ = ["MetricReporter"]

_KINDS = {Counter: "counter", Meter: "meter", Gauge: "gauge", Distribution: "distribution"}


class MetricReporter:
    """The metrics of one task's operations (a segment or a window), registered with the engine as they appear."""

    def __init__(self, host: Any) -> None:
        self._host = host
        # [engine id, metric, last reported value]
        self._metrics: list[list[Any]] = []

    def group(self, operator: str) -> MetricGroup:
        """The root group of one operation's functions (``get_metrics_group()``)."""
        return MetricGroup(registry=_OperatorRegistry(self, operator))

    def register(self, operator: str, scope: tuple[tuple[str, str | None], ...], name: str, metric: Metric) -> None:
        kind = _KINDS.get(type(metric))
        if kind is None:
            return
        groups = json.dumps([[group, value] for group, value in scope])
        metric_id = self._host.register_metric(kind, operator, groups, str(name))
        if isinstance(metric, Distribution):
            metric.pending = []
        self._metrics.append([metric_id, metric, None])

    def report(self) -> None:
        """Sends what changed since the last report (nothing when nothing did)."""
        if not self._metrics:
            return
        ids = array("q")
        values = array("d")
        for entry in self._metrics:
            metric_id, metric, last = entry
            if type(metric) is Distribution:
                pending = metric.pending
                if pending:
                    ids.extend([metric_id] * len(pending))
                    values.extend(pending)
                    pending.clear()
                continue
            value = metric.get_value() if type(metric) is Gauge else metric.get_count()
            if value != last and isinstance(value, (int, float)):
                ids.append(metric_id)
                values.append(value)
                entry[2] = value
        if ids:
            self._host.report_metrics(ids.tobytes(), values.tobytes())


class _OperatorRegistry:
    """Announces one operation's new metrics to the task's reporter, with the operation's name."""

    def __init__(self, reporter: MetricReporter, operator: str) -> None:
        self._reporter = reporter
        self._operator = operator

    def register(self, scope: tuple[tuple[str, str | None], ...], name: str, metric: Metric) -> None:
        self._reporter.register(self._operator, scope, name, metric)
