"""The Kafka connector, as in ``pyflink.datastream.connectors.kafka``.

``KafkaSource`` / ``KafkaSink`` (and the older ``FlinkKafkaConsumer`` /
``FlinkKafkaProducer``) only describe what to read and write; the engine talks to Kafka.
"""

from pystream.datastream.connectors._kafka_legacy import FlinkKafkaConsumer, FlinkKafkaProducer, Semantic
from pystream.datastream.connectors._kafka_sink import (
    KafkaRecordSerializationSchema,
    KafkaRecordSerializationSchemaBuilder,
    KafkaSink,
    KafkaSinkBuilder,
    KafkaTopicSelector,
)
from pystream.datastream.connectors._kafka_source import (
    KafkaOffsetResetStrategy,
    KafkaOffsetsInitializer,
    KafkaSource,
    KafkaSourceBuilder,
    KafkaTopicPartition,
)

__all__ = [
    "FlinkKafkaConsumer",
    "FlinkKafkaProducer",
    "KafkaOffsetResetStrategy",
    "KafkaOffsetsInitializer",
    "KafkaRecordSerializationSchema",
    "KafkaRecordSerializationSchemaBuilder",
    "KafkaSink",
    "KafkaSinkBuilder",
    "KafkaSource",
    "KafkaSourceBuilder",
    "KafkaTopicPartition",
    "KafkaTopicSelector",
    "Semantic",
]
