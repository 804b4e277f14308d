"""The logical job a script builds: transformations, recorded and turned into a JobSpec.

Nothing here runs anything. ``DataStream`` methods add ``Node``s; ``execute`` turns them
into the protobuf ``JobSpec`` that the engine runs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import cloudpickle

from pystream._proto import jobspec_pb2 as spec_pb
from pystream.common.typeinfo import TypeInformation

__all__ = ["Node", "Input", "Pipeline", "PythonOperation", "dumps"]

Kind = spec_pb.PythonOperatorSpec

# A filter passes its input on unchanged, and a deserializer's results are typed by its schema.
_UNCHECKED_OUTPUTS = (Kind.FILTER, Kind.DESERIALIZE)


def dumps(value: Any) -> bytes:
    """Pickles a user function or type so that it travels with the job."""
    return cloudpickle.dumps(value)


@dataclass
class PythonOperation:
    """What a Python transformation asks for: its kind, the user's function and key selectors.

    The objects are pickled only when the job's spec is built: by then the engine has said
    how the script's own modules must travel (by value, to a gateway).
    """

    kind: int
    function: Any
    key_selector: Any = None
    key_selector2: Any = None
    # BROADCAST_PROCESS: the MapStateDescriptors given to broadcast().
    state_descriptors: list[Any] | None = None
    # DESERIALIZE: the source's name and whether values that do not decode are skipped.
    source_name: str = ""
    skip: bool = False

    def to_proto(self) -> spec_pb.PythonOperatorSpec:
        spec = spec_pb.PythonOperatorSpec(kind=self.kind, function=dumps(self.function),
                                          keyed=self.key_selector is not None)
        if self.key_selector is not None:
            spec.key_selector = dumps(self.key_selector)
        if self.key_selector2 is not None:
            spec.key_selector2 = dumps(self.key_selector2)
        if self.state_descriptors is not None:
            spec.broadcast.state_descriptors = dumps(self.state_descriptors)
        if self.kind == Kind.DESERIALIZE:
            spec.deserialize.source_name = self.source_name
            spec.deserialize.on_failure = spec_pb.SKIP if self.skip else spec_pb.FAIL
        return spec


@dataclass
class Input:
    source: "Node"
    partitioning: int = spec_pb.AUTO
    function: bytes = b""


@dataclass(eq=False)
class Node:
    id: int
    name: str
    kind: str  # source | python | sink | union | side_output | watermarks | window | sql | cep
    output_type: TypeInformation | None = None
    inputs: list[Input] = field(default_factory=list)
    parallelism: int = 0
    max_parallelism: int = 0
    uid: str = ""
    chaining: int = spec_pb.CHAIN_DEFAULT
    source: spec_pb.SourceSpec | None = None
    sink: spec_pb.SinkSpec | None = None
    python: PythonOperation | None = None
    side_output_tags: list[str] = field(default_factory=list)
    side_output_tag: str = ""
    description: str = ""
    watermarks: spec_pb.WatermarkSpec | None = None
    window: spec_pb.WindowSpec | None = None
    # kind "sql": a table's operator, as the engine planned it (to_data_stream, from_data_stream).
    sql: spec_pb.SqlOperatorSpec | None = None
    # kind "cep": a pattern stream's NFA and function (pystream.cep).
    cep: spec_pb.CepSpec | None = None
    # A node that is one operator with this one in PyFlink (a source and its watermarks):
    # parallelism set on this node applies to both.
    parallel_with: "Node | None" = None

    def to_proto(self) -> spec_pb.Transformation:
        t = spec_pb.Transformation(id=self.id, name=self.name, uid=self.uid,
                                   parallelism=self.parallelism, chaining=self.chaining)
        for i in self.inputs:
            t.inputs.add(source_id=i.source.id, partitioning=i.partitioning, function=i.function)
        if self.kind == "source":
            t.source.CopyFrom(self.source)
        elif self.kind == "sink":
            t.sink.CopyFrom(self.sink)
        elif self.kind == "python":
            t.python.CopyFrom(self.python.to_proto())
            t.python.side_output_tags.extend(self.side_output_tags)
            if self.output_type is not None and self.python.kind not in _UNCHECKED_OUTPUTS:
                t.python.output_type = dumps(self.output_type)
        elif self.kind == "union":
            t.union.SetInParent()
        elif self.kind == "side_output":
            t.side_output.tag = self.side_output_tag
        elif self.kind == "watermarks":
            t.watermarks.CopyFrom(self.watermarks)
        elif self.kind == "window":
            t.window.CopyFrom(self.window)
        elif self.kind == "sql":
            t.sql.CopyFrom(self.sql)
        elif self.kind == "cep":
            t.cep.CopyFrom(self.cep)
        return t


class Pipeline:
    """The transformations added since the last execution."""

    def __init__(self) -> None:
        self.nodes: list[Node] = []
        self._next_id = 1

    def add(self, name: str, kind: str, **fields: Any) -> Node:
        node = Node(id=self._next_id, name=name, kind=kind, **fields)
        self._next_id += 1
        self.nodes.append(node)
        return node

    def clear(self) -> None:
        self.nodes = []

    def to_spec(self, name: str, *, mode: int, parallelism: int, max_parallelism: int,
                configuration: dict[str, str], job_parameters: dict[str, str],
                python_files: list[str], watermark_interval_ms: int = 200) -> spec_pb.JobSpec:
        if not self.nodes:
            raise RuntimeError("No operators defined in streaming topology. Cannot execute.")
        uids = [n.uid for n in self.nodes if n.uid]
        duplicates = sorted({u for u in uids if uids.count(u) > 1})
        if duplicates:
            raise ValueError(f"uid(s) used by more than one operator: {', '.join(duplicates)}")
        spec = spec_pb.JobSpec(name=name, mode=mode, parallelism=parallelism, max_parallelism=max_parallelism)
        spec.configuration.update(configuration)
        spec.job_parameters.update(job_parameters)
        spec.python_files.extend(python_files)
        nodes = self._with_upstream()
        for node in nodes:
            if node.kind == "watermarks":
                node.watermarks.interval_ms = watermark_interval_ms
            elif node.kind == "source" and node.source.WhichOneof("kind") == "kafka" \
                    and node.source.kafka.HasField("watermarks"):
                node.source.kafka.watermarks.interval_ms = watermark_interval_ms  # generated in the source
        spec.transformations.extend(node.to_proto() for node in nodes)
        return spec

    def _with_upstream(self) -> list[Node]:
        """The nodes added since the last execution and every node they read, by id (so in
        topological order): a stream built before an execute() can feed a later job."""
        seen: dict[int, Node] = {}
        pending = list(self.nodes)
        while pending:
            node = pending.pop()
            if node.id not in seen:
                seen[node.id] = node
                pending.extend(i.source for i in node.inputs)
        return [seen[i] for i in sorted(seen)]
