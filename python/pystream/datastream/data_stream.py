"""``DataStream`` and ``KeyedStream``, as in ``pyflink.datastream.data_stream``.

Every method only records a transformation in the environment's pipeline; the engine
runs them when the job is executed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pystream._proto import jobspec_pb2 as spec_pb
from pystream._pyflink_api import install_unsupported, unsupported
from pystream.common.typeinfo import TupleTypeInfo, TypeInformation, Types
from pystream.datastream._aggregations import FieldAggregation
from pystream.datastream._pipeline import Input, Kind, Node, PythonOperation, dumps
from pystream.datastream.functions import KeyedProcessFunction, ProcessFunction
from pystream.datastream.output_tag import OutputTag

if TYPE_CHECKING:
    from pystream.datastream.stream_execution_environment import StreamExecutionEnvironment

__all__ = ["DataStream", "KeyedStream", "DataStreamSink"]


class DataStream:
    """A stream of records: the output of one transformation, perhaps repartitioned."""

    def __init__(self, env: "StreamExecutionEnvironment", node: Node,
                 partitioning: int = spec_pb.AUTO, function: bytes = b"") -> None:
        self._env = env
        self._node = node
        self._partitioning = partitioning
        self._function = function

    # ---- properties of the transformation ---------------------------------------------

    def get_name(self) -> str:
        return self._node.name

    def get_execution_environment(self) -> "StreamExecutionEnvironment":
        return self._env

    def set_description(self, description: str) -> "DataStream":
        self._node.description = description
        return self

    def name(self, name: str) -> "DataStream":
        self._node.name = name
        return self

    def uid(self, uid: str) -> "DataStream":
        # from_source's stream is the source in PyFlink (its deserializer and watermarks run inside
        # it): the uid names the source, whose state (offsets, splits) savepoints map by it.
        node = self._node
        while node.parallel_with is not None:
            node = node.parallel_with
        node.uid = uid
        return self

    def set_uid_hash(self, uid_hash: str) -> "DataStream":
        raise NotImplementedError("DataStream.set_uid_hash is not supported by PyStream; use uid()")

    def get_type(self) -> TypeInformation | None:
        return self._node.output_type

    def get_execution_config(self) -> Any:
        return self._env.get_config()

    def set_parallelism(self, parallelism: int) -> "DataStream":
        if not isinstance(parallelism, int) or parallelism < 1:
            raise ValueError(f"parallelism must be a positive int, got {parallelism!r}")
        if self._node.kind == "source" and self._node.source.WhichOneof("kind") == "collection" and parallelism != 1:
            raise ValueError("The parallelism of non parallel operator must be 1.")
        node: Node | None = self._node
        while node is not None:  # a source, its deserializer and its watermarks are one operator in PyFlink
            node.parallelism = parallelism
            node = node.parallel_with
        return self

    def set_max_parallelism(self, max_parallelism: int) -> "DataStream":
        if not isinstance(max_parallelism, int) or max_parallelism < 1:
            raise ValueError(f"max parallelism must be a positive int, got {max_parallelism!r}")
        self._node.max_parallelism = max_parallelism
        return self

    def disable_chaining(self) -> "DataStream":
        self._node.chaining = spec_pb.CHAIN_NEVER
        return self

    def start_new_chain(self) -> "DataStream":
        self._node.chaining = spec_pb.CHAIN_HEAD
        return self

    def slot_sharing_group(self, slot_sharing_group: Any) -> "DataStream":
        # One process runs every task here; slot sharing has nothing to divide.
        return self

    # ---- partitioning ------------------------------------------------------------------

    def _repartitioned(self, partitioning: int, function: bytes = b"") -> "DataStream":
        return DataStream(self._env, self._node, partitioning, function)

    def forward(self) -> "DataStream":
        return self._repartitioned(spec_pb.FORWARD)

    def rebalance(self) -> "DataStream":
        return self._repartitioned(spec_pb.REBALANCE)

    def rescale(self) -> "DataStream":
        return self._repartitioned(spec_pb.RESCALE)

    def shuffle(self) -> "DataStream":
        return self._repartitioned(spec_pb.SHUFFLE)

    def broadcast(self, broadcast_state_descriptor: Any = None, *other: Any) -> Any:
        if broadcast_state_descriptor is None:
            return self._repartitioned(spec_pb.BROADCAST)
        from pystream.datastream.broadcast_stream import BroadcastStream
        return BroadcastStream(self, [broadcast_state_descriptor, *other])

    def partition_custom(self, partitioner: Any, key_selector: Any) -> "DataStream":
        return self._repartitioned(spec_pb.CUSTOM, dumps((partitioner, key_selector)))

    def key_by(self, key_selector: Any, key_type: TypeInformation | None = None) -> "KeyedStream":
        if not callable(key_selector) and not hasattr(key_selector, "get_key"):
            raise TypeError("key_by needs a KeySelector or a callable")
        return KeyedStream(self, key_selector, key_type)

    # ---- transformations ---------------------------------------------------------------

    def _input(self) -> Input:
        return Input(self._node, self._partitioning, self._function)

    def _python(self, name: str, operation: PythonOperation, output_type: TypeInformation | None) -> "DataStream":
        node = self._env._pipeline.add(name, "python", python=operation, output_type=output_type,
                                       inputs=[self._input()])
        if not self._env.is_chaining_enabled():
            node.chaining = spec_pb.CHAIN_NEVER
        return DataStream(self._env, node)

    def _key_selector(self) -> Any:
        return None

    def map(self, func: Any, output_type: TypeInformation | None = None) -> "DataStream":
        return self._python("Map", PythonOperation(Kind.MAP, func, self._key_selector()), output_type)

    def flat_map(self, func: Any, output_type: TypeInformation | None = None) -> "DataStream":
        return self._python("FlatMap", PythonOperation(Kind.FLAT_MAP, func, self._key_selector()), output_type)

    def filter(self, func: Any) -> "DataStream":
        return self._python("Filter", PythonOperation(Kind.FILTER, func, self._key_selector()), self._node.output_type)

    def process(self, func: Any, output_type: TypeInformation | None = None) -> "DataStream":
        if not isinstance(func, ProcessFunction):
            raise TypeError("DataStream.process needs a ProcessFunction")
        return self._python("Process", PythonOperation(Kind.PROCESS, func), output_type)

    def project(self, *field_indexes: int) -> "DataStream":
        output_type = self._node.output_type
        if not isinstance(output_type, TupleTypeInfo):
            raise Exception("Only supports projecting tuple streams.")
        types = output_type.get_field_types()
        projected = Types.TUPLE([types[i] for i in field_indexes])
        indexes = tuple(field_indexes)
        return self._python("Projection", PythonOperation(Kind.MAP, lambda value: tuple(value[i] for i in indexes)),
                            projected)

    def union(self, *streams: "DataStream") -> "DataStream":
        for stream in streams:
            if stream._env is not self._env:
                raise ValueError("union needs streams of the same execution environment")
        node = self._env._pipeline.add("Union", "union", output_type=self._node.output_type,
                                       inputs=[s._input() for s in (self, *streams)])
        return DataStream(self._env, node)

    def assign_timestamps_and_watermarks(self, watermark_strategy: Any) -> "DataStream":
        to_spec = getattr(watermark_strategy, "_to_spec", None)
        if to_spec is None:
            raise TypeError("assign_timestamps_and_watermarks needs a WatermarkStrategy")
        node = self._env._pipeline.add("Timestamps/Watermarks", "watermarks", watermarks=to_spec(),
                                       output_type=self._node.output_type, inputs=[self._input()],
                                       parallelism=self._node.parallelism)
        return DataStream(self._env, node)

    def get_side_output(self, output_tag: OutputTag) -> "DataStream":
        if self._node.kind != "python":
            raise ValueError("get_side_output needs the output of a process function")
        if output_tag.tag_id not in self._node.side_output_tags:
            self._node.side_output_tags.append(output_tag.tag_id)
        node = self._env._pipeline.add(f"SideOutput: {output_tag.tag_id}", "side_output",
                                       output_type=output_tag.type_info, inputs=[Input(self._node)],
                                       side_output_tag=output_tag.tag_id)
        return DataStream(self._env, node)

    # ---- sinks ---------------------------------------------------------------------------

    def _sink(self, name: str, sink: spec_pb.SinkSpec) -> "DataStreamSink":
        node = self._env._pipeline.add(name, "sink", sink=sink, inputs=[self._input()])
        return DataStreamSink(node)

    def print(self, sink_identifier: str | None = None) -> "DataStreamSink":
        type_info = self._node.output_type
        sink = spec_pb.SinkSpec(print=spec_pb.PrintSink(
            identifier=sink_identifier or "",
            type_info=dumps(type_info) if type_info is not None else b""))
        return self._sink("Sink: Print to Std. Out", sink)

    def sink_to(self, sink: Any) -> "DataStreamSink":
        to_spec = getattr(sink, "_to_sink_spec", None)
        if to_spec is None:
            raise NotImplementedError(f"sink_to({type(sink).__name__}) is not supported by PyStream yet")
        name, spec = to_spec()
        if spec.WhichOneof("kind") == "file" and self._node.output_type is not None:
            spec.file.type_info = dumps(self._node.output_type)
        return self._sink(name, spec)

    def add_sink(self, sink_func: Any) -> "DataStreamSink":
        return self.sink_to(sink_func)

    def execute_and_collect(self, job_execution_name: str | None = None, limit: int | None = None) -> Any:
        return self._env._execute_and_collect(self, job_execution_name, limit)

    # ---- later capabilities ------------------------------------------------------------

    def window_all(self, window_assigner: Any) -> Any:
        from pystream.datastream.windowed_stream import AllWindowedStream
        return AllWindowedStream(self, window_assigner)

    def count_window_all(self, size: int, slide: int = 0) -> Any:
        from pystream.datastream.window import GlobalWindows
        from pystream.datastream.windowed_stream import AllWindowedStream, count_window
        return count_window(AllWindowedStream(self, GlobalWindows.create()), size, slide)
    def connect(self, ds: Any) -> Any:
        from pystream.datastream.broadcast_stream import BroadcastConnectedStream, BroadcastStream
        from pystream.datastream.connected_streams import ConnectedStreams
        if isinstance(ds, BroadcastStream):
            return BroadcastConnectedStream(self, ds)
        return ConnectedStreams(self, ds)
    map_with_timestamp = staticmethod(unsupported("DataStream.map_with_timestamp"))


class KeyedStream(DataStream):
    """A stream partitioned by key: keyed state, timers and rolling aggregations per key."""

    def __init__(self, stream: DataStream, key_selector: Any, key_type: TypeInformation | None) -> None:
        super().__init__(stream._env, stream._node, spec_pb.HASH, dumps(key_selector))
        self._selector = key_selector
        self._key_type = key_type

    def _key_selector(self) -> Any:
        return self._selector

    def set_parallelism(self, parallelism: int) -> "DataStream":
        raise Exception("Set parallelism for KeyedStream is not supported.")

    def name(self, name: str) -> "DataStream":
        raise Exception("Set name for KeyedStream is not supported.")

    def uid(self, uid: str) -> "DataStream":
        raise Exception("Set uid for KeyedStream is not supported.")

    def process(self, func: Any, output_type: TypeInformation | None = None) -> "DataStream":
        if not isinstance(func, KeyedProcessFunction):
            raise TypeError("KeyedStream.process needs a KeyedProcessFunction")
        return self._python("KeyedProcess", PythonOperation(Kind.KEYED_PROCESS, func, self._selector), output_type)

    def reduce(self, func: Any) -> "DataStream":
        return self._python("Keyed Reduce", PythonOperation(Kind.REDUCE, func, self._selector), self._node.output_type)

    def _aggregate(self, kind: str, field: int | str) -> "DataStream":
        return self._python(f"Keyed Aggregation ({kind})",
                            PythonOperation(Kind.REDUCE, FieldAggregation(kind, field), self._selector),
                            self._node.output_type)

    def sum(self, position_to_sum: int | str = 0) -> "DataStream":
        return self._aggregate("sum", position_to_sum)

    def min(self, position_to_min: int | str = 0) -> "DataStream":
        return self._aggregate("min", position_to_min)

    def max(self, position_to_max: int | str = 0) -> "DataStream":
        return self._aggregate("max", position_to_max)

    def min_by(self, position_to_min_by: int | str = 0) -> "DataStream":
        return self._aggregate("min_by", position_to_min_by)

    def max_by(self, position_to_max_by: int | str = 0) -> "DataStream":
        return self._aggregate("max_by", position_to_max_by)

    def union(self, *streams: DataStream) -> DataStream:
        return DataStream(self._env, self._node).union(*streams)

    def window(self, window_assigner: Any) -> Any:
        from pystream.datastream.windowed_stream import WindowedStream
        return WindowedStream(self, self._selector, window_assigner)

    def count_window(self, size: int, slide: int = 0) -> Any:
        from pystream.datastream.window import GlobalWindows
        from pystream.datastream.windowed_stream import WindowedStream, count_window
        return count_window(WindowedStream(self, self._selector, GlobalWindows.create()), size, slide)

    def _repartitioned(self, partitioning: int, function: bytes = b"") -> DataStream:
        raise Exception("Cannot override partitioning for KeyedStream.")


class WindowResultStream(DataStream):
    """A window's results; its late records are a side output under the tag given to side_output_late_data."""

    def __init__(self, env: "StreamExecutionEnvironment", node: Node, late_tag: OutputTag | None) -> None:
        super().__init__(env, node)
        self._late_tag = late_tag

    def get_side_output(self, output_tag: OutputTag) -> "DataStream":
        """Late records (the tag given to side_output_late_data), or what the window function yields to the tag."""
        late = self._late_tag is not None and output_tag.tag_id == self._late_tag.tag_id
        tags = self._node.window.side_output_tags
        if not late and output_tag.tag_id not in tags:
            tags.append(output_tag.tag_id)
        node = self._env._pipeline.add(f"SideOutput: {output_tag.tag_id}", "side_output",
                                       output_type=output_tag.type_info or (self._node.inputs[0].source.output_type if late else None),
                                       inputs=[Input(self._node)], side_output_tag=output_tag.tag_id)
        return DataStream(self._env, node)


class DataStreamSink:
    """What a sink returns: lets the sink be named and sized."""

    def __init__(self, node: Node) -> None:
        self._node = node

    def name(self, name: str) -> "DataStreamSink":
        self._node.name = name
        return self

    def uid(self, uid: str) -> "DataStreamSink":
        self._node.uid = uid
        return self

    def set_parallelism(self, parallelism: int) -> "DataStreamSink":
        if not isinstance(parallelism, int) or parallelism < 1:
            raise ValueError(f"parallelism must be a positive int, got {parallelism!r}")
        self._node.parallelism = parallelism
        return self

    def set_description(self, description: str) -> "DataStreamSink":
        self._node.description = description
        return self

    def disable_chaining(self) -> "DataStreamSink":
        self._node.chaining = spec_pb.CHAIN_NEVER
        return self

    def slot_sharing_group(self, slot_sharing_group: Any) -> "DataStreamSink":
        return self


for _cls in (DataStream, KeyedStream, DataStreamSink):
    install_unsupported(_cls)
