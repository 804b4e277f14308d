"""Formatting of errors raised by user code, so users read their own frames first."""

from __future__ import annotations

import os
import traceback
from types import TracebackType

__all__ = ["describe_user_error", "format_user_error", "is_internal_frame", "OPERATOR_ATTRIBUTE"]

# Set on an exception by the segment to name the operation whose function raised.
OPERATOR_ATTRIBUTE = "_pystream_operator"

_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_INTERNAL_DIRS = (
    _PACKAGE_DIR + os.sep,
    os.path.join(os.path.dirname(_PACKAGE_DIR), "pyflink") + os.sep,
)


def is_internal_frame(filename: str) -> bool:
    """True for frames of PyStream's own modules (and the interpreter's bootstrap)."""
    return filename.startswith(_INTERNAL_DIRS) or filename.startswith("<frozen ")


def format_user_error(
    exc_type: type[BaseException] | None,
    exc: BaseException | None,
    tb: TracebackType | None,
) -> str:
    """The traceback of a user function's exception, without PyStream's own frames."""
    if exc is None:
        return f"{getattr(exc_type, '__name__', exc_type)}"
    if tb is None:
        tb = exc.__traceback__
    frames = [f for f in traceback.extract_tb(tb) if not is_internal_frame(f.filename)]
    lines = []
    if frames:
        lines.append("Traceback (most recent call last):\n")
        lines.extend(traceback.format_list(frames))
    lines.extend(traceback.format_exception_only(type(exc), exc))
    return "".join(lines).rstrip("\n")


def describe_user_error(
    exc_type: type[BaseException] | None,
    exc: BaseException | None,
    tb: TracebackType | None,
) -> tuple[str | None, str]:
    """The operation that raised (when known) and the user's traceback."""
    return getattr(exc, OPERATOR_ATTRIBUTE, None), format_user_error(exc_type, exc, tb)
