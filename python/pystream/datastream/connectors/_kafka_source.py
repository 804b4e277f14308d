"""``KafkaSource`` and its builder, offsets initializers and topic partitions.

The builder checks what Flink's ``KafkaSourceBuilder`` checks and records a
``KafkaSource`` spec for the engine, which reads the partitions and decodes values to
text. JSON and CSV values are then parsed by a Python operation chained to the source.
"""

from __future__ import annotations

import re
from enum import Enum
from typing import Any

from pystream._proto import jobspec_pb2 as spec_pb
from pystream.common.serialization import SimpleStringSchema
from pystream.common.typeinfo import TypeInformation, Types
from pystream.datastream._pipeline import Kind, PythonOperation
from pystream.datastream.formats.csv import CsvRowDeserializationSchema
from pystream.datastream.formats.json import JsonRowDeserializationSchema

__all__ = ["KafkaSource", "KafkaSourceBuilder", "KafkaTopicPartition", "KafkaOffsetResetStrategy",
           "KafkaOffsetsInitializer", "FAILURE_POLICY"]

# The connector's own property: what to do with a value that does not deserialize.
FAILURE_POLICY = "deserialization.failure-policy"
_POLICIES = {"fail": spec_pb.FAIL, "skip": spec_pb.SKIP}
# Properties with a field of their own in the spec (the engine adds them to librdkafka's).
_OWN_FIELDS = ("bootstrap.servers", "group.id", "client.id.prefix")
# The value formats a source reads: text decoded by the engine, or rows parsed in Python.
_DESERIALIZERS = (SimpleStringSchema, JsonRowDeserializationSchema, CsvRowDeserializationSchema)


def property_text(value: Any) -> str:
    # Kafka properties are strings; Python scripts often pass ints and bools.
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class KafkaTopicPartition:
    """A partition of a topic (Kafka's ``TopicPartition``)."""

    def __init__(self, topic: str, partition: int) -> None:
        self._topic = topic
        self._partition = partition

    def _to_proto(self, offset: int = 0) -> spec_pb.KafkaPartitionOffset:
        return spec_pb.KafkaPartitionOffset(topic=self._topic, partition=self._partition, offset=offset)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, KafkaTopicPartition) \
            and self._topic == other._topic and self._partition == other._partition

    def __hash__(self) -> int:
        return 31 * (31 + self._partition) + hash(self._topic)

    def __repr__(self) -> str:
        return f"KafkaTopicPartition({self._topic!r}, {self._partition})"


class KafkaOffsetResetStrategy(Enum):
    """Where a partition starts when the initializer has no offset for it."""

    LATEST = 0
    EARLIEST = 1
    NONE = 2


_RESETS = {
    KafkaOffsetResetStrategy.LATEST: spec_pb.KafkaOffsets.RESET_LATEST,
    KafkaOffsetResetStrategy.EARLIEST: spec_pb.KafkaOffsets.RESET_EARLIEST,
    KafkaOffsetResetStrategy.NONE: spec_pb.KafkaOffsets.RESET_NONE,
}


class KafkaOffsetsInitializer:
    """Starting or stopping offsets of every partition."""

    def __init__(self, offsets: spec_pb.KafkaOffsets) -> None:
        self._offsets = offsets

    @staticmethod
    def committed_offsets(offset_reset_strategy: KafkaOffsetResetStrategy = KafkaOffsetResetStrategy.NONE) \
            -> "KafkaOffsetsInitializer":
        return KafkaOffsetsInitializer(spec_pb.KafkaOffsets(
            kind=spec_pb.KafkaOffsets.COMMITTED, reset_strategy=_RESETS[offset_reset_strategy]))

    @staticmethod
    def timestamp(timestamp: int) -> "KafkaOffsetsInitializer":
        # Flink: partitions with no record that late start at the latest offset.
        return KafkaOffsetsInitializer(spec_pb.KafkaOffsets(
            kind=spec_pb.KafkaOffsets.TIMESTAMP, timestamp_ms=int(timestamp),
            reset_strategy=spec_pb.KafkaOffsets.RESET_LATEST))

    @staticmethod
    def earliest() -> "KafkaOffsetsInitializer":
        return KafkaOffsetsInitializer(spec_pb.KafkaOffsets(
            kind=spec_pb.KafkaOffsets.EARLIEST, reset_strategy=spec_pb.KafkaOffsets.RESET_EARLIEST))

    @staticmethod
    def latest() -> "KafkaOffsetsInitializer":
        return KafkaOffsetsInitializer(spec_pb.KafkaOffsets(
            kind=spec_pb.KafkaOffsets.LATEST, reset_strategy=spec_pb.KafkaOffsets.RESET_LATEST))

    @staticmethod
    def offsets(offsets: dict[KafkaTopicPartition, int],
                offset_reset_strategy: KafkaOffsetResetStrategy = KafkaOffsetResetStrategy.EARLIEST) \
            -> "KafkaOffsetsInitializer":
        spec = spec_pb.KafkaOffsets(kind=spec_pb.KafkaOffsets.SPECIFIC, reset_strategy=_RESETS[offset_reset_strategy])
        ordered = sorted(offsets.items(), key=lambda item: _order(item[0]))
        spec.offsets.extend(tp._to_proto(int(offset)) for tp, offset in ordered)
        return KafkaOffsetsInitializer(spec)

    def __repr__(self) -> str:
        return f"KafkaOffsetsInitializer({spec_pb.KafkaOffsets.Kind.Name(self._offsets.kind)})"


def _order(partition: KafkaTopicPartition) -> tuple[str, int]:
    # Sets and dicts of partitions: one order, so the same script builds the same spec.
    return partition._topic, partition._partition


def _require(value: Any, kind: type, call: str) -> None:
    if not isinstance(value, kind):
        raise TypeError(f"{call} needs a {kind.__name__}, got {type(value).__name__}")


class KafkaSource:
    """Reads Kafka topics; build one with ``KafkaSource.builder()``."""

    def __init__(self, spec: spec_pb.KafkaSource, deserializer: Any, output_type: TypeInformation, skip: bool) -> None:
        self._spec = spec
        self._deserializer = deserializer
        self._output_type = output_type
        self._skip = skip

    @staticmethod
    def builder() -> "KafkaSourceBuilder":
        return KafkaSourceBuilder()

    def _to_source_spec(self) -> tuple[spec_pb.SourceSpec, TypeInformation]:
        spec = spec_pb.SourceSpec()
        spec.kafka.CopyFrom(self._spec)  # a copy: from_source adds watermarks to it
        return spec, self._output_type

    def _deserialize_operation(self, source_name: str) -> PythonOperation | None:
        """The Python operation that parses the engine's text values, when the format needs one."""
        if isinstance(self._deserializer, SimpleStringSchema):
            return None
        return PythonOperation(Kind.DESERIALIZE, self._deserializer, source_name=source_name, skip=self._skip)


class KafkaSourceBuilder:
    """Collects a KafkaSource's settings; ``build()`` checks them as Flink does."""

    def __init__(self) -> None:
        self._properties: dict[str, str] = {}
        self._subscription: tuple[str, Any] | None = None
        self._starting = KafkaOffsetsInitializer.earliest()
        self._stopping: KafkaOffsetsInitializer | None = None
        self._bounded = False
        self._deserializer: Any = None

    def set_bootstrap_servers(self, bootstrap_servers: str) -> "KafkaSourceBuilder":
        return self.set_property("bootstrap.servers", bootstrap_servers)

    def set_group_id(self, group_id: str) -> "KafkaSourceBuilder":
        return self.set_property("group.id", group_id)

    def set_client_id_prefix(self, prefix: str) -> "KafkaSourceBuilder":
        return self.set_property("client.id.prefix", prefix)

    def set_property(self, key: str, value: str) -> "KafkaSourceBuilder":
        self._properties[key] = property_text(value)
        return self

    def set_properties(self, props: dict) -> "KafkaSourceBuilder":
        for key, value in props.items():
            self.set_property(key, value)
        return self

    def _subscribe(self, mode: str, value: Any) -> "KafkaSourceBuilder":
        if self._subscription is not None:
            raise ValueError(f"Cannot use {mode} for consumption because a {self._subscription[0]} "
                             "is already set for consumption.")
        self._subscription = (mode, value)
        return self

    def set_topics(self, *topics: str) -> "KafkaSourceBuilder":
        if len(topics) == 1 and isinstance(topics[0], (list, tuple)):
            topics = tuple(topics[0])
        if not topics or not all(isinstance(t, str) and t for t in topics):
            raise ValueError(f"set_topics needs one or more topic names, got {topics!r}")
        return self._subscribe("topic list", list(topics))

    def set_topic_pattern(self, topic_pattern: str) -> "KafkaSourceBuilder":
        try:
            re.compile(topic_pattern)
        except re.error as error:
            raise ValueError(f"set_topic_pattern: {topic_pattern!r} is not a regular expression: {error}") from None
        return self._subscribe("topic pattern", topic_pattern)

    def set_partitions(self, partitions: set[KafkaTopicPartition]) -> "KafkaSourceBuilder":
        partitions = set(partitions)
        if not partitions or not all(isinstance(p, KafkaTopicPartition) for p in partitions):
            raise ValueError("set_partitions needs a non-empty set of KafkaTopicPartition")
        return self._subscribe("partition set", sorted(partitions, key=_order))

    def set_starting_offsets(self, starting_offsets_initializer: KafkaOffsetsInitializer) -> "KafkaSourceBuilder":
        _require(starting_offsets_initializer, KafkaOffsetsInitializer, "set_starting_offsets")
        self._starting = starting_offsets_initializer
        return self

    def set_unbounded(self, stopping_offsets_initializer: KafkaOffsetsInitializer) -> "KafkaSourceBuilder":
        _require(stopping_offsets_initializer, KafkaOffsetsInitializer, "set_unbounded")
        self._stopping, self._bounded = stopping_offsets_initializer, False
        return self

    def set_bounded(self, stopping_offsets_initializer: KafkaOffsetsInitializer) -> "KafkaSourceBuilder":
        _require(stopping_offsets_initializer, KafkaOffsetsInitializer, "set_bounded")
        self._stopping, self._bounded = stopping_offsets_initializer, True
        return self

    def set_value_only_deserializer(self, deserialization_schema: Any) -> "KafkaSourceBuilder":
        if not isinstance(deserialization_schema, _DESERIALIZERS):
            raise TypeError(f"set_value_only_deserializer: {type(deserialization_schema).__name__} is not supported "
                            "by PyStream; use SimpleStringSchema, JsonRowDeserializationSchema or "
                            "CsvRowDeserializationSchema")
        self._deserializer = deserialization_schema
        return self

    def build(self) -> KafkaSource:
        properties = dict(self._properties)
        servers = properties.get("bootstrap.servers")
        if not servers:
            raise ValueError("Property bootstrap.servers is required but not provided")
        if self._subscription is None:
            raise ValueError("No subscribe mode is specified, should be one of topics, topic pattern and "
                             "partition set.")
        if self._deserializer is None:
            raise ValueError("Deserialization schema is required but not provided.")
        group = properties.get("group.id", "")
        if not group and any(properties.get(k, "").lower() == "true"
                             for k in ("enable.auto.commit", "commit.offsets.on.checkpoint")):
            raise ValueError("Property group.id is required when offset commit is enabled")
        if not group and self._starting._offsets.kind == spec_pb.KafkaOffsets.COMMITTED:
            raise ValueError("Property group.id is required when using committed offset for offsets initializer")
        policy = properties.get(FAILURE_POLICY, "fail").lower()
        if policy not in _POLICIES:
            raise ValueError(f"Property {FAILURE_POLICY} must be 'fail' or 'skip', got '{properties[FAILURE_POLICY]}'")
        skip = policy == "skip" or bool(getattr(self._deserializer, "_ignore_parse_errors", False))
        return KafkaSource(self._spec(properties, skip), self._deserializer, self._output_type(), skip)

    def _spec(self, properties: dict[str, str], skip: bool) -> spec_pb.KafkaSource:
        charset = self._deserializer.charset if isinstance(self._deserializer, SimpleStringSchema) else ""
        spec = spec_pb.KafkaSource(
            bootstrap_servers=properties["bootstrap.servers"], group_id=properties.get("group.id", ""),
            client_id_prefix=properties.get("client.id.prefix", ""), charset=charset,
            on_deserialization_failure=spec_pb.SKIP if skip else spec_pb.FAIL)
        spec.properties.update({k: v for k, v in properties.items() if k not in _OWN_FIELDS})
        mode, value = self._subscription  # type: ignore[misc]
        if mode == "topic list":
            spec.topics.extend(value)
        elif mode == "topic pattern":
            spec.topic_pattern = value
        else:
            spec.partitions.extend(tp._to_proto() for tp in value)
        spec.starting_offsets.CopyFrom(self._starting._offsets)
        if self._stopping is not None:
            spec.stopping_offsets.CopyFrom(self._stopping._offsets)
        spec.bounded = self._bounded  # bounded sources finish and, as in Flink, discover nothing
        return spec

    def _output_type(self) -> TypeInformation:
        if isinstance(self._deserializer, SimpleStringSchema):
            return Types.STRING()
        return self._deserializer.get_produced_type()
