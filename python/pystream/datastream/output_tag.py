"""``OutputTag``: names a side output, as in ``pyflink.datastream.output_tag``."""

from __future__ import annotations

from pystream.common.typeinfo import TypeInformation

__all__ = ["OutputTag"]


class OutputTag:
    """A side output's name and type. Yield ``(tag, value)`` from a process function to use it."""

    def __init__(self, tag_id: str, type_info: TypeInformation | None = None) -> None:
        if not isinstance(tag_id, str) or not tag_id:
            raise ValueError("OutputTag needs a non-empty tag id")
        self.tag_id = tag_id
        self.type_info = type_info

    def __eq__(self, other: object) -> bool:
        return isinstance(other, OutputTag) and other.tag_id == self.tag_id

    def __hash__(self) -> int:
        return hash(self.tag_id)

    def __repr__(self) -> str:
        return f"OutputTag({self.tag_id!r})"
