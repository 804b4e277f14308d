"""``BroadcastStream`` and ``BroadcastConnectedStream``: ``stream.connect(rules.broadcast(descriptor))``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pystream._proto import jobspec_pb2 as spec_pb
from pystream.common.typeinfo import TypeInformation
from pystream.datastream._pipeline import Input, Kind, PythonOperation
from pystream.datastream.functions import BroadcastProcessFunction, KeyedBroadcastProcessFunction
from pystream.datastream.state import MapStateDescriptor

if TYPE_CHECKING:
    from pystream.datastream.data_stream import DataStream

__all__ = ["BroadcastStream", "BroadcastConnectedStream"]


class BroadcastStream:
    def __init__(self, stream: "DataStream", descriptors: list[MapStateDescriptor]) -> None:
        for descriptor in descriptors:
            if not isinstance(descriptor, MapStateDescriptor):
                raise TypeError("broadcast state is declared with MapStateDescriptors")
        self._stream = stream
        self._descriptors = descriptors


class BroadcastConnectedStream:
    def __init__(self, stream: "DataStream", broadcast: BroadcastStream) -> None:
        self._stream = stream
        self._broadcast = broadcast

    def process(self, func: Any, output_type: TypeInformation | None = None) -> "DataStream":
        from pystream.datastream.data_stream import DataStream
        keyed = self._stream._key_selector()
        if isinstance(func, KeyedBroadcastProcessFunction):
            if keyed is None:
                raise TypeError("a KeyedBroadcastProcessFunction needs a keyed stream: key_by(...).connect(broadcast)")
        elif isinstance(func, BroadcastProcessFunction):
            if keyed is not None:
                raise TypeError("a keyed stream connected to a broadcast stream needs a KeyedBroadcastProcessFunction")
        else:
            raise TypeError("process needs a BroadcastProcessFunction or a KeyedBroadcastProcessFunction")
        env = self._stream._env
        inputs = [self._stream._input(), Input(self._broadcast._stream._node, spec_pb.BROADCAST)]
        operation = PythonOperation(Kind.BROADCAST_PROCESS, func, keyed,
                                    state_descriptors=list(self._broadcast._descriptors))
        node = env._pipeline.add("Co-Process-Broadcast" + ("-Keyed" if keyed is not None else ""), "python",
                                 python=operation, output_type=output_type, inputs=inputs)
        return DataStream(env, node)
