"""PyFlink's DataStream API (``pyflink.datastream``), run on the PyStream engine."""

from pystream.datastream.broadcast_stream import BroadcastConnectedStream, BroadcastStream
from pystream.datastream.checkpoint_config import CheckpointConfig, ExternalizedCheckpointCleanup
from pystream.datastream.checkpoint_storage import (
    CheckpointStorage,
    CustomCheckpointStorage,
    FileSystemCheckpointStorage,
    JobManagerCheckpointStorage,
)
from pystream.datastream.checkpointing_mode import CheckpointingMode
from pystream.datastream.connected_streams import ConnectedStreams
from pystream.datastream.data_stream import DataStream, DataStreamSink, KeyedStream
from pystream.datastream.execution_config import ExecutionConfig
from pystream.datastream.execution_mode import RuntimeExecutionMode
from pystream.datastream.externalized_checkpoint_retention import ExternalizedCheckpointRetention
from pystream.datastream.functions import (
    AggregateFunction,
    AllWindowFunction,
    BroadcastProcessFunction,
    CoFlatMapFunction,
    CoMapFunction,
    CoProcessFunction,
    FilterFunction,
    FlatMapFunction,
    KeyedBroadcastProcessFunction,
    KeyedCoProcessFunction,
    KeyedProcessFunction,
    KeySelector,
    MapFunction,
    Partitioner,
    ProcessAllWindowFunction,
    ProcessFunction,
    ProcessWindowFunction,
    ReduceFunction,
    RuntimeContext,
    TimeDomain,
    TimerService,
    WindowFunction,
)
from pystream.datastream.output_tag import OutputTag
from pystream.datastream.state_backend import (
    EmbeddedRocksDBStateBackend,
    FsStateBackend,
    HashMapStateBackend,
    MemoryStateBackend,
    RocksDBStateBackend,
    StateBackend,
)
from pystream.datastream.stream_execution_environment import StreamExecutionEnvironment
from pystream.datastream.time_characteristic import TimeCharacteristic
from pystream.datastream.windowed_stream import AllWindowedStream, WindowedStream

__all__ = [
    "AggregateFunction", "AllWindowFunction", "AllWindowedStream", "BroadcastConnectedStream",
    "BroadcastProcessFunction", "BroadcastStream", "CheckpointConfig", "CheckpointStorage", "CheckpointingMode",
    "CoFlatMapFunction", "CoMapFunction", "CoProcessFunction", "ConnectedStreams", "CustomCheckpointStorage",
    "DataStream", "DataStreamSink", "EmbeddedRocksDBStateBackend", "ExecutionConfig",
    "ExternalizedCheckpointCleanup", "ExternalizedCheckpointRetention", "FileSystemCheckpointStorage",
    "FilterFunction", "FlatMapFunction", "FsStateBackend", "HashMapStateBackend", "JobManagerCheckpointStorage",
    "KeySelector", "KeyedBroadcastProcessFunction", "KeyedCoProcessFunction", "KeyedProcessFunction", "KeyedStream",
    "MapFunction", "MemoryStateBackend", "OutputTag", "Partitioner", "ProcessAllWindowFunction", "ProcessFunction",
    "ProcessWindowFunction", "ReduceFunction", "RocksDBStateBackend", "RuntimeContext", "RuntimeExecutionMode",
    "StateBackend", "StreamExecutionEnvironment", "TimeCharacteristic", "TimeDomain", "TimerService",
    "WindowFunction", "WindowedStream",
]
