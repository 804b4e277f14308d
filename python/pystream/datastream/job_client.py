"""Handles on submitted jobs: ``JobClient``, ``JobExecutionResult``, ``JobStatus``."""

from __future__ import annotations

from typing import Any, Callable

from pystream.common.job import JobID, JobStatus
from pystream.errors import JobExecutionError

__all__ = ["JobClient", "JobExecutionResult", "JobID", "JobStatus", "CompletableFuture"]


class JobExecutionResult:
    def __init__(self, job_id: JobID, net_runtime_ms: int) -> None:
        self._job_id = job_id
        self._net_runtime = net_runtime_ms

    def get_job_id(self) -> JobID:
        return self._job_id

    def get_net_runtime(self) -> int:
        return self._net_runtime

    def is_job_execution_result(self) -> bool:
        return True

    def get_job_execution_result(self) -> "JobExecutionResult":
        return self

    def get_accumulator_result(self, accumulator_name: str) -> Any:
        return None

    def get_all_accumulator_results(self) -> dict:
        return {}

    def __str__(self) -> str:
        return f"JobExecutionResult(job_id={self._job_id}, net_runtime={self._net_runtime} ms)"


class CompletableFuture:
    """The part of PyFlink's future a job client hands out: ``result()`` and ``done()``."""

    def __init__(self, wait: Callable[[float | None], bool], get: Callable[[], Any]) -> None:
        self._wait = wait
        self._get = get

    def result(self, timeout: float | None = None) -> Any:
        if not self._wait(timeout):
            raise TimeoutError("the job did not finish in time")
        return self._get()

    def done(self) -> bool:
        return self._wait(0)

    def cancel(self) -> bool:
        return False

    def cancelled(self) -> bool:
        return False


class JobClient:
    """A running job: status, result, cancel."""

    def __init__(self, handle: Any, started_ms: int, clock: Callable[[], int]) -> None:
        self._handle = handle
        self._job_id = JobID(str(handle.job_id))
        self._started = started_ms
        self._finished: int | None = None
        self._clock = clock

    def get_job_id(self) -> JobID:
        return self._job_id

    def get_job_status(self) -> CompletableFuture:
        return CompletableFuture(lambda _: True, lambda: JobStatus[str(self._handle.status())])

    def cancel(self) -> CompletableFuture:
        self._handle.cancel()
        return CompletableFuture(self._wait, lambda: None)

    def get_job_execution_result(self) -> CompletableFuture:
        return CompletableFuture(self._wait, self._result)

    def _wait(self, timeout: float | None) -> bool:
        done = bool(self._handle.wait(-1 if timeout is None else int(timeout * 1000)))
        if done and self._finished is None:
            self._finished = self._clock()
        return done

    def _result(self) -> JobExecutionResult:
        failure = self._handle.failure()
        if failure is not None:
            message, user_traceback, detail = failure
            raise JobExecutionError(str(message), None if user_traceback is None else str(user_traceback), str(detail))
        status = JobStatus[str(self._handle.status())]
        if status is JobStatus.CANCELED:
            raise JobExecutionError("the job was cancelled", None, "")
        return JobExecutionResult(self._job_id, (self._finished or self._clock()) - self._started)
