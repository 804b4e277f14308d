"""``KafkaSink``, its builder and the record serialization schema.

The spec carries the user's schemas and topic selector; the Python worker serializes the
records with them (topic, key and value bytes per record), and the engine produces them to
Kafka with the delivery guarantee asked for.
"""

from __future__ import annotations

import abc
from typing import Any, Callable

from pystream._proto import jobspec_pb2 as spec_pb
from pystream.common.serialization import SimpleStringSchema
from pystream.datastream._pipeline import dumps
from pystream.datastream.connectors._kafka_source import property_text
from pystream.datastream.connectors.base import DeliveryGuarantee
from pystream.datastream.formats.csv import CsvRowSerializationSchema
from pystream.datastream.formats.json import JsonRowSerializationSchema

__all__ = ["KafkaSink", "KafkaSinkBuilder", "KafkaRecordSerializationSchema",
           "KafkaRecordSerializationSchemaBuilder", "KafkaTopicSelector"]

_MAXIMUM_PREFIX_BYTES = 6400
# The formats a sink writes keys and values in.
_SERIALIZERS = (SimpleStringSchema, JsonRowSerializationSchema, CsvRowSerializationSchema)


class KafkaTopicSelector(abc.ABC):
    """Chooses the topic of each record."""

    @abc.abstractmethod
    def apply(self, data: Any) -> str:
        ...


def _require_serializer(schema: Any, call: str) -> Any:
    if not isinstance(schema, _SERIALIZERS):
        raise TypeError(f"{call}: {type(schema).__name__} is not supported by PyStream; use SimpleStringSchema, "
                        "JsonRowSerializationSchema or CsvRowSerializationSchema")
    return schema


class KafkaRecordSerializationSchema:
    """How a record becomes a Kafka record: its topic, key and value."""

    def __init__(self, topic: str | None, topic_selector: KafkaTopicSelector | Callable[[Any], str] | None,
                 key_schema: Any, value_schema: Any) -> None:
        self._topic = topic
        self._topic_selector = topic_selector
        self._key_schema = key_schema
        self._value_schema = value_schema

    @staticmethod
    def builder() -> "KafkaRecordSerializationSchemaBuilder":
        return KafkaRecordSerializationSchemaBuilder()

    def _describe(self, spec: spec_pb.KafkaSink) -> None:
        """Records the topic, the schemas and the topic selector in the sink's spec."""
        spec.topic = self._topic or ""
        spec.value_serialization_schema = dumps(self._value_schema)
        if self._key_schema is not None:
            spec.key_serialization_schema = dumps(self._key_schema)
        if self._topic_selector is not None:
            spec.topic_selector = dumps(self._topic_selector)


class KafkaRecordSerializationSchemaBuilder:
    """Exactly one topic (fixed or selected per record) and one value schema are required."""

    def __init__(self) -> None:
        self._topic: str | None = None
        self._topic_selector: Any = None
        self._key_schema: Any = None
        self._value_schema: Any = None

    def _require_no_topic(self) -> None:
        if self._topic is not None or self._topic_selector is not None:
            raise ValueError("Topic selector already set.")

    def set_topic(self, topic: str) -> "KafkaRecordSerializationSchemaBuilder":
        self._require_no_topic()
        if not isinstance(topic, str) or not topic:
            raise ValueError(f"set_topic needs a topic name, got {topic!r}")
        self._topic = topic
        return self

    def set_topic_selector(self, topic_selector: KafkaTopicSelector | Callable[[Any], str]) \
            -> "KafkaRecordSerializationSchemaBuilder":
        if not isinstance(topic_selector, KafkaTopicSelector) and not callable(topic_selector):
            raise TypeError("topic_selector must be KafkaTopicSelector or a callable")
        self._require_no_topic()
        self._topic_selector = topic_selector
        return self

    def set_key_serialization_schema(self, key_serialization_schema: Any) -> "KafkaRecordSerializationSchemaBuilder":
        if self._key_schema is not None:
            raise ValueError("Key serializer already set.")
        self._key_schema = _require_serializer(key_serialization_schema, "set_key_serialization_schema")
        return self

    def set_value_serialization_schema(self, value_serialization_schema: Any) \
            -> "KafkaRecordSerializationSchemaBuilder":
        if self._value_schema is not None:
            raise ValueError("Value serializer already set.")
        self._value_schema = _require_serializer(value_serialization_schema, "set_value_serialization_schema")
        return self

    def build(self) -> KafkaRecordSerializationSchema:
        if self._value_schema is None:
            raise ValueError("No value serializer is configured.")
        if self._topic is None and self._topic_selector is None:
            raise ValueError("No topic selector is configured.")
        return KafkaRecordSerializationSchema(self._topic, self._topic_selector, self._key_schema, self._value_schema)


class KafkaSink:
    """Writes records to Kafka; build one with ``KafkaSink.builder()``."""

    def __init__(self, spec: spec_pb.KafkaSink, name: str = "Sink: KafkaSink") -> None:
        self._spec = spec
        self._name = name

    @staticmethod
    def builder() -> "KafkaSinkBuilder":
        return KafkaSinkBuilder()

    def _to_sink_spec(self) -> tuple[str, spec_pb.SinkSpec]:
        spec = spec_pb.SinkSpec()
        spec.kafka.CopyFrom(self._spec)
        return self._name, spec


class KafkaSinkBuilder:
    """Collects a KafkaSink's settings; ``build()`` checks them as Flink does."""

    def __init__(self) -> None:
        self._properties: dict[str, str] = {}
        self._guarantee = DeliveryGuarantee.NONE
        self._transactional_id_prefix: str | None = None
        self._record_serializer: KafkaRecordSerializationSchema | None = None

    def set_bootstrap_servers(self, bootstrap_servers: str) -> "KafkaSinkBuilder":
        return self.set_property("bootstrap.servers", bootstrap_servers)

    def set_delivery_guarantee(self, delivery_guarantee: DeliveryGuarantee) -> "KafkaSinkBuilder":
        if not isinstance(delivery_guarantee, DeliveryGuarantee):
            raise TypeError(f"set_delivery_guarantee needs a DeliveryGuarantee, got {delivery_guarantee!r}")
        self._guarantee = delivery_guarantee
        return self

    def set_transactional_id_prefix(self, transactional_id_prefix: str) -> "KafkaSinkBuilder":
        if not isinstance(transactional_id_prefix, str):
            raise TypeError(f"set_transactional_id_prefix needs a str, got {transactional_id_prefix!r}")
        if len(transactional_id_prefix.encode("utf-8")) > _MAXIMUM_PREFIX_BYTES:
            raise ValueError(f"The transactionalIdPrefix is too long: at most {_MAXIMUM_PREFIX_BYTES} UTF-8 bytes")
        self._transactional_id_prefix = transactional_id_prefix
        return self

    def set_record_serializer(self, record_serializer: KafkaRecordSerializationSchema) -> "KafkaSinkBuilder":
        if not isinstance(record_serializer, KafkaRecordSerializationSchema):
            raise TypeError("set_record_serializer needs a KafkaRecordSerializationSchema "
                            "(KafkaRecordSerializationSchema.builder()...build())")
        self._record_serializer = record_serializer
        return self

    def set_property(self, key: str, value: str) -> "KafkaSinkBuilder":
        self._properties[key] = property_text(value)
        return self

    def build(self) -> KafkaSink:
        properties = dict(self._properties)
        servers = properties.pop("bootstrap.servers", "")
        if not servers:
            raise ValueError("bootstrapServers must be set")
        if self._record_serializer is None:
            raise ValueError("recordSerializer must be set")
        if self._guarantee is DeliveryGuarantee.EXACTLY_ONCE and not self._transactional_id_prefix:
            raise ValueError("EXACTLY_ONCE delivery guarantee requires a transactionalIdPrefix to be set to provide "
                             "unique transaction names across multiple KafkaSinks writing to the same Kafka cluster.")
        spec = spec_pb.KafkaSink(
            bootstrap_servers=servers, delivery_guarantee=spec_pb.DeliveryGuarantee.Value(self._guarantee.name),
            transactional_id_prefix=self._transactional_id_prefix or "")
        self._record_serializer._describe(spec)
        spec.properties.update(properties)
        return KafkaSink(spec)
