"""upsert-kafka end to end on the mock broker: an updating GROUP BY written as keyed records and
tombstones (read back with kcat and compared per key with a plain-Python model), and an
upsert-kafka topic (written by kcat, tombstones included) read as a changelog that a SUM retracts from."""

from __future__ import annotations

import collections
import json
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sql_e2e import run_statements  # noqa: E402
from test_kafka import MockBroker  # noqa: E402

# Words with repeats, so counts change (-U/+U) and some count values stop being anyone's (a delete).
WORDS = ["a", "b", "a", "c", "b", "a", "d", "e", "e", "a", "f", "c"]


@pytest.fixture
def broker():
    started = MockBroker("word_counts:2", "count_spread:1", "balances:2")
    yield started
    started.stop()


def upsert_table(name: str, columns: str, broker: MockBroker, **options: str) -> str:
    options = {"connector": "upsert-kafka", "topic": name, "properties.bootstrap.servers": broker.bootstrap, **options}
    return f"CREATE TABLE {name} ({columns}) WITH ({', '.join(f'{k!r} = {v!r}' for k, v in options.items())})"


def records(broker: MockBroker, topic: str) -> list[tuple[str | None, str | None]]:
    """Every record of the topic as (key, value), a tombstone's value None, in each partition's order."""
    result = subprocess.run(["kcat", "-C", "-b", broker.bootstrap, "-t", topic, "-e", "-q", "-J"],
                            capture_output=True, text=True, check=True, timeout=60)
    return [(m["key"], m["payload"]) for m in map(json.loads, result.stdout.splitlines())]


def final_table(written: list[tuple]) -> dict:
    """The upsert topic applied: the last value per key, a tombstone removing the key."""
    table: dict[str, str] = {}
    for key, value in written:
        if value is None:
            table.pop(key, None)
        else:
            table[key] = value
    return table


def test_an_updating_group_by_is_written_as_keyed_records_and_tombstones(tmp_path: Path, broker: MockBroker) -> None:
    words = ", ".join(f"('{w}')" for w in WORDS)
    results = run_statements(tmp_path, "streaming", [
        upsert_table("word_counts", "word STRING, n BIGINT, PRIMARY KEY (word) NOT ENFORCED", broker,
                     **{"key.format": "raw", "value.format": "csv", "value.fields-include": "EXCEPT_KEY"}),
        upsert_table("count_spread", "n BIGINT, words BIGINT, PRIMARY KEY (n) NOT ENFORCED", broker,
                     **{"key.format": "json", "value.format": "json"}),
        # VALUES straight into the hash exchange of the GROUP BY, at parallelism 2: the source keys its rows.
        f"INSERT INTO word_counts SELECT w, COUNT(*) FROM (VALUES {words}) AS t(w) GROUP BY w",
        # How many words have each count: a count that no word has any more is deleted.
        f"INSERT INTO count_spread SELECT n, COUNT(*) FROM (SELECT w, COUNT(*) AS n FROM (VALUES {words}) AS t(w) GROUP BY w) GROUP BY n",
    ], config={"parallelism.default": "2"})
    for result in results:
        result.ok()
    counts = collections.Counter(WORDS)
    # raw key, csv value of the non-key column only; -U is never written, so no key has a tombstone.
    word_records = records(broker, "word_counts")
    assert final_table(word_records) == {w: str(n) for w, n in counts.items()}
    assert all(value is not None for _, value in word_records)
    spread = collections.Counter(counts.values())
    spread_records = records(broker, "count_spread")
    assert final_table(spread_records) == {json.dumps({"n": n}, separators=(",", ":")): json.dumps({"n": n, "words": k}, separators=(",", ":"))
                                           for n, k in spread.items()}
    # A count some word passed through but none ended at was held and then emptied: a tombstone.
    passed = {n for c in counts.values() for n in range(1, c + 1)}
    emptied = {json.dumps({"n": n}, separators=(",", ":")) for n in passed - set(counts.values())}
    assert emptied and emptied <= {key for key, value in spread_records if value is None}


def test_an_upsert_topic_is_read_as_a_changelog_that_a_sum_retracts_from(tmp_path: Path, broker: MockBroker) -> None:
    # key|value lines; an empty value is a tombstone (kcat -Z).
    writes = [("a", 5), ("b", 7), ("a", 2), ("c", 4), ("b", None), ("d", 10), ("c", 4), ("a", None), ("a", 1), ("e", None)]
    subprocess.run(["kcat", "-P", "-b", broker.bootstrap, "-t", "balances", "-K", "|", "-Z"],
                   input="".join(f"{k}|{'' if v is None else json.dumps({'v': v})}\n" for k, v in writes),
                   text=True, check=True, timeout=60)
    model = final_table(writes)
    results = run_statements(tmp_path, "streaming", [
        upsert_table("balances", "k STRING, v BIGINT, PRIMARY KEY (k) NOT ENFORCED", broker,
                     **{"key.format": "raw", "value.format": "json", "value.fields-include": "EXCEPT_KEY",
                        "scan.bounded.mode": "latest-offset"}),
        "SELECT SUM(v) AS total, COUNT(*) AS accounts FROM balances",
        "SELECT * FROM balances",
    ], config={"parallelism.default": "2"})
    results[0].ok()
    assert results[1].final_table() == collections.Counter({(sum(model.values()), len(model)): 1})
    assert results[2].final_table() == collections.Counter((k, v) for k, v in model.items())


def test_missing_upsert_kafka_requirements_are_refused_by_name(tmp_path: Path, broker: MockBroker) -> None:
    base = {"key.format": "json", "value.format": "json"}
    cases = [
        (upsert_table("t1", "k STRING, v BIGINT", broker, **base), "PRIMARY KEY"),
        (upsert_table("t2", "k STRING, v BIGINT, PRIMARY KEY (k) NOT ENFORCED", broker, **{"value.format": "json"}), "key.format"),
        (upsert_table("t3", "k STRING, v BIGINT, PRIMARY KEY (k) NOT ENFORCED", broker, **{"key.format": "json"}), "value.format"),
        (upsert_table("t4", "k STRING, v BIGINT, PRIMARY KEY (k) NOT ENFORCED", broker, **base, **{"key.fields-prefix": "k_"}), "EXCEPT_KEY"),
    ]
    results = run_statements(tmp_path, "streaming", [sql for sql, _ in cases])
    for result, (_, fragment) in zip(results, cases):
        assert result.error is not None and fragment in result.error[1], result.error
