"""Lets classes be written with type parameters, as PyFlink's generic classes are.

``class Sum(ProcessWindowFunction[tuple, tuple, str, TimeWindow])`` must import and work;
the parameters only document the types.
"""

from __future__ import annotations

from typing import Any

__all__ = ["Subscriptable"]


class Subscriptable:
    def __class_getitem__(cls, params: Any) -> type:
        return cls
