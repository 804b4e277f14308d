"""``ConnectedStreams``: two streams into one operation, as ``DataStream.connect`` gives."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pystream._proto import jobspec_pb2 as spec_pb
from pystream.common.typeinfo import TypeInformation
from pystream.datastream._pipeline import Input, Kind, PythonOperation, dumps
from pystream.datastream.functions import CoProcessFunction, KeyedCoProcessFunction

if TYPE_CHECKING:
    from pystream.datastream.data_stream import DataStream

__all__ = ["ConnectedStreams"]


class ConnectedStreams:
    def __init__(self, first: "DataStream", second: "DataStream", key_selectors: tuple[Any, Any] | None = None) -> None:
        if first._env is not second._env:
            raise ValueError("connect needs streams of the same execution environment")
        self.stream1 = first
        self.stream2 = second
        # Two keyed streams connect keyed, as in PyFlink.
        if key_selectors is None and first._key_selector() is not None and second._key_selector() is not None:
            key_selectors = (first._key_selector(), second._key_selector())
        self._keys = key_selectors

    def key_by(self, key_selector1: Any, key_selector2: Any, key_type: TypeInformation | None = None) -> "ConnectedStreams":
        return ConnectedStreams(self.stream1, self.stream2, (key_selector1, key_selector2))

    def _inputs(self) -> list[Input]:
        if self._keys is None:
            return [self.stream1._input(), self.stream2._input()]
        return [Input(self.stream1._node, spec_pb.HASH, dumps(self._keys[0])),
                Input(self.stream2._node, spec_pb.HASH, dumps(self._keys[1]))]

    def _operation(self, name: str, kind: int, func: Any, key_selectors: tuple[Any, Any],
                   output_type: TypeInformation | None) -> "DataStream":
        from pystream.datastream.data_stream import DataStream
        env = self.stream1._env
        node = env._pipeline.add(name, "python", python=PythonOperation(kind, func, *key_selectors),
                                 output_type=output_type, inputs=self._inputs())
        return DataStream(env, node)

    def _selectors(self) -> tuple[Any, Any]:
        return self._keys if self._keys is not None else (None, None)

    def map(self, func: Any, output_type: TypeInformation | None = None) -> "DataStream":
        return self._operation("Co-Map", Kind.CO_MAP, func, self._selectors(), output_type)

    def flat_map(self, func: Any, output_type: TypeInformation | None = None) -> "DataStream":
        return self._operation("Co-Flat Map", Kind.CO_FLAT_MAP, func, self._selectors(), output_type)

    def process(self, func: Any, output_type: TypeInformation | None = None) -> "DataStream":
        if isinstance(func, KeyedCoProcessFunction):
            if self._keys is None:
                raise TypeError("a KeyedCoProcessFunction needs keyed connected streams: connect(...).key_by(k1, k2)")
            return self._operation("KeyedCoProcess", Kind.CO_PROCESS, func, self._keys, output_type)
        if not isinstance(func, CoProcessFunction):
            raise TypeError("ConnectedStreams.process needs a CoProcessFunction or a KeyedCoProcessFunction")
        return self._operation("Co-Process", Kind.CO_PROCESS, func, self._selectors(), output_type)
