"""PyFlink's DataStream API (``pyflink.datastream``), run on the PyStream engine."""

from pystream.datastream.broadcast_stream import BroadcastConnectedStream, BroadcastStream
from pystream.datastream.checkpointing_mode import CheckpointingMode
from pystream.datastream.connected_streams import ConnectedStreams
from pystream.datastream.data_stream import DataStream, DataStreamSink, KeyedStream
from pystream.datastream.execution_config import ExecutionConfig
from pystream.datastream.execution_mode import RuntimeExecutionMode
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
from pystream.datastream.state_backend import EmbeddedRocksDBStateBackend, HashMapStateBackend
from pystream.datastream.stream_execution_environment import StreamExecutionEnvironment
from pystream.datastream.time_characteristic import TimeCharacteristic
from pystream.datastream.windowed_stream import AllWindowedStream, WindowedStream

__all__ = [
    "AggregateFunction", "AllWindowFunction", "AllWindowedStream", "BroadcastConnectedStream",
    "BroadcastProcessFunction", "BroadcastStream", "CheckpointingMode", "CoFlatMapFunction", "CoMapFunction",
    "CoProcessFunction", "ConnectedStreams", "DataStream", "DataStreamSink", "EmbeddedRocksDBStateBackend",
    "ExecutionConfig", "HashMapStateBackend",
    "FilterFunction", "FlatMapFunction", "KeySelector", "KeyedBroadcastProcessFunction",
    "KeyedCoProcessFunction", "KeyedProcessFunction", "KeyedStream", "MapFunction", "OutputTag",
    "Partitioner", "ProcessAllWindowFunction", "ProcessFunction", "ProcessWindowFunction",
    "ReduceFunction", "RuntimeContext", "RuntimeExecutionMode", "StreamExecutionEnvironment",
    "TimeCharacteristic", "TimeDomain", "TimerService", "WindowFunction", "WindowedStream",
]
