"""Handles on submitted jobs: ``JobClient``, ``JobExecutionResult``, ``JobStatus``."""

from __future__ import annotations

import threading
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
            raise TimeoutError(f"the future did not complete within {timeout} s")
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

    def trigger_savepoint(self, savepoint_directory: str | None = None, formatType: Any = None) -> CompletableFuture:
        """A future of the savepoint's path; without a directory, the engine uses the job's default one."""
        # formatType picks Flink's on-disk layout; the engine writes one format, which restores either way.
        directory = savepoint_directory or ""
        return _in_background(lambda: str(self._handle.trigger_savepoint(directory)), "trigger_savepoint")

    def stop_with_savepoint(self, advance_to_end_of_event_time: bool = False, savepoint_directory: str | None = None,
                            formatType: Any = None) -> CompletableFuture:
        """Takes a savepoint and stops the job; a future of the savepoint's path."""
        directory, drain = savepoint_directory or "", bool(advance_to_end_of_event_time)
        return _in_background(lambda: str(self._handle.stop_with_savepoint(directory, drain)), "stop_with_savepoint")

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
        if status is JobStatus.SUSPENDED:
            raise JobExecutionError("the job was suspended: its gateway stopped or lost its leadership; "
                                    "the gateway that leads next resumes it from its latest checkpoint", None, "")
        return JobExecutionResult(self._job_id, (self._finished or self._clock()) - self._started)


def _in_background(call: Callable[[], Any], name: str) -> CompletableFuture:
    """Runs a blocking engine call on a daemon thread, so the caller gets a future at once, as from Flink."""
    done = threading.Event()
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["value"] = call()
        except BaseException as error:  # handed to whoever asks the future for its result
            outcome["error"] = error
        finally:
            done.set()

    def get() -> Any:
        if "error" in outcome:
            raise outcome["error"]
        return outcome["value"]

    threading.Thread(target=run, name=f"pystream-{name}", daemon=True).start()
    return CompletableFuture(done.wait, get)
