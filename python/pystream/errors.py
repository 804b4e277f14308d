"""Errors PyStream raises to scripts."""

from __future__ import annotations

__all__ = ["PyStreamError", "JobExecutionError"]


class PyStreamError(Exception):
    """The root of PyStream's own errors."""


class JobExecutionError(PyStreamError):
    """A job failed. ``user_traceback`` is the traceback of the user function that raised, if one did."""

    def __init__(self, message: str, user_traceback: str | None, detail: str = "") -> None:
        super().__init__(message if user_traceback is None else f"{message}:\n{user_traceback}")
        self.message = message
        self.user_traceback = user_traceback
        self.detail = detail
