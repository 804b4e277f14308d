"""Connectors, as in ``pyflink.datastream.connectors``."""

from pystream.datastream.connectors.file_system import (
    FileSink,
    FileSource,
    OutputFileConfig,
    RollingPolicy,
    StreamFormat,
)
from pystream.datastream.connectors.number_seq import NumberSequenceSource

__all__ = ["FileSink", "FileSource", "NumberSequenceSource", "OutputFileConfig", "RollingPolicy", "StreamFormat"]
