"""``StreamExecutionEnvironment``, as in ``pyflink.datastream.stream_execution_environment``."""

from __future__ import annotations

import os
import pickle
import sys
import time
from itertools import chain, islice
from typing import Any, Callable, Iterable, Iterator

from pystream import _bridge
from pystream._proto import jobspec_pb2 as spec_pb
from pystream._pyflink_api import install_unsupported
from pystream.common.configuration import Configuration
from pystream.common.restart_strategy import RestartStrategies, RestartStrategyConfiguration, _replace_restart_strategy
from pystream.common.typeinfo import TypeInformation, Types
from pystream.datastream._conform import conform
from pystream.datastream._job_configuration import JobConfiguration
from pystream.datastream._pipeline import Pipeline, dumps
from pystream.datastream.checkpoint_config import CheckpointConfig
from pystream.datastream.checkpoint_storage import _local_directory
from pystream.datastream.checkpointing_mode import CheckpointingMode
from pystream.datastream.data_stream import DataStream
from pystream.datastream.execution_config import ExecutionConfig
from pystream.datastream.execution_mode import RuntimeExecutionMode
from pystream.datastream.job_client import JobClient, JobExecutionResult

__all__ = ["StreamExecutionEnvironment"]

_DEFAULT_JOB_NAME = "Flink Streaming Job"
_SAVEPOINT_DIRECTORY = "execution.checkpointing.savepoint-dir"
_BUFFER_TIMEOUT = "execution.buffer-timeout.interval"
_BUFFER_TIMEOUT_ENABLED = "execution.buffer-timeout.enabled"
# Flink's older name of the interval, which a configuration may still use.
_BUFFER_TIMEOUT_KEYS = (_BUFFER_TIMEOUT, _BUFFER_TIMEOUT_ENABLED, "execution.buffer-timeout")


def _now_ms() -> int:
    return time.monotonic_ns() // 1_000_000


class StreamExecutionEnvironment:
    """Where a job is built and from where it is executed."""

    def __init__(self, configuration: Configuration | None = None) -> None:
        self._pipeline = Pipeline()
        self._parallelism = 1
        self._max_parallelism = 0
        self._mode = RuntimeExecutionMode.STREAMING
        self._configuration = JobConfiguration()
        self._checkpoint_config = CheckpointConfig(self._configuration)
        self._python_files: list[str] = []
        self._config = ExecutionConfig()
        self._collect_count = 0
        if configuration is not None:
            self.configure(configuration)

    @staticmethod
    def get_execution_environment(configuration: Configuration | None = None) -> "StreamExecutionEnvironment":
        return StreamExecutionEnvironment(configuration)

    # ---- settings --------------------------------------------------------------------

    def set_parallelism(self, parallelism: int) -> "StreamExecutionEnvironment":
        if not isinstance(parallelism, int) or parallelism < 1:
            raise ValueError(f"parallelism must be a positive int, got {parallelism!r}")
        self._parallelism = parallelism
        return self

    def get_parallelism(self) -> int:
        return self._parallelism

    def set_max_parallelism(self, max_parallelism: int) -> "StreamExecutionEnvironment":
        if not isinstance(max_parallelism, int) or not 0 < max_parallelism <= 32768:
            raise ValueError("The maximum parallelism must be greater than 0 and less than or equal to 32768.")
        self._max_parallelism = max_parallelism
        return self

    def get_max_parallelism(self) -> int:
        return self._max_parallelism or 128

    def set_runtime_mode(self, execution_mode: RuntimeExecutionMode) -> "StreamExecutionEnvironment":
        if execution_mode is RuntimeExecutionMode.AUTOMATIC:
            raise NotImplementedError("RuntimeExecutionMode.AUTOMATIC is not supported by PyStream; choose STREAMING or BATCH")
        self._mode = execution_mode
        return self

    def get_config(self) -> ExecutionConfig:
        return self._config

    def configure(self, configuration: Configuration) -> "StreamExecutionEnvironment":
        # Kept as given: the engine reads the values (and refuses bad ones when the job starts).
        settings = configuration.to_dict()
        if "parallelism.default" in settings:
            self.set_parallelism(int(settings["parallelism.default"]))
        if "pipeline.max-parallelism" in settings:
            self.set_max_parallelism(int(settings["pipeline.max-parallelism"]))
        if "execution.runtime-mode" in settings:
            self.set_runtime_mode(RuntimeExecutionMode[settings["execution.runtime-mode"].upper()])
        self._configuration.give(settings)
        return self

    def add_python_file(self, file_path: str) -> None:
        path = os.path.abspath(file_path)
        if not os.path.exists(path):
            raise FileNotFoundError(f"add_python_file: '{file_path}' does not exist")
        # A module file is importable from its directory, a package or directory from itself.
        entry = os.path.dirname(path) if os.path.isfile(path) else path
        if entry not in self._python_files:
            self._python_files.append(entry)
        if entry not in sys.path:
            sys.path.append(entry)

    def disable_operator_chaining(self) -> "StreamExecutionEnvironment":
        self._configuration["pipeline.operator-chaining"] = "false"
        return self

    def is_chaining_enabled(self) -> bool:
        return self._configuration.get("pipeline.operator-chaining", "true") != "false"

    def set_buffer_timeout(self, timeout_millis: int) -> "StreamExecutionEnvironment":
        """How long records may wait in a partly filled batch between tasks: 0 sends each batch
        as produced, -1 only full batches (Flink's throughput mode)."""
        if isinstance(timeout_millis, bool) or not isinstance(timeout_millis, int) or timeout_millis < -1:
            raise ValueError(f"Timeout parameter must be >= -1, got {timeout_millis!r}")
        for key in _BUFFER_TIMEOUT_KEYS:
            self._configuration.pop(key, None)
        self._configuration[_BUFFER_TIMEOUT_ENABLED] = "false" if timeout_millis == -1 else "true"
        if timeout_millis != -1:
            self._configuration[_BUFFER_TIMEOUT] = str(timeout_millis)
        return self

    def get_buffer_timeout(self) -> int:
        if self._configuration.read(_BUFFER_TIMEOUT_ENABLED, "true") == "false":
            return -1
        return int(self._configuration.read(_BUFFER_TIMEOUT, "100"))

    # ---- state and fault tolerance -----------------------------------------------------

    def get_state_backend(self) -> Any:
        from pystream.datastream.state_backend import EmbeddedRocksDBStateBackend, HashMapStateBackend
        if self._configuration.read("state.backend.type", "hashmap") != "rocksdb":
            return HashMapStateBackend()
        incremental = self._configuration.settings().get("state.backend.incremental")
        return EmbeddedRocksDBStateBackend(None if incremental is None else incremental == "true")

    def set_state_backend(self, state_backend: Any) -> "StreamExecutionEnvironment":
        to_configuration = getattr(state_backend, "_configuration", None)
        if to_configuration is None:
            raise TypeError("set_state_backend needs a HashMapStateBackend or an EmbeddedRocksDBStateBackend")
        self._configuration.update(to_configuration())
        return self

    def get_checkpoint_config(self) -> CheckpointConfig:
        return self._checkpoint_config

    def enable_checkpointing(self, interval: int,
                             mode: CheckpointingMode | None = None) -> "StreamExecutionEnvironment":
        # Flink sets the mode first, so a refused interval leaves the mode set there too.
        if mode is not None:
            self._checkpoint_config.set_checkpointing_mode(mode)
        self._checkpoint_config.set_checkpoint_interval(interval)
        return self

    def get_checkpoint_interval(self) -> int:
        return self._checkpoint_config.get_checkpoint_interval()

    def get_checkpointing_mode(self) -> CheckpointingMode:
        return self._checkpoint_config.get_checkpointing_mode()

    def set_restart_strategy(self, restart_strategy_configuration: RestartStrategyConfiguration) -> None:
        if not isinstance(restart_strategy_configuration, RestartStrategyConfiguration):
            raise TypeError("set_restart_strategy needs a configuration made by RestartStrategies, "
                            f"got {restart_strategy_configuration!r}")
        _replace_restart_strategy(self._configuration, restart_strategy_configuration)

    def get_restart_strategy(self) -> RestartStrategyConfiguration:
        return RestartStrategies._from_configuration(self._configuration.settings())

    def set_default_savepoint_directory(self, directory: str) -> "StreamExecutionEnvironment":
        if directory is None:
            raise ValueError("Savepoint directory must not be null")
        self._configuration[_SAVEPOINT_DIRECTORY] = _local_directory(directory, "set_default_savepoint_directory")
        return self

    def get_default_savepoint_directory(self) -> str | None:
        return self._configuration.settings().get(_SAVEPOINT_DIRECTORY)

    # ---- dependencies and legacy settings ----------------------------------------------

    def set_python_executable(self, python_exec: str) -> None:
        raise NotImplementedError("StreamExecutionEnvironment.set_python_executable is not supported by PyStream; functions run in the interpreter that runs the script")

    def add_python_archive(self, archive_path: str, target_dir: str | None = None) -> None:
        raise NotImplementedError("StreamExecutionEnvironment.add_python_archive is not supported by PyStream yet")

    def register_cached_file(self, file_path: str, name: str, executable: bool = False) -> None:
        raise NotImplementedError("StreamExecutionEnvironment.register_cached_file is not supported by PyStream yet")

    def add_jars(self, *jars_path: str) -> None:
        # Connectors are part of the engine: there is no JVM and no jar to load.
        pass

    def add_classpaths(self, *classpaths: str) -> None:
        pass

    def set_stream_time_characteristic(self, characteristic: Any) -> "StreamExecutionEnvironment":
        # Deprecated in Flink since 1.12, where event time is always on; nothing to switch.
        return self

    def set_python_requirements(self, requirements_file_path: str, requirements_cache_dir: str | None = None) -> None:
        raise NotImplementedError("StreamExecutionEnvironment.set_python_requirements is not supported by PyStream; install packages into the environment instead")

    # ---- sources -----------------------------------------------------------------------

    def _source(self, name: str, source: spec_pb.SourceSpec, output_type: TypeInformation | None,
                parallelism: int = 0) -> DataStream:
        node = self._pipeline.add(name, "source", source=source, output_type=output_type, parallelism=parallelism)
        if not self.is_chaining_enabled():
            node.chaining = spec_pb.CHAIN_NEVER
        return DataStream(self, node)

    def from_collection(self, collection: Iterable[Any], type_info: TypeInformation | None = None) -> DataStream:
        elements = [conform(e, type_info) for e in collection]
        source = spec_pb.SourceSpec(collection=spec_pb.CollectionSource(elements=dumps(elements), count=len(elements)))
        return self._source("Source: Collection Source", source, type_info, parallelism=1)

    def read_text_file(self, file_path: str, charset_name: str = "UTF-8") -> DataStream:
        _require_utf8(charset_name)
        source = spec_pb.SourceSpec(text_files=spec_pb.TextFileSource(paths=[os.path.abspath(file_path)]))
        return self._source(f"Source: {file_path}", source, Types.STRING())

    def from_source(self, source: Any, watermark_strategy: Any, source_name: str,
                    type_info: TypeInformation | None = None) -> DataStream:
        to_spec = getattr(source, "_to_source_spec", None)
        if to_spec is None:
            raise NotImplementedError(f"from_source({type(source).__name__}) is not supported by PyStream yet")
        spec, output_type = to_spec()
        output_type = type_info or output_type
        in_source = _watermarks_in_source(spec, watermark_strategy)
        if in_source is not None:
            spec.kafka.watermarks.CopyFrom(in_source)
        deserialize = getattr(source, "_deserialize_operation", lambda name: None)(source_name)
        stream = self._source(f"Source: {source_name}", spec, output_type if deserialize is None else Types.STRING())
        if deserialize is not None:
            # Flink decodes inside the source operator; here a Python operation chained to it does.
            parsed = stream._python(f"Source: {source_name}: Deserialize", deserialize, output_type)
            parsed._node.parallelism = stream._node.parallelism
            parsed._node.parallel_with = stream._node
            stream = parsed
        nothing_to_assign = getattr(watermark_strategy, "_is_no_watermarks", False) \
            and getattr(watermark_strategy, "_timestamp_assigner", None) is None
        if in_source is not None or watermark_strategy is None or nothing_to_assign:
            return stream
        # Flink generates a source's watermarks in the source; chained right after it is the same here.
        with_watermarks = stream.assign_timestamps_and_watermarks(watermark_strategy)
        with_watermarks._node.parallel_with = stream._node
        # As in a Flink source, a source with splits (Kafka partitions) gets watermarks per split.
        with_watermarks._node.watermarks.per_split = True
        return with_watermarks

    def add_source(self, source_func: Any, source_name: str = "Custom Source",
                   type_info: TypeInformation | None = None) -> DataStream:
        if getattr(source_func, "_to_source_spec", None) is None:
            raise NotImplementedError(f"StreamExecutionEnvironment.add_source({type(source_func).__name__}) is not "
                                      "supported by PyStream; use FlinkKafkaConsumer or from_source")
        return self.from_source(source_func, None, source_name, type_info)

    # ---- execution ---------------------------------------------------------------------

    def _take_spec(self, job_name: str | None) -> spec_pb.JobSpec:
        spec = self._pipeline_spec(self._pipeline, job_name or self._configuration.get("pipeline.name", _DEFAULT_JOB_NAME))
        self._pipeline.clear()
        return spec

    def _pipeline_spec(self, pipeline: Pipeline, job_name: str) -> spec_pb.JobSpec:
        """The job of ``pipeline``'s nodes (and those they read) with this environment's settings."""
        return pipeline.to_spec(
            job_name,
            mode=spec_pb.BATCH if self._mode is RuntimeExecutionMode.BATCH else spec_pb.STREAMING,
            parallelism=self._parallelism,
            max_parallelism=self._max_parallelism,
            configuration=self._configuration,
            job_parameters=self._config.get_global_job_parameters(),
            python_files=self._python_files,
            watermark_interval_ms=self._config.get_auto_watermark_interval(),
        )

    def get_execution_plan(self) -> str:
        spec = self._pipeline.to_spec(_DEFAULT_JOB_NAME, mode=spec_pb.STREAMING, parallelism=self._parallelism,
                                      max_parallelism=self._max_parallelism, configuration={}, job_parameters={},
                                      python_files=[])
        return _bridge.execution_plan(spec.SerializeToString())

    def execute_async(self, job_name: str | None = None) -> JobClient:
        sys.stdout.flush()
        started = _now_ms()
        return JobClient(_bridge.start_job(lambda: self._take_spec(job_name).SerializeToString()), started, _now_ms)

    def execute(self, job_name: str | None = None) -> JobExecutionResult:
        client = self.execute_async(job_name)
        try:
            return client.get_job_execution_result().result()
        except KeyboardInterrupt:
            client.cancel().result()
            raise

    def _execute_and_collect(self, stream: DataStream, job_name: str | None, limit: int | None) -> Any:
        if limit is not None and (not isinstance(limit, int) or limit < 0):
            raise ValueError(f"limit must be a non-negative int, got {limit!r}")
        self._collect_count += 1
        collect_id = f"collect-{self._collect_count}"
        sink = spec_pb.SinkSpec(collect=spec_pb.CollectSink(collect_id=collect_id, limit=limit or 0))
        stream._sink("Sink: Collect", sink)
        results = _CollectIterator(self.execute_async(job_name), collect_id, limit)
        return list(results) if limit is not None else results


install_unsupported(StreamExecutionEnvironment)


class _CollectIterator(Iterator[Any]):
    """Records a collect sink received, as they arrive; also a context manager that cancels.

    Iterating it (``for``, ``list``, ``set``) takes the records from a chain of the received batches at C
    speed, with no Python call per record; ``next()`` on it takes from the same chain.
    """

    _POLL_MS = 100

    def __init__(self, client: JobClient, collect_id: str, limit: int | None,
                 decode: Callable[[bytes], list] = pickle.loads) -> None:
        """``decode`` turns one batch the sink sent into its records (a DataStream's are pickled lists)."""
        self._client = client
        self._decode = decode
        self._handle = client._handle
        self._collect_id = collect_id
        self._finished = False
        records = chain.from_iterable(self._batches())
        self._records = records if limit is None else islice(records, limit)

    def __iter__(self) -> Iterator[Any]:
        return self._records

    def __next__(self) -> Any:
        return next(self._records)

    def _batches(self) -> Iterator[list]:
        """Each batch the sink received, as a list of its records, until the job ended (then raises if it failed)."""
        decode = self._decode
        while True:
            batches = self._handle.drain(self._collect_id)
            if len(batches):
                for batch in batches:
                    yield decode(bytes(batch))
            elif self._finished:
                self._client.get_job_execution_result().result()  # raises when the job failed
                return
            else:
                self._finished = bool(self._handle.wait(self._POLL_MS))

    def close(self) -> None:
        if not self._finished:
            self._client.cancel().result()
            self._finished = True

    def __enter__(self) -> "_CollectIterator":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def _watermarks_in_source(spec: spec_pb.SourceSpec, watermark_strategy: Any) -> spec_pb.WatermarkSpec | None:
    """The strategy, when the source generates the watermarks itself: a Kafka source does, per
    partition from the records' Kafka timestamps (a timestamp assigner needs the records in
    Python, so a strategy with one keeps its own node after the source)."""
    if spec.WhichOneof("kind") != "kafka" or getattr(watermark_strategy, "_to_spec", None) is None \
            or watermark_strategy._is_no_watermarks or watermark_strategy._timestamp_assigner is not None:
        return None
    return watermark_strategy._to_spec()


def _require_utf8(charset_name: str) -> None:
    if charset_name.replace("-", "").upper() != "UTF8":
        raise NotImplementedError(f"text files in {charset_name} are not supported by PyStream yet; only UTF-8")
