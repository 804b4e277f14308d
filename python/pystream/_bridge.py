"""The one module that knows how jobs reach the engine.

Embedded (``./pystream run``): the C# host puts its engine here before the script runs,
and jobs execute in this process. Every other module stays pure API.
"""

from __future__ import annotations

import os
import runpy
import sys
import traceback
from typing import Any

from pystream._runtime.errors import is_internal_frame
from pystream.errors import JobExecutionError

__all__ = ["engine", "start_job", "execution_plan", "run_script"]

_engine: Any = None


def engine() -> Any:
    """The engine jobs of this process run on."""
    if _engine is None:
        raise RuntimeError(
            "PyStream has no engine in this process: run the script with `./pystream run SCRIPT.py`"
        )
    return _engine


def start_job(spec: bytes) -> Any:
    """Starts a job; the handle has ``job_id``, ``status()``, ``wait(ms)``, ``failure()``, ``drain(id)``, ``cancel()``."""
    return _engine_call(lambda: engine().start(spec))


def execution_plan(spec: bytes) -> str:
    return str(_engine_call(lambda: engine().plan(spec)))


def _engine_call(call: Any) -> Any:
    """Turns the engine's refusals (a .NET exception) into a Python error with its message."""
    try:
        return call()
    except Exception as error:
        message = getattr(error, "Message", None)
        if message is None:
            raise
        type_name = error.GetType().FullName
        if not type_name.startswith("PyStream."):
            message = f"{type_name}: {message}"
        raise JobExecutionError(str(message), None, str(error)) from None


def run_script(path: str, argv: list[str], embedded_engine: Any, verbose: bool) -> int:
    """Runs a script as ``python SCRIPT ARGS`` would, on ``embedded_engine``; returns the exit code."""
    global _engine
    _engine = embedded_engine
    sys.argv = [str(a) for a in argv]
    sys.path.insert(0, os.path.dirname(os.path.abspath(path)))
    try:
        runpy.run_path(path, run_name="__main__")
        return 0
    except SystemExit as exit:
        return _exit_code(exit.code)
    except JobExecutionError as error:
        if error.user_traceback:
            print(error.user_traceback, file=sys.stderr)
        if verbose and error.detail:
            print(error.detail, file=sys.stderr)
        print(f"pystream: job failed: {error.message}", file=sys.stderr)
        return 1
    except BaseException as error:  # the script's own error: show it as Python would
        _print_script_error(error, verbose)
        return 1
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        _engine = None


def _exit_code(code: Any) -> int:
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)
    return 1


def _print_script_error(error: BaseException, verbose: bool) -> None:
    if verbose:
        traceback.print_exception(error, file=sys.stderr)
        return
    if isinstance(error, SyntaxError):
        sys.stderr.write("".join(traceback.format_exception_only(type(error), error)))
        return
    frames = [f for f in traceback.extract_tb(error.__traceback__) if not is_internal_frame(f.filename)]
    lines = ["Traceback (most recent call last):\n", *traceback.format_list(frames)] if frames else []
    lines.extend(traceback.format_exception_only(type(error), error))
    sys.stderr.write("".join(lines))
