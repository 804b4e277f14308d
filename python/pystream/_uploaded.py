"""``python -m pystream._uploaded SCRIPT``: a script uploaded to a gateway, in a process of its own.

The gateway starts one such process per upload (``POST /jobs/submit``), or on a cluster one of its
workers does, with ``PYSTREAM_GATEWAY`` pointing at the gateway and ``PYSTREAM_SUBMISSION`` naming
the upload, so the script's jobs reach the gateway as any remote client's do and are known as that
upload's. Whatever the script does to its interpreter (``os._exit``, monkeypatching, an endless
loop) stays here. The process ends when its parent (the gateway or the worker) does: a parent that
is killed cannot kill its children, so they watch it.
"""

from __future__ import annotations

import os
import sys
import threading
import time

from pystream import _bridge

__all__ = ["main"]

_PARENT_CHECK_S = 0.5
_ORPHANED = 70  # EX_SOFTWARE-like: the parent went away


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        sys.stderr.write("usage: python -m pystream._uploaded SCRIPT (a gateway or a worker runs it for an upload)\n")
        return 2
    # The parent names itself: one killed before this process got here would otherwise be missed (its pid read
    # from getppid() would already be the reaper's, which never goes away).
    _end_with_parent(int(os.environ.get("PYSTREAM_PARENT_PID") or os.getppid()))
    return _bridge.run_uploaded(argv[0])


def _end_with_parent(parent: int) -> None:
    """Ends this process once its parent (the gateway or the worker) is gone, even while the script loops forever."""
    if os.getppid() != parent:
        os._exit(_ORPHANED)  # gone already: the script never starts

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(_PARENT_CHECK_S)
        os._exit(_ORPHANED)

    threading.Thread(target=watch, name="pystream-gateway-watch", daemon=True).start()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
