"""Connectors, as in ``pyflink.datastream.connectors``."""

from pystream.datastream.connectors.base import DeliveryGuarantee
from pystream.datastream.connectors.file_system import (
    FileSink,
    FileSource,
    OutputFileConfig,
    RollingPolicy,
    StreamFormat,
)
from pystream.datastream.connectors.kafka import FlinkKafkaConsumer, FlinkKafkaProducer, KafkaSource, Semantic
from pystream.datastream.connectors.number_seq import NumberSequenceSource

__all__ = ["DeliveryGuarantee", "FileSink", "FileSource", "FlinkKafkaConsumer", "FlinkKafkaProducer", "KafkaSource",
           "NumberSequenceSource", "OutputFileConfig", "RollingPolicy", "Semantic", "StreamFormat"]
