"""Partitioned filesystem tables end to end: INSERT writes dt=.../hr=... directories whose files hold
the other columns only (as Flink), and a read restores the partition columns from the directory
names, NULL from 'partition.default-name'."""

from __future__ import annotations

import collections
from pathlib import Path

import pytest

from sql_e2e import run_statements

# id, name, dt, hr
EVENTS = [(1, "a", "2024-01-01", 10), (2, "b", "2024-01-01", 11), (3, "c", "2024-01-02", 10),
          (4, "d", None, 10), (5, "e", "2024-01-01", 10), (6, "f", "2024-01-02", None)]


def sql_value(value) -> str:
    if value is None:
        return "CAST(NULL AS INT)"
    return f"'{value}'" if isinstance(value, str) else str(value)


# Without checkpoints the end of input commits the part files; with them, the pending files are committed as the job ends.
@pytest.mark.parametrize("config", [{}, {"execution.checkpointing.interval": "100ms", "parallelism.default": "2"}],
                         ids=["direct", "checkpointed"])
def test_a_partitioned_table_is_written_into_partition_directories_and_read_back(tmp_path: Path, config: dict) -> None:
    path = tmp_path / "events"
    table = (f"CREATE TABLE events (id INT, name STRING, dt STRING, hr INT) PARTITIONED BY (dt, hr) "
             f"WITH ('connector' = 'filesystem', 'path' = '{path}', 'format' = 'csv', 'partition.default-name' = 'none')")
    rows = ", ".join("(" + ", ".join("CAST(NULL AS STRING)" if v is None and i == 2 else sql_value(v) for i, v in enumerate(e)) + ")"
                     for e in EVENTS)
    results = run_statements(tmp_path, "streaming", [
        table,
        f"INSERT INTO events VALUES {rows}",
        "SELECT * FROM events",
        "SELECT dt, hr, COUNT(*) AS n FROM events WHERE hr = 10 GROUP BY dt, hr",
    ], config=config)
    for result in results:
        result.ok()

    # The model: each event's line (id,name) in the directory of its partition, NULL as the default name.
    expected_files: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    for id_, name, dt, hr in EVENTS:
        directory = f"dt={'none' if dt is None else dt}/hr={'none' if hr is None else hr}"
        expected_files[directory][f"{id_},{name}"] += 1
    written: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    for part in path.rglob("part-*"):
        written[part.parent.relative_to(path).as_posix()].update(part.read_text().splitlines())
    assert written == expected_files
    assert not [p for p in path.rglob(".*")], "no in-progress files stay behind"

    assert results[2].final_table() == collections.Counter(EVENTS)
    assert results[3].final_table() == collections.Counter(
        (dt, hr, n) for (dt, hr), n in collections.Counter((dt, hr) for _, _, dt, hr in EVENTS if hr == 10).items())
