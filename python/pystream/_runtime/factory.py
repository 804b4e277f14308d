"""Builds what the worker runs from what the JobSpec describes.

The API records only what the user asked for (an operation's kind, their pickled
function, key selectors, schemas and options); this module is the one place that turns
such a description into the runtime's operations, window operations and Kafka framers.
"""

from __future__ import annotations

from typing import Any, Callable

import cloudpickle

from pystream._proto import jobspec_pb2 as spec_pb
from pystream._runtime.broadcast import BroadcastProcessOperation
from pystream._runtime.kafka import DeserializeOperation, KafkaRecordFramer
from pystream._runtime.operations import (
    FilterOperation,
    FlatMapOperation,
    KeyedProcessOperation,
    MapOperation,
    Operation,
    ProcessOperation,
    ReduceOperation,
)
from pystream._runtime.two_input import CoFlatMapOperation, CoMapOperation, CoProcessOperation
from pystream._runtime.window import WindowOperation
from pystream.datastream._pipeline import PythonOperation
from pystream.datastream.window import CountEvictor, TimeEvictor

__all__ = ["create_operation", "build_operation", "build_window_operation", "build_kafka_framer"]

Kind = spec_pb.PythonOperatorSpec

_OPERATIONS: dict[int, Callable[[PythonOperation], Operation]] = {
    Kind.MAP: lambda d: MapOperation(d.function, d.key_selector),
    Kind.FLAT_MAP: lambda d: FlatMapOperation(d.function, d.key_selector),
    Kind.FILTER: lambda d: FilterOperation(d.function, d.key_selector),
    Kind.PROCESS: lambda d: ProcessOperation(d.function, d.key_selector),
    Kind.KEYED_PROCESS: lambda d: KeyedProcessOperation(d.function, d.key_selector),
    Kind.REDUCE: lambda d: ReduceOperation(d.function, d.key_selector),
    Kind.CO_MAP: lambda d: CoMapOperation(d.function, d.key_selector, d.key_selector2),
    Kind.CO_FLAT_MAP: lambda d: CoFlatMapOperation(d.function, d.key_selector, d.key_selector2),
    Kind.CO_PROCESS: lambda d: CoProcessOperation(d.function, d.key_selector, d.key_selector2),
    Kind.BROADCAST_PROCESS: lambda d: BroadcastProcessOperation(d.function, list(d.state_descriptors or ()), d.key_selector),
    Kind.DESERIALIZE: lambda d: DeserializeOperation(d.function, d.source_name, d.skip),
}


def _loads(payload: bytes) -> Any:
    return cloudpickle.loads(payload) if payload else None


def create_operation(description: PythonOperation) -> Operation:
    """The operation that runs ``description.function`` as its kind says."""
    build = _OPERATIONS.get(description.kind)
    if build is None:
        raise ValueError(f"unknown Python operation kind {description.kind}")
    return build(description)


def build_operation(spec: spec_pb.PythonOperatorSpec) -> Operation:
    """The operation a transformation's ``python`` body describes."""
    description = PythonOperation(spec.kind, _loads(spec.function), _loads(spec.key_selector),
                                  _loads(spec.key_selector2))
    if spec.HasField("broadcast"):
        description.state_descriptors = _loads(spec.broadcast.state_descriptors)
    if spec.HasField("deserialize"):
        description.source_name = spec.deserialize.source_name
        description.skip = spec.deserialize.on_failure == spec_pb.SKIP
    return create_operation(description)


_CONTENTS = {
    spec_pb.PythonWindowSpec.REDUCE: "reduce",
    spec_pb.PythonWindowSpec.AGGREGATE: "aggregate",
    spec_pb.PythonWindowSpec.LIST: "list",
}


def build_window_operation(window: spec_pb.WindowSpec) -> WindowOperation:
    """The Python side of a window: its contents and the user's functions."""
    spec = window.python
    trigger = _loads(spec.trigger)
    evicting = window.HasField("evictor")
    return WindowOperation(_CONTENTS[spec.contents], _loads(spec.key_selector), _loads(spec.function),
                           _loads(spec.window_function), _python_evictor(window, trigger is not None), spec.all_windows,
                           trigger, _loads(spec.gap_extractor), stamped=evicting)


def _python_evictor(window: spec_pb.WindowSpec, python_trigger: bool) -> Any:
    """The evictor this side runs: one that needs Python, or a count or time evictor when only
    Python knows when the window fires (a trigger written in Python); else None (the engine evicts)."""
    if not window.HasField("evictor"):
        return None
    evictor = window.evictor
    if evictor.kind == spec_pb.EvictorSpec.PYTHON:
        return _loads(window.python.evictor)
    if not python_trigger:
        return None
    if evictor.kind == spec_pb.EvictorSpec.COUNT:
        return CountEvictor(evictor.max_count, evictor.evict_after)
    return TimeEvictor(evictor.keep_ms, evictor.evict_after)


def build_kafka_framer(spec: spec_pb.KafkaSink) -> KafkaRecordFramer:
    """Frames the records a Kafka sink writes, with the user's schemas and topic selector."""
    return KafkaRecordFramer(_loads(spec.value_serialization_schema), _loads(spec.key_serialization_schema),
                             _loads(spec.topic_selector))
