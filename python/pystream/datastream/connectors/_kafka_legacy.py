"""``FlinkKafkaConsumer`` and ``FlinkKafkaProducer``: the connector API before Flink 1.14.

Thin adapters: they build the same KafkaSource and KafkaSink specs as the builders do,
with the old API's defaults (start from the group's committed offsets, write
AT_LEAST_ONCE).
"""

from __future__ import annotations

from enum import Enum
from typing import Any

from pystream._proto import jobspec_pb2 as spec_pb
from pystream.common.typeinfo import TypeInformation
from pystream.datastream._pipeline import PythonOperation
from pystream.datastream.connectors._kafka_sink import KafkaRecordSerializationSchema, KafkaSink
from pystream.datastream.connectors._kafka_source import (
    KafkaOffsetResetStrategy, KafkaOffsetsInitializer, KafkaSource)
from pystream.datastream.connectors.base import DeliveryGuarantee

__all__ = ["FlinkKafkaConsumer", "FlinkKafkaProducer", "Semantic"]

# The old consumer's discovery setting, and the source's.
_LEGACY_DISCOVERY = "flink.partition-discovery.interval-millis"
_DISCOVERY = "partition.discovery.interval.ms"
_RESETS = {"earliest": KafkaOffsetResetStrategy.EARLIEST, "smallest": KafkaOffsetResetStrategy.EARLIEST,
           "latest": KafkaOffsetResetStrategy.LATEST, "largest": KafkaOffsetResetStrategy.LATEST,
           "none": KafkaOffsetResetStrategy.NONE}


class FlinkKafkaConsumer:
    """Reads Kafka topics (deprecated in Flink for ``KafkaSource``); use with ``env.add_source``."""

    def __init__(self, topics: str | list[str], deserialization_schema: Any, properties: dict) -> None:
        self._topics = [topics] if isinstance(topics, str) else list(topics)
        self._schema = deserialization_schema
        self._properties = dict(properties)
        self._start: tuple[str, int] = ("group", 0)
        self._commit_on_checkpoints: bool | None = None
        self._build()  # refuses bad settings at the line that makes the consumer

    def set_commit_offsets_on_checkpoints(self, commit_on_checkpoints: bool) -> "FlinkKafkaConsumer":
        self._commit_on_checkpoints = bool(commit_on_checkpoints)
        return self

    def set_start_from_earliest(self) -> "FlinkKafkaConsumer":
        self._start = ("earliest", 0)
        return self

    def set_start_from_latest(self) -> "FlinkKafkaConsumer":
        self._start = ("latest", 0)
        return self

    def set_start_from_timestamp(self, startup_offsets_timestamp: int) -> "FlinkKafkaConsumer":
        self._start = ("timestamp", int(startup_offsets_timestamp))
        return self

    def set_start_from_group_offsets(self) -> "FlinkKafkaConsumer":
        self._start = ("group", 0)
        return self

    def disable_filter_restored_partitions_with_subscribed_topics(self) -> "FlinkKafkaConsumer":
        # Restores here only ever hold the partitions of the subscribed topics.
        return self

    def get_produced_type(self) -> TypeInformation:
        return self._build()._output_type

    def _starting_offsets(self) -> KafkaOffsetsInitializer:
        mode, timestamp = self._start
        if mode == "earliest":
            return KafkaOffsetsInitializer.earliest()
        if mode == "latest":
            return KafkaOffsetsInitializer.latest()
        if mode == "timestamp":
            return KafkaOffsetsInitializer.timestamp(timestamp)
        # Group offsets; partitions without one start where Kafka's auto.offset.reset says (latest by default).
        reset = str(self._properties.get("auto.offset.reset", "latest")).lower()
        if reset not in _RESETS:
            raise ValueError(f"auto.offset.reset must be earliest, latest or none, got '{reset}'")
        if not self._properties.get("group.id") and reset != "none":
            # Without a group there are no committed offsets: the reset strategy alone decides.
            return KafkaOffsetsInitializer.earliest() if _RESETS[reset] is KafkaOffsetResetStrategy.EARLIEST \
                else KafkaOffsetsInitializer.latest()
        return KafkaOffsetsInitializer.committed_offsets(_RESETS[reset])

    def _build(self) -> KafkaSource:
        properties = dict(self._properties)
        if _LEGACY_DISCOVERY in properties and _DISCOVERY not in properties:
            properties[_DISCOVERY] = properties[_LEGACY_DISCOVERY]
        if self._commit_on_checkpoints is not None:
            properties["commit.offsets.on.checkpoint"] = "true" if self._commit_on_checkpoints else "false"
        return KafkaSource.builder().set_properties(properties).set_topics(*self._topics) \
            .set_value_only_deserializer(self._schema).set_starting_offsets(self._starting_offsets()).build()

    def _to_source_spec(self) -> tuple[spec_pb.SourceSpec, TypeInformation]:
        return self._build()._to_source_spec()

    def _deserialize_operation(self, source_name: str) -> PythonOperation | None:
        return self._build()._deserialize_operation(source_name)


class Semantic(Enum):
    """What FlinkKafkaProducer promises about records around failures."""

    EXACTLY_ONCE = 0
    AT_LEAST_ONCE = 1
    NONE = 2


class FlinkKafkaProducer:
    """Writes a stream to one Kafka topic (deprecated in Flink for ``KafkaSink``); use with ``add_sink``."""

    def __init__(self, topic: str, serialization_schema: Any, producer_config: dict,
                 kafka_producer_pool_size: int = 5, semantic: Semantic = Semantic.AT_LEAST_ONCE) -> None:
        if not producer_config.get("bootstrap.servers"):
            raise ValueError("bootstrap.servers must be supplied in the producer config properties.")
        if not isinstance(semantic, Semantic):
            raise TypeError(f"semantic must be a Semantic, got {semantic!r}")
        self._topic = topic
        self._serializer = KafkaRecordSerializationSchema.builder().set_topic(topic) \
            .set_value_serialization_schema(serialization_schema).build()
        self._config = dict(producer_config)
        self._semantic = semantic
        self._flush_on_checkpoint = True

    def set_log_failures_only(self, log_failures_only: bool) -> "FlinkKafkaProducer":
        if log_failures_only:
            raise NotImplementedError("FlinkKafkaProducer.set_log_failures_only(True) is not supported by PyStream; "
                                      "a failed write fails the job")
        return self

    def set_flush_on_checkpoint(self, flush_on_checkpoint: bool) -> "FlinkKafkaProducer":
        self._flush_on_checkpoint = bool(flush_on_checkpoint)
        return self

    def set_write_timestamp_to_kafka(self, write_timestamp_to_kafka: bool) -> "FlinkKafkaProducer":
        # Records always carry their timestamps to Kafka here (KafkaSink's behaviour).
        return self

    def ignore_failures_after_transaction_timeout(self) -> "FlinkKafkaProducer":
        return self

    def _guarantee(self) -> DeliveryGuarantee:
        if self._semantic is Semantic.AT_LEAST_ONCE and not self._flush_on_checkpoint:
            return DeliveryGuarantee.NONE  # without the flush a checkpoint does not wait for the writes
        return DeliveryGuarantee[self._semantic.name]

    def _to_sink_spec(self) -> tuple[str, spec_pb.SinkSpec]:
        builder = KafkaSink.builder().set_record_serializer(self._serializer).set_delivery_guarantee(self._guarantee())
        for key, value in self._config.items():
            builder.set_property(key, value)
        if self._semantic is Semantic.EXACTLY_ONCE:
            # Stable across restarts, so lingering transactions of a previous run are aborted.
            builder.set_transactional_id_prefix(f"pystream-{self._topic}")
        _, spec = builder.build()._to_sink_spec()
        return "Sink: FlinkKafkaProducer", spec
