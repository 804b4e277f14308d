"""User metrics (runtime_context.get_metrics_group()) reach the gateway's Prometheus /metrics
and the REST vertex metrics, with Flink's scope: job, task, subtask, operator, the user's groups."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Iterator

import pytest

from gateway_process import Gateway
from pystream._gateway import RemoteEngine
from test_gateway import follow_to_end, run_client

# Runs until cancelled: an endless sequence, of which only 0..9 reach the metered map; the map
# pauses 0.2 s every 65,536 numbers so the job idles along. It prints 9 once the map passed it:
# by then the batch that held 9 has reported its metrics.
JOB = """
import sys, time
from pyflink.common import Types, WatermarkStrategy
from pyflink.datastream import StreamExecutionEnvironment
from pyflink.datastream.connectors.number_seq import NumberSequenceSource
from pyflink.datastream.functions import MapFunction


def paced(x):
    if x % 65536 == 0:
        time.sleep(0.2)
    return x


class Metered(MapFunction):
    def open(self, ctx):
        group = ctx.get_metrics_group().add_group("shop").add_group("region", "eu")
        self.seen = group.counter("seen")
        self.marks = group.meter("marks")
        self.sizes = group.distribution("sizes")
        self.last = None
        group.gauge("last", lambda: self.last)
        self.returned = ctx.get_metrics_group().counter("returned")

    def map(self, x):
        self.seen.inc()
        self.marks.mark_event(2)
        self.sizes.update(x)
        self.last = x
        if x % 3 == 0:
            self.returned.inc()
            self.returned.dec()  # counters may go down, as in Flink
            self.returned.inc(5)
        return x


env = StreamExecutionEnvironment.get_execution_environment()
env.set_parallelism(1)
env.enable_checkpointing(200)
env.from_source(NumberSequenceSource(0, 10**12), WatermarkStrategy.no_watermarks(), "numbers") \\
   .map(paced, Types.LONG()).filter(lambda x: x < 10).map(Metered(), Types.LONG()).name("metered") \\
   .filter(lambda x: x == 9).print()
print(env.execute_async(sys.argv[1]).get_job_id())
"""

# By hand, from the values 0..9: 10 seen, 20 marks, sizes 0..9 (sum 45), last 9,
# and 0, 3, 6, 9 each add 5 to `returned` (inc, dec, inc(5)): 20.
SEEN, MARKS, SIZES, LAST, RETURNED = 10, 20, list(range(10)), 9, 20


@pytest.fixture(scope="module")
def gateway(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Gateway]:
    gateway = Gateway(tmp_path_factory.mktemp("gateway"))
    yield gateway
    gateway.stop()


def samples(metrics: str, name: str) -> dict[str, float]:
    """Prometheus samples of one metric name: labels text -> value."""
    found = {}
    for line in metrics.splitlines():
        match = re.fullmatch(rf"{re.escape(name)}\{{(.*)\}} (\S+)", line)
        if match:
            found[match.group(1)] = float(match.group(2))
    return found


def test_user_metrics_reach_prometheus_and_the_rest_vertex_metrics(gateway: Gateway, tmp_path: Path) -> None:
    script = tmp_path / "metered.py"
    script.write_text(JOB)
    started = run_client(gateway, script, "metered job")
    assert started.returncode == 0, started.stderr
    job_id = started.stdout.split()[-1]
    try:
        for event in RemoteEngine(gateway.rpc, None).follow(job_id):  # bounded by the gRPC deadline
            if event.WhichOneof("kind") == "output" and event.output.strip() == "9":
                break
        # On workers (--local-workers, --cluster) the counts travel to the gateway in their reports: a savepoint's
        # subtasks report what they counted before its barrier, so once it completed the batch with 9 is counted there.
        RemoteEngine(gateway.rpc, None).savepoint(job_id, str(tmp_path / "savepoint"))
        status, metrics = gateway.request("GET", "/metrics")
        assert status == 200

        seen = samples(metrics, "pystream_user_shop_region_seen")
        [(labels, value)] = [(k, v) for k, v in seen.items() if f'job_id="{job_id}"' in k]
        assert value == SEEN
        for label in ('job="metered job"', 'operator="metered"', 'region="eu"', 'subtask="0"', 'vertex="0"'):
            assert label in labels, (label, labels)
        assert [v for k, v in samples(metrics, "pystream_user_shop_region_marks_total").items() if job_id in k] == [MARKS]
        assert [v for k, v in samples(metrics, "pystream_user_shop_region_last").items() if job_id in k] == [LAST]
        assert [v for k, v in samples(metrics, "pystream_user_shop_region_sizes_count").items() if job_id in k] == [len(SIZES)]
        assert [v for k, v in samples(metrics, "pystream_user_shop_region_sizes_sum").items() if job_id in k] == [sum(SIZES)]
        assert [v for k, v in samples(metrics, "pystream_user_returned").items() if job_id in k] == [RETURNED]

        vertex = gateway.get(f"/jobs/{job_id}")["vertices"][0]
        prefix = "0.metered.shop.region.eu."
        assert vertex["user-metrics"] == {
            prefix + "seen": SEEN, prefix + "marks": MARKS, prefix + "last": LAST,
            prefix + "sizes.count": len(SIZES), prefix + "sizes.sum": sum(SIZES),
            prefix + "sizes.min": min(SIZES), prefix + "sizes.max": max(SIZES),
            "0.metered.returned": RETURNED,
        }
        listed = gateway.get(f"/jobs/{job_id}/vertices/0/metrics?get={prefix}seen,0.metered.returned")
        assert sorted(listed, key=lambda m: m["id"]) == [
            {"id": "0.metered.returned", "value": str(RETURNED)}, {"id": prefix + "seen", "value": str(SEEN)}]
        assert gateway.request("GET", f"/jobs/{job_id}/vertices/7/metrics")[0] == 404
    finally:
        RemoteEngine(gateway.rpc, None).cancel(job_id)
        follow_to_end(gateway, job_id)
