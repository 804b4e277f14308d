"""The one module that knows how jobs reach the engine.

Embedded (``./pystream run``): the C# host puts its engine here before the script runs,
and jobs execute in this process. Anywhere else (``python job.py``, a notebook, a script
uploaded to a gateway, which runs in a process of its own) jobs go to a gateway:
``PYSTREAM_GATEWAY`` (host:port), or a local one started on first use and reused.
Every other module stays pure API.
"""

from __future__ import annotations

import os
import runpy
import sys
import traceback
from typing import Any, Callable

from pystream._runtime.errors import is_internal_frame
from pystream.errors import JobExecutionError
from pystream.util.exceptions import JavaException, from_engine

__all__ = ["engine", "start_job", "execution_plan", "read_settings", "sql", "run_script", "run_uploaded"]

_engine: Any = None  # ./pystream run: the whole process's engine


def engine() -> Any:
    """The engine jobs run on: embedded when the host set one, else a gateway."""
    if _engine is not None:
        return _engine
    from pystream import _gateway
    return _gateway.remote_engine()


def start_job(build_spec: Callable[[], bytes]) -> Any:
    """Starts the job ``build_spec`` serializes (it pickles the user's functions, so the engine
    is asked first how they must travel); the handle has ``job_id``, ``status()``, ``wait(ms)``,
    ``failure()``, ``drain(id)``, ``cancel()``."""
    target = engine()
    prepare = getattr(target, "prepare_pickling", None)
    if prepare is not None:
        prepare()
    return _engine_call(lambda: target.start(build_spec()))


def execution_plan(spec: bytes) -> str:
    return str(_engine_call(lambda: engine().plan(spec)))


def read_settings(configuration: dict[str, str]) -> dict[str, str]:
    """``configuration`` as the engine reads it: aliases resolved, durations in milliseconds,
    Flink's spelling of enum values; raises the engine's refusal of a value."""
    read = _engine_call(lambda: engine().read_settings(configuration))
    return {str(key): str(value) for key, value in dict(read).items()}


def sql(request: bytes) -> bytes:
    """A table environment's statement: a serialized ``pystream.v1.SqlRequest`` in, the engine's
    ``SqlResponse`` out; a refusal raises the ``pyflink.util.exceptions`` class of its kind."""
    target = engine()
    try:
        return bytes(target.sql(request))
    except JavaException:
        raise
    except Exception as error:
        refusal = _refusal(error)
        if refusal is None:
            raise
        raise from_engine(*refusal) from None


def _engine_call(call: Any) -> Any:
    """Turns the engine's refusals (a .NET exception) into a Python error with its message."""
    try:
        return call()
    except Exception as error:
        refusal = _refusal(error)
        if refusal is None:
            raise
        raise JobExecutionError(refusal[1], None, str(error)) from None


def _refusal(error: Exception) -> tuple[str, str] | None:
    """The engine's exception type name and message, when ``error`` is one (a .NET exception); else None.
    A message of the engine's own exceptions is for the user as it is; any other names its type."""
    message = getattr(error, "Message", None)
    if message is None:
        return None
    type_name = error.GetType().FullName
    if not type_name.startswith("PyStream."):
        message = f"{type_name}: {message}"
    return str(error.GetType().Name), str(message)


def run_script(path: str, argv: list[str], embedded_engine: Any, verbose: bool) -> int:
    """Runs a script as ``python SCRIPT ARGS`` would, on ``embedded_engine``; returns the exit code."""
    global _engine
    _engine = embedded_engine
    try:
        code, error = _run_main(path, [str(a) for a in argv], verbose)
        sys.stderr.write(error)
        return code
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        _engine = None


def run_uploaded(path: str) -> int:
    """Runs a script a gateway received, in this process of its own (``pystream._uploaded``); its jobs
    go to that gateway. Prints the script's error as ``./pystream run`` would; returns the exit code."""
    try:
        code, error = _run_main(path, [path], verbose=False)
        sys.stderr.write(error)
        return code
    finally:
        sys.stdout.flush()
        sys.stderr.flush()


def _run_main(path: str, argv: list[str], verbose: bool) -> tuple[int, str]:
    """Runs the script as ``__main__``: its exit code, and its error text (empty when none)."""
    sys.argv = argv
    sys.path.insert(0, os.path.dirname(os.path.abspath(path)))
    try:
        runpy.run_path(path, run_name="__main__")
        return 0, ""
    except SystemExit as exit:
        return _exit_code(exit.code)
    except JobExecutionError as error:
        parts = [error.user_traceback + "\n" if error.user_traceback else "",
                 error.detail + "\n" if verbose and error.detail else "",
                 f"pystream: job failed: {error.message}\n"]
        return 1, "".join(parts)
    except BaseException as error:  # the script's own error: show it as Python would
        return 1, _script_error(error, verbose)


def _exit_code(code: Any) -> tuple[int, str]:
    if code is None:
        return 0, ""
    if isinstance(code, int):
        return code, ""
    return 1, f"{code}\n"


def _script_error(error: BaseException, verbose: bool) -> str:
    if verbose:
        return "".join(traceback.format_exception(error))
    if isinstance(error, SyntaxError):
        return "".join(traceback.format_exception_only(type(error), error))
    frames = [f for f in traceback.extract_tb(error.__traceback__) if not is_internal_frame(f.filename)]
    lines = ["Traceback (most recent call last):\n", *traceback.format_list(frames)] if frames else []
    lines.extend(traceback.format_exception_only(type(error), error))
    return "".join(lines)
