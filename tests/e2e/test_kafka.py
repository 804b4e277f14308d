"""Kafka end to end: librdkafka's mock broker (./pystream kafka-mock), jobs run by ./pystream, kcat as an outside client."""

from __future__ import annotations

import collections
import subprocess
import time
from pathlib import Path
from typing import Iterator

import pytest

ROOT = Path(__file__).resolve().parents[2]
WINDOW_JOB = Path(__file__).parent / "kafka" / "window_job.py"
UNREACHABLE_JOB = Path(__file__).parent / "kafka" / "unreachable_job.py"
TIMEOUT_S = 180
KEYS = 7


class MockBroker:
    """./pystream kafka-mock with the given topics; stopped when the test ends."""

    def __init__(self, *topics: str) -> None:
        self.process = subprocess.Popen([str(ROOT / "pystream"), "kafka-mock", *topics], stdout=subprocess.PIPE, text=True)
        first = self.process.stdout.readline().strip()
        assert first.startswith("bootstrap.servers="), first
        self.bootstrap = first.split("=", 1)[1]

    def produce(self, topic: str, lines: list[str]) -> None:
        """kcat writes the lines, spread over the topic's partitions."""
        subprocess.run(["kcat", "-P", "-b", self.bootstrap, "-t", topic], input="\n".join(lines) + "\n",
                       text=True, check=True, timeout=60)

    def read(self, topic: str) -> list[str]:
        """kcat reads every value in the topic (the mock does not hide aborted transactions)."""
        result = subprocess.run(["kcat", "-C", "-b", self.bootstrap, "-t", topic, "-e", "-q", "-f", "%s\n"],
                                capture_output=True, text=True, check=True, timeout=60)
        return result.stdout.splitlines()

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


@pytest.fixture
def broker() -> Iterator[MockBroker]:
    started = MockBroker("lines:3", "sums:2")
    yield started
    started.stop()


def events(n: int) -> list[str]:
    """key,value,timestamp lines; timestamps rise with the value, 10 ms apart."""
    return [f"k{i % KEYS},{i},{i * 10}" for i in range(n)]


def expected_windows(n: int) -> list[str]:
    sums: collections.Counter = collections.Counter()
    for i in range(n):
        sums[(f"k{i % KEYS}", (i * 10 // 1000 + 1) * 1000)] += i
    return sorted(f"{key},{end},{total}" for (key, end), total in sums.items())


def run_window_job(broker: MockBroker, tmp_path: Path, *extra: str) -> subprocess.CompletedProcess:
    command = [str(ROOT / "pystream"), "run", str(WINDOW_JOB), "--bootstrap", broker.bootstrap, "--source", "lines",
               "--checkpoints", str(tmp_path / "checkpoints"), *extra]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=TIMEOUT_S)


def test_kafka_to_window_to_kafka_with_a_failure_in_the_middle_loses_nothing(broker: MockBroker, tmp_path: Path) -> None:
    n = 30_000
    broker.produce("lines", events(n))
    result = run_window_job(broker, tmp_path, "--sink", "sums", "--fail-once", str(tmp_path / "failed"))
    assert result.returncode == 0, result.stderr
    assert "injected failure" in result.stderr and "restarts" in result.stderr
    written = broker.read("sums")
    # The mock broker shows aborted transactions too, so a record may appear twice; none may be missing.
    assert sorted(set(written)) == expected_windows(n)


def test_offsets_are_restored_so_each_record_is_written_once(broker: MockBroker, tmp_path: Path) -> None:
    n = 30_000
    broker.produce("lines", events(n))
    out = tmp_path / "out"
    result = run_window_job(broker, tmp_path, "--files", str(out), "--fail-once", str(tmp_path / "failed"))
    assert result.returncode == 0, result.stderr
    assert "injected failure" in result.stderr
    committed = sorted(line for part in out.glob("*/part-*") for line in part.read_text().splitlines())
    assert committed == sorted(events(n))


def test_the_example_counts_clicks_through_kafka(tmp_path: Path) -> None:
    """What the README's Kafka section runs."""
    broker = MockBroker("clicks:3", "click-counts:1")
    try:
        result = subprocess.run([str(ROOT / "pystream"), "run", str(ROOT / "examples" / "kafka_window.py"), "--bootstrap", broker.bootstrap],
                                cwd=ROOT, capture_output=True, text=True, timeout=TIMEOUT_S)
    finally:
        broker.stop()
    assert result.returncode == 0, result.stderr
    counts = collections.Counter()
    for line in result.stdout.splitlines():
        assert line.startswith('{"user":'), line
        user = line.split('"')[3]
        counts[user] += int(line.rsplit(":", 1)[1].rstrip("}"))
    assert counts == {"ada": 14, "bob": 13, "cy": 13}  # every one of the 40 sample clicks counted once


def test_an_unknown_topic_is_a_clear_error(broker: MockBroker, tmp_path: Path) -> None:
    result = subprocess.run([str(ROOT / "pystream"), "run", str(WINDOW_JOB), "--bootstrap", broker.bootstrap, "--source", "nope",
                             "--sink", "sums", "--checkpoints", str(tmp_path / "checkpoints")],
                            cwd=ROOT, capture_output=True, text=True, timeout=TIMEOUT_S)
    assert result.returncode != 0
    assert "topic 'nope' does not exist" in result.stderr


JSON_JOB = '''
import sys
from pyflink.common import Types, WatermarkStrategy
from pyflink.datastream import StreamExecutionEnvironment
from pyflink.datastream.connectors.kafka import KafkaOffsetsInitializer, KafkaSource
from pyflink.datastream.formats.json import JsonRowDeserializationSchema

bootstrap, policy = sys.argv[1:3]
env = StreamExecutionEnvironment.get_execution_environment()
row = Types.ROW_NAMED(["id", "name"], [Types.INT(), Types.STRING()])
source = KafkaSource.builder().set_bootstrap_servers(bootstrap).set_topics("lines") \\
    .set_starting_offsets(KafkaOffsetsInitializer.earliest()).set_bounded(KafkaOffsetsInitializer.latest()) \\
    .set_property("deserialization.failure-policy", policy) \\
    .set_value_only_deserializer(JsonRowDeserializationSchema.builder().type_info(row).build()).build()
env.from_source(source, WatermarkStrategy.no_watermarks(), "json").print()
env.execute("json")
'''


@pytest.mark.parametrize("policy", ["fail", "skip"])
def test_an_undeserializable_record_fails_the_job_or_is_skipped_and_reported(broker: MockBroker, tmp_path: Path, policy: str) -> None:
    broker.produce("lines", ['{"id": 1, "name": "a"}', "not json", '{"id": 2, "name": "b"}'])
    script = tmp_path / "json_job.py"
    script.write_text(JSON_JOB)
    result = subprocess.run([str(ROOT / "pystream"), "run", str(script), broker.bootstrap, policy],
                            cwd=ROOT, capture_output=True, text=True, timeout=TIMEOUT_S)
    if policy == "fail":
        assert result.returncode != 0
        assert "Failed to deserialize JSON 'not json'" in result.stderr
    else:
        assert result.returncode == 0, result.stderr
        assert sorted(result.stdout.splitlines()) == ["+I[1,a]", "+I[2,b]"]  # PyFlink prints rows so (see PYFLINK-SEMANTICS.md)
        assert result.stderr.count("skipped an undeserializable record") == 1


def test_the_compose_file_runs_the_broker_the_example_names() -> None:
    import yaml

    kafka = yaml.safe_load((ROOT / "docker" / "compose.yaml").read_text())["services"]["kafka"]
    assert "9092:9092" in kafka["ports"]
    assert kafka["environment"]["KAFKA_ADVERTISED_LISTENERS"] == "PLAINTEXT://localhost:9092"
    assert "--bootstrap localhost:9092" in (ROOT / "examples" / "kafka_window.py").read_text()


def run_unreachable(kind: str, bound: str) -> tuple[list[str], float]:
    """The job against 127.0.0.1:1, where nothing listens (every connection is refused at once): its stderr lines and run time."""
    started = time.monotonic()
    result = subprocess.run([str(ROOT / "pystream"), "run", str(UNREACHABLE_JOB), kind, "127.0.0.1:1", bound],
                            cwd=ROOT, capture_output=True, text=True, timeout=TIMEOUT_S)
    assert result.returncode == 1, result.stderr
    return [line for line in result.stderr.splitlines() if not line.startswith("pystream: buil")], time.monotonic() - started


def test_a_source_where_no_broker_answers_prints_one_line_and_fails_once_after_the_retry_bound() -> None:
    lines, took = run_unreachable("source", "default.api.timeout.ms=3000")
    source = "Kafka source 'Source: clicks'"
    # One line for both subtasks, instead of librdkafka's line per reconnect; one failure.
    assert lines == [
        f"pystream: {source}: no Kafka broker answers at 127.0.0.1:1 (Connection refused); "
        "retrying for 3 s (default.api.timeout.ms), then the job fails",
        f"pystream: job failed: {source}: no Kafka broker answered at 127.0.0.1:1 within 3 s "
        "(Connection refused; the bound is the property default.api.timeout.ms)",
    ]
    assert 3 <= took < 90  # it gave up after the bound, not at once and not after librdkafka's own minutes


def test_a_sink_where_no_broker_answers_prints_one_line_and_fails_once_when_delivery_times_out() -> None:
    lines, took = run_unreachable("sink", "message.timeout.ms=3000")
    sink = "Kafka sink 'Sink: KafkaSink'"
    assert lines[0] == (f"pystream: {sink}: no Kafka broker answers at 127.0.0.1:1 (Connection refused); "
                        "records wait up to 3 s for delivery (message.timeout.ms), then the job fails")
    assert lines[1:] == [f"pystream: job failed: {sink}: delivery failed: counts: Local: Message timed out "
                         "(no Kafka broker answered at 127.0.0.1:1: Connection refused)"]
    assert 3 <= took < 90
