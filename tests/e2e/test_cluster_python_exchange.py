"""Python records exchanged between workers at volume: the spine (map -> key_by -> reduce) at parallelism 2
on two one-slot workers, so the keyed exchange crosses processes, pickled (issue 16: a frame outgrowing its
first buffer while the pickle was copied in crashed a worker or arrived as zeros)."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest

from test_cluster_jobs import SCRIPTS, Cluster

RECORDS = 200_000


@pytest.fixture
def two_workers(tmp_path: Path) -> Iterator[Cluster]:
    started = Cluster(tmp_path / "data")
    try:
        started.add_workers(2, slots=1)
        yield started
    finally:
        started.stop()


def spine_model(count: int) -> list[str]:
    """Each key's final sum, from plain Python: key n % 1000 for n in 1..count."""
    sums = [0] * 1000
    for n in range(1, count + 1):
        sums[n % 1000] += n
    return [f"{key} {total}" for key, total in enumerate(sums)]


def test_the_spine_at_parallelism_2_on_two_workers_matches_a_plain_python_model(two_workers: Cluster) -> None:
    result = two_workers.run(SCRIPTS / "cluster_spine.py", str(RECORDS))

    assert result.returncode == 0, result.stderr + "".join(worker.log for worker in two_workers.workers)
    assert result.stdout.splitlines() == spine_model(RECORDS)
    for worker in two_workers.workers:
        assert "of job 'Flink Streaming Job': 2 subtasks here" in worker.log
