"""``CEP.pattern(stream, pattern)`` and the ``PatternStream`` it gives, as in Flink's CEP.

Only describes: the pattern stream's function call records a ``CepSpec`` transformation,
which the engine runs with its NFA.
"""

from __future__ import annotations

from typing import Any

from pystream._proto import jobspec_pb2 as spec_pb
from pystream.cep._spec import describe
from pystream.cep.functions import (
    PatternProcessFunction,
    SelectAdapter,
    SelectTimeoutAdapter,
    TimedOutPartialMatchHandler,
)
from pystream.cep.pattern import Pattern
from pystream.common.typeinfo import TypeInformation
from pystream.datastream._pipeline import Input, Node, dumps
from pystream.datastream.data_stream import DataStream, KeyedStream
from pystream.datastream.functions import NullByteKeySelector
from pystream.datastream.output_tag import OutputTag

__all__ = ["CEP", "PatternStream"]


class CEP:
    """Where pattern streams come from."""

    @staticmethod
    def pattern(input: DataStream, pattern: Pattern, comparator: Any = None) -> "PatternStream":
        """The matches of ``pattern`` in ``input``, per key when ``input`` is keyed (else over the
        whole stream, at parallelism 1). Events of equal timestamp are matched in arrival order, or
        as ``comparator`` orders them (an ``EventComparator``, or a function of two events returning
        a negative number, zero or a positive number as Java's ``Comparator.compare``)."""
        if not isinstance(input, DataStream):
            raise TypeError(f"CEP.pattern needs a DataStream, got {input!r}")
        if comparator is not None and not callable(getattr(comparator, "compare", None)) and not callable(comparator):
            raise TypeError(f"CEP.pattern: the comparator must be an EventComparator or a function of two events, got {comparator!r}")
        return PatternStream(input, pattern, comparator)


def _has_timestamps(node: Node) -> bool:
    """Whether records reaching ``node`` carry event timestamps with watermarks (a watermark strategy upstream)."""
    pending, seen = [node], set()
    while pending:
        current = pending.pop()
        if current.id in seen:
            continue
        seen.add(current.id)
        if current.kind == "watermarks":
            return True
        if current.kind == "source" and current.source.WhichOneof("kind") == "kafka" \
                and current.source.kafka.HasField("watermarks"):
            return True
        pending.extend(i.source for i in current.inputs)
    return False


class PatternStream:
    """A stream of matches waiting for the function that turns them into records."""

    def __init__(self, stream: DataStream, pattern: Pattern, comparator: Any = None) -> None:
        self._stream = stream
        self._comparator = comparator
        self._described, self._conditions, self._iterative = describe(pattern)
        self._event_time: bool | None = None
        self._late_tag: OutputTag | None = None

    def in_processing_time(self) -> "PatternStream":
        """Events are matched in arrival order, ``within`` measured on the processing-time clock."""
        self._event_time = False
        return self

    def in_event_time(self) -> "PatternStream":
        """Events are matched in timestamp order as watermarks pass them (the default with timestamps)."""
        self._event_time = True
        return self

    def side_output_late_data(self, output_tag: OutputTag) -> "PatternStream":
        """Events behind the watermark go to this side output instead of being dropped."""
        if not isinstance(output_tag, OutputTag):
            raise TypeError("side_output_late_data needs an OutputTag")
        self._late_tag = output_tag
        return self

    def process(self, pattern_process_function: PatternProcessFunction,
                output_type: TypeInformation | None = None) -> DataStream:
        """Every match (and, for a TimedOutPartialMatchHandler, every timed-out partial match) goes to the function."""
        if not isinstance(pattern_process_function, PatternProcessFunction):
            raise TypeError("PatternStream.process needs a PatternProcessFunction")
        return self._build("CepOperator", pattern_process_function, output_type)

    def select(self, *args: Any, output_type: TypeInformation | None = None) -> DataStream:
        """``select(select_fn[, output_type])`` or ``select(timeout_tag, timeout_fn, select_fn[, output_type])``."""
        return self._build("CepOperator(Select)", *self._adapt("select", args, flat=False, output_type=output_type))

    def flat_select(self, *args: Any, output_type: TypeInformation | None = None) -> DataStream:
        """``flat_select(fn[, output_type])`` or ``flat_select(timeout_tag, timeout_fn, fn[, output_type])``."""
        return self._build("CepOperator(FlatSelect)", *self._adapt("flat_select", args, flat=True, output_type=output_type))

    @staticmethod
    def _adapt(method: str, args: tuple, *, flat: bool, output_type: TypeInformation | None) -> tuple:
        if args and isinstance(args[-1], TypeInformation):
            if output_type is not None:
                raise TypeError(f"{method}: output_type given twice")
            args, output_type = args[:-1], args[-1]
        if len(args) == 1:
            function = args[0]
            _check_function(method, function, method)
            return SelectAdapter(function, flat), output_type
        if len(args) == 3 and isinstance(args[0], OutputTag):
            tag, timeout, function = args
            _check_function(method, function, method)
            _check_function(method, timeout, "timeout")
            return SelectTimeoutAdapter(function, flat, tag, timeout), output_type
        raise TypeError(f"{method} takes ({method}_function[, output_type]) or "
                        f"(timeout_output_tag, timeout_function, {method}_function[, output_type])")

    def _build(self, name: str, function: PatternProcessFunction, output_type: TypeInformation | None) -> DataStream:
        stream = self._stream
        keyed = isinstance(stream, KeyedStream)
        key_selector = stream._key_selector() if keyed else NullByteKeySelector()
        event_time = self._event_time if self._event_time is not None else _has_timestamps(stream._node)
        spec = spec_pb.CepSpec(pattern=self._described, event_time=event_time,
                               late_data_tag=self._late_tag.tag_id if self._late_tag else "",
                               function=dumps(function), key_selector=dumps(key_selector),
                               handles_timeouts=isinstance(function, TimedOutPartialMatchHandler))
        for condition, iterative in zip(self._conditions, self._iterative):
            spec.conditions.add(function=dumps(condition), iterative=iterative)
        if output_type is not None:
            spec.output_type = dumps(output_type)
        if self._comparator is not None:
            spec.comparator = dumps(self._comparator)
        env = stream._env
        node = env._pipeline.add(name, "cep", cep=spec, output_type=output_type,
                                 inputs=[Input(stream._node, spec_pb.HASH, dumps(key_selector))],
                                 parallelism=0 if keyed else 1)
        return PatternResultStream(env, node, self._late_tag)


def _check_function(method: str, function: Any, expected: str) -> None:
    if not callable(getattr(function, expected, None)) and not callable(function):
        raise TypeError(f"{method} needs a function with a {expected} method or a callable, got {function!r}")


class PatternResultStream(DataStream):
    """What a pattern stream's function produced; late events and yielded side outputs by tag."""

    def __init__(self, env: Any, node: Node, late_tag: OutputTag | None) -> None:
        super().__init__(env, node)
        self._late_tag = late_tag

    def get_side_output(self, output_tag: OutputTag) -> DataStream:
        late = self._late_tag is not None and output_tag.tag_id == self._late_tag.tag_id
        tags = self._node.cep.side_output_tags
        if not late and output_tag.tag_id not in tags:
            tags.append(output_tag.tag_id)
        node = self._env._pipeline.add(
            f"SideOutput: {output_tag.tag_id}", "side_output",
            output_type=output_tag.type_info or (self._node.inputs[0].source.output_type if late else None),
            inputs=[Input(self._node)], side_output_tag=output_tag.tag_id)
        return DataStream(self._env, node)
