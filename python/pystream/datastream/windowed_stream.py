"""``WindowedStream`` and ``AllWindowedStream``, as in ``pyflink.datastream.data_stream``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pystream._proto import jobspec_pb2 as spec_pb
from pystream.common.typeinfo import TypeInformation
from pystream.datastream._aggregations import FieldAggregation
from pystream.datastream._pipeline import Input, dumps
from pystream.datastream.functions import AggregateFunction, NullByteKeySelector
from pystream.datastream.output_tag import OutputTag
from pystream.datastream.window import (
    CountEvictor,
    CountTrigger,
    Evictor,
    PurgingTrigger,
    Trigger,
    WindowAssigner,
)

if TYPE_CHECKING:
    from pystream.datastream.data_stream import DataStream

__all__ = ["WindowedStream", "AllWindowedStream"]

_CONTENTS = spec_pb.PythonWindowSpec


class WindowedStream:
    """A keyed stream cut into windows; a window function turns each window into results."""

    def __init__(self, stream: "DataStream", key_selector: Any, assigner: WindowAssigner, *, all_windows: bool = False) -> None:
        self._stream = stream
        self._key_selector = key_selector
        self._assigner_spec = assigner._to_spec()
        self._gap_extractor = getattr(assigner, "gap_extractor", None)
        self._trigger: spec_pb.TriggerSpec | None = None
        self._python_trigger: Trigger | None = None
        self._lateness = 0
        self._late_tag: OutputTag | None = None
        self._evictor: Evictor | None = None
        self._all = all_windows

    def get_execution_environment(self) -> Any:
        return self._stream._env

    def get_input_type(self) -> TypeInformation | None:
        return self._stream._node.output_type

    def trigger(self, trigger: Trigger) -> "WindowedStream":
        self._trigger = trigger._to_spec()
        self._python_trigger = trigger if self._trigger.kind == spec_pb.TriggerSpec.PYTHON else None
        if self._python_trigger is not None and self._assigner_spec.kind == spec_pb.WindowAssignerSpec.SESSION \
                and not trigger.can_merge():
            raise ValueError("A merging window assigner cannot be used with a trigger that does not support merging.")
        return self

    def allowed_lateness(self, time_ms: Any) -> "WindowedStream":
        millis = time_ms if isinstance(time_ms, int) else int(time_ms.to_milliseconds())
        if millis < 0:
            raise ValueError("The allowed lateness cannot be negative.")
        if self._assigner_spec.kind == spec_pb.WindowAssignerSpec.GLOBAL and millis:
            raise ValueError("Cannot use allowed lateness with GlobalWindows.")
        self._lateness = millis
        return self

    def side_output_late_data(self, output_tag: OutputTag) -> "WindowedStream":
        self._late_tag = output_tag
        return self

    def evictor(self, evictor: Evictor) -> "WindowedStream":
        if not isinstance(evictor, Evictor):
            raise TypeError("evictor needs an Evictor")
        self._evictor = evictor
        return self

    # ---- window functions ----------------------------------------------------------------

    def _window(self, name: str, contents: int, function: Any, window_function: Any,
                output_type: TypeInformation | None) -> "DataStream":
        from pystream.datastream.data_stream import WindowResultStream
        spec = spec_pb.WindowSpec(assigner=self._assigner_spec, allowed_lateness_ms=self._lateness,
                                  late_data_tag=self._late_tag.tag_id if self._late_tag else "")
        if self._trigger is not None:
            spec.trigger.CopyFrom(self._trigger)
        evictor = None
        if self._evictor is not None:
            spec.evictor.CopyFrom(self._evictor._to_spec())
            evictor = self._evictor if spec.evictor.kind == spec_pb.EvictorSpec.PYTHON else None
        python = spec.python
        python.contents = contents
        python.key_selector = dumps(self._key_selector)
        python.all_windows = self._all
        for field, value in (("function", function), ("window_function", window_function), ("evictor", evictor),
                             ("trigger", self._python_trigger), ("gap_extractor", self._gap_extractor),
                             ("output_type", output_type)):
            if value is not None:
                setattr(python, field, dumps(value))
        env = self._stream._env
        node = env._pipeline.add(name, "window", window=spec, output_type=output_type,
                                 inputs=[Input(self._stream._node, spec_pb.HASH, dumps(self._key_selector))],
                                 parallelism=1 if self._all else 0)
        return WindowResultStream(env, node, self._late_tag)

    def reduce(self, reduce_function: Any, window_function: Any = None,
               output_type: TypeInformation | None = None) -> "DataStream":
        return self._window("Window(Reduce)", _CONTENTS.REDUCE, reduce_function, window_function,
                            output_type if window_function is not None else self._stream._node.output_type)

    def aggregate(self, aggregate_function: AggregateFunction, window_function: Any = None,
                  accumulator_type: TypeInformation | None = None,
                  output_type: TypeInformation | None = None) -> "DataStream":
        return self._window("Window(Aggregate)", _CONTENTS.AGGREGATE, aggregate_function, window_function, output_type)

    def apply(self, window_function: Any, output_type: TypeInformation | None = None) -> "DataStream":
        return self._window("Window(Apply)", _CONTENTS.LIST, None, window_function, output_type)

    def process(self, process_window_function: Any, output_type: TypeInformation | None = None) -> "DataStream":
        return self._window("Window(Process)", _CONTENTS.LIST, None, process_window_function, output_type)

    # Java Flink has these on windowed streams; PyFlink does not.
    def sum(self, position_to_sum: int | str = 0) -> "DataStream":
        return self.reduce(FieldAggregation("sum", position_to_sum))

    def min(self, position_to_min: int | str = 0) -> "DataStream":
        return self.reduce(FieldAggregation("min", position_to_min))

    def max(self, position_to_max: int | str = 0) -> "DataStream":
        return self.reduce(FieldAggregation("max", position_to_max))

    def min_by(self, position_to_min_by: int | str = 0) -> "DataStream":
        return self.reduce(FieldAggregation("min_by", position_to_min_by))

    def max_by(self, position_to_max_by: int | str = 0) -> "DataStream":
        return self.reduce(FieldAggregation("max_by", position_to_max_by))


class AllWindowedStream(WindowedStream):
    """Windows over the whole stream (one key; parallelism 1), as ``window_all`` gives."""

    def __init__(self, stream: "DataStream", assigner: WindowAssigner) -> None:
        super().__init__(stream, NullByteKeySelector(), assigner, all_windows=True)


def count_window(stream: WindowedStream, size: int, slide: int) -> WindowedStream:
    """Flink's count windows: the global window with a count trigger (and evictor when sliding)."""
    if size <= 0 or slide < 0:
        raise ValueError("count windows need a size > 0 and a slide >= 0")
    if slide == 0 or slide == size:
        return stream.trigger(PurgingTrigger.of(CountTrigger.of(size)))
    return stream.evictor(CountEvictor.of(size)).trigger(CountTrigger.of(slide))
