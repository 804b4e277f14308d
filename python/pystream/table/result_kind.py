"""``ResultKind``, as in ``pyflink.table.result_kind``."""

from __future__ import annotations

from enum import Enum

__all__ = ["ResultKind"]


class ResultKind(Enum):
    """``SUCCESS``: a statement with nothing to show but OK (DDL, SET); ``SUCCESS_WITH_CONTENT``: rows (a query, SHOW)."""

    SUCCESS = 0
    SUCCESS_WITH_CONTENT = 1
