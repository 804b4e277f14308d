"""``FileSource`` (text lines of a static file set) and ``FileSink`` (row format)."""

from __future__ import annotations

import os
from typing import Any

from pystream._proto import jobspec_pb2 as spec_pb
from pystream.common.serialization import Encoder
from pystream.common.typeinfo import TypeInformation, Types
from pystream.datastream._pipeline import dumps

__all__ = ["FileSource", "FileSourceBuilder", "StreamFormat", "FileSink", "OutputFileConfig", "RollingPolicy"]


class StreamFormat:
    def __init__(self, charset_name: str) -> None:
        self.charset_name = charset_name

    @staticmethod
    def text_line_format(charset_name: str = "UTF-8") -> "StreamFormat":
        if charset_name.replace("-", "").upper() != "UTF8":
            raise NotImplementedError(f"text files in {charset_name} are not supported by PyStream yet; only UTF-8")
        return StreamFormat(charset_name)


class FileSource:
    def __init__(self, paths: list[str]) -> None:
        self._paths = paths

    @staticmethod
    def for_record_stream_format(stream_format: StreamFormat, *paths: str) -> "FileSourceBuilder":
        if not isinstance(stream_format, StreamFormat):
            raise NotImplementedError(f"FileSource with {type(stream_format).__name__} is not supported by PyStream yet")
        if not paths:
            raise ValueError("FileSource needs at least one path")
        return FileSourceBuilder([os.path.abspath(p) for p in paths])

    @staticmethod
    def for_bulk_file_format(bulk_format: Any, *paths: str) -> "FileSourceBuilder":
        raise NotImplementedError("FileSource.for_bulk_file_format is not supported by PyStream yet")

    def _to_source_spec(self) -> tuple[spec_pb.SourceSpec, TypeInformation]:
        return spec_pb.SourceSpec(text_files=spec_pb.TextFileSource(paths=self._paths)), Types.STRING()


class FileSourceBuilder:
    def __init__(self, paths: list[str]) -> None:
        self._paths = paths

    def process_static_file_set(self) -> "FileSourceBuilder":
        return self

    def monitor_continuously(self, discovery_interval: Any) -> "FileSourceBuilder":
        raise NotImplementedError("FileSource.monitor_continuously is not supported by PyStream yet")

    def set_file_enumerator(self, *args: Any) -> "FileSourceBuilder":
        raise NotImplementedError("FileSourceBuilder.set_file_enumerator is not supported by PyStream yet")

    def set_split_assigner(self, *args: Any) -> "FileSourceBuilder":
        raise NotImplementedError("FileSourceBuilder.set_split_assigner is not supported by PyStream yet")

    def build(self) -> FileSource:
        return FileSource(self._paths)


class OutputFileConfig:
    def __init__(self, part_prefix: str = "part", part_suffix: str = "") -> None:
        self.part_prefix = part_prefix
        self.part_suffix = part_suffix

    def get_part_prefix(self) -> str:
        return self.part_prefix

    def get_part_suffix(self) -> str:
        return self.part_suffix

    @staticmethod
    def builder() -> "OutputFileConfig.OutputFileConfigBuilder":
        return OutputFileConfig.OutputFileConfigBuilder()

    class OutputFileConfigBuilder:
        def __init__(self) -> None:
            self._prefix = "part"
            self._suffix = ""

        def with_part_prefix(self, prefix: str) -> "OutputFileConfig.OutputFileConfigBuilder":
            self._prefix = prefix
            return self

        def with_part_suffix(self, suffix: str) -> "OutputFileConfig.OutputFileConfigBuilder":
            self._suffix = suffix
            return self

        def build(self) -> "OutputFileConfig":
            return OutputFileConfig(self._prefix, self._suffix)


class RollingPolicy:
    """When a part file is closed and a new one started."""

    def __init__(self, part_size: int, rollover_interval: int, inactivity_interval: int, on_checkpoint: bool = False) -> None:
        self.part_size = part_size
        self.rollover_interval = rollover_interval
        self.inactivity_interval = inactivity_interval
        self.on_checkpoint = on_checkpoint

    @staticmethod
    def default_rolling_policy(part_size: int = 1024 * 1024 * 128, rollover_interval: int = 60 * 1000,
                               inactivity_interval: int = 60 * 1000) -> "RollingPolicy":
        return RollingPolicy(part_size, rollover_interval, inactivity_interval)

    @staticmethod
    def on_checkpoint_rolling_policy() -> "RollingPolicy":
        """Part files close at every checkpoint (and only then)."""
        return RollingPolicy(0, 0, 0, on_checkpoint=True)


class FileSink:
    def __init__(self, base_path: str, encoder: Encoder, config: OutputFileConfig, rolling: RollingPolicy) -> None:
        self._base_path = base_path
        self._encoder = encoder
        self._config = config
        self._rolling = rolling

    @staticmethod
    def for_row_format(base_path: str, encoder: Encoder) -> "FileSink.RowFormatBuilder":
        return FileSink.RowFormatBuilder(os.path.abspath(base_path), encoder)

    @staticmethod
    def for_bulk_format(base_path: str, writer_factory: Any) -> Any:
        raise NotImplementedError("FileSink.for_bulk_format is not supported by PyStream yet")

    def _to_sink_spec(self) -> tuple[str, spec_pb.SinkSpec]:
        sink = spec_pb.FileSink(
            base_path=self._base_path, encoder=dumps(self._encoder),
            part_prefix=self._config.part_prefix, part_suffix=self._config.part_suffix,
            part_size=self._rolling.part_size, rollover_interval_ms=self._rolling.rollover_interval,
            inactivity_interval_ms=self._rolling.inactivity_interval, roll_on_checkpoint=self._rolling.on_checkpoint)
        return "Sink: FileSink", spec_pb.SinkSpec(file=sink)

    class RowFormatBuilder:
        def __init__(self, base_path: str, encoder: Encoder) -> None:
            self._base_path = base_path
            self._encoder = encoder
            self._config = OutputFileConfig()
            self._rolling = RollingPolicy.default_rolling_policy()

        def with_output_file_config(self, output_file_config: OutputFileConfig) -> "FileSink.RowFormatBuilder":
            self._config = output_file_config
            return self

        def with_rolling_policy(self, rolling_policy: RollingPolicy) -> "FileSink.RowFormatBuilder":
            self._rolling = rolling_policy
            return self

        def with_bucket_assigner(self, bucket_assigner: Any) -> "FileSink.RowFormatBuilder":
            raise NotImplementedError("FileSink.with_bucket_assigner is not supported by PyStream yet")

        def with_bucket_check_interval(self, interval: int) -> "FileSink.RowFormatBuilder":
            return self

        def build(self) -> "FileSink":
            return FileSink(self._base_path, self._encoder, self._config, self._rolling)
