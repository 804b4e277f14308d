"""User metrics reach the engine once per batch, with only what changed."""

from __future__ import annotations

import json
from array import array

from pystream._runtime.metrics import MetricReporter


class RecordingHost:
    def __init__(self) -> None:
        self.registered: list[tuple[str, str, list, str]] = []
        self.reports: list[list[tuple[int, float]]] = []

    def register_metric(self, kind: str, operator: str, scope: str, name: str) -> int:
        self.registered.append((kind, operator, json.loads(scope), name))
        return len(self.registered) - 1

    def report_metrics(self, ids: bytes, values: bytes) -> None:
        self.reports.append(list(zip(array("q", ids), array("d", values))))


def test_a_batch_reports_counts_gauges_and_distribution_values_once():
    host = RecordingHost()
    reporter = MetricReporter(host)
    root = reporter.group("Map")
    group = root.add_group("shop").add_group("region", "eu")
    seen, marks, sizes = group.counter("seen"), group.meter("marks"), group.distribution("sizes")
    level = [7]
    group.gauge("level", lambda: level[0])
    assert host.registered == [("counter", "Map", [["shop", None], ["region", "eu"]], "seen"),
                               ("meter", "Map", [["shop", None], ["region", "eu"]], "marks"),
                               ("distribution", "Map", [["shop", None], ["region", "eu"]], "sizes"),
                               ("gauge", "Map", [["shop", None], ["region", "eu"]], "level")]
    assert root.add_group("shop").add_group("region", "eu").counter("seen") is seen  # the same metric, registered once

    for value in (4, 1, 6):  # a batch of three records
        seen.inc()
        marks.mark_event(2)
        sizes.update(value)
    reporter.report()
    assert host.reports == [[(0, 3.0), (1, 6.0), (2, 4.0), (2, 1.0), (2, 6.0), (3, 7.0)]]

    reporter.report()  # nothing changed: no call
    assert len(host.reports) == 1

    seen.dec()
    level[0] = 9
    reporter.report()
    assert host.reports[-1] == [(0, 2.0), (3, 9.0)]
    assert (sizes.count, sizes.sum, sizes.min, sizes.max) == (3, 11, 1, 6)


def test_a_gauge_without_a_number_is_not_reported():
    host = RecordingHost()
    reporter = MetricReporter(host)
    reporter.group("Map").gauge("name", lambda: "not a number")
    reporter.report()
    assert host.reports == []
