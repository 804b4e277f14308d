"""The iterator execute_and_collect returns, against a scripted job handle (no engine): batches arrive over
several looks, the job ends, or fails."""

import pickle

import pytest

from pystream.datastream.stream_execution_environment import _CollectIterator


class _Handle:
    """Hands out one scripted look per drain: a list of pickled batches (empty: nothing yet); wait ends the job
    once the script is used up."""

    def __init__(self, looks: list[list[list]]) -> None:
        self.looks = [[pickle.dumps(batch) for batch in look] for look in looks]
        self.waits = 0

    def drain(self, collect_id: str) -> list[bytes]:
        assert collect_id == "collect-1"
        return self.looks.pop(0) if self.looks else []

    def wait(self, timeout_ms: int) -> bool:
        self.waits += 1
        return not self.looks


class _Result:
    def __init__(self, error: Exception | None) -> None:
        self.error = error

    def result(self) -> None:
        if self.error is not None:
            raise self.error


class _Client:
    def __init__(self, handle: _Handle, error: Exception | None = None) -> None:
        self._handle = handle
        self.error = error
        self.cancelled = False

    def get_job_execution_result(self) -> _Result:
        return _Result(self.error)


LOOKS = [[[1, 2], []], [], [[3]], [], [[4, 5], [6]]]


def test_next_and_iteration_take_from_the_same_records_in_order():
    results = _CollectIterator(_Client(_Handle(LOOKS)), "collect-1", None)
    assert next(results) == 1
    assert next(results) == 2
    assert list(results) == [3, 4, 5, 6]
    with pytest.raises(StopIteration):
        next(results)


def test_a_limit_stops_without_waiting_for_more():
    handle = _Handle(LOOKS)
    assert list(_CollectIterator(_Client(handle), "collect-1", 3)) == [1, 2, 3]
    assert len(handle.looks) == 2  # the last two looks were never taken
    assert list(_CollectIterator(_Client(_Handle(LOOKS)), "collect-1", 0)) == []


def test_a_failed_job_raises_after_the_records_it_sent():
    results = _CollectIterator(_Client(_Handle([[[1]]]), RuntimeError("the job failed")), "collect-1", None)
    taken = []
    with pytest.raises(RuntimeError, match="the job failed"):
        for record in results:
            taken.append(record)
    assert taken == [1]
