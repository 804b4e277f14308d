"""Complex event processing: Flink's CEP library (``org.apache.flink.cep``) with snake_case names.

PyFlink has no Python CEP API; ``pyflink.cep`` here is PyStream's, run by the engine's NFA::

    pattern = (Pattern.begin("fail").where(lambda e: e.status == "fail").times(3).consecutive()
               .next("ok").where(lambda e: e.status == "ok").within(Duration.of_seconds(10)))
    CEP.pattern(stream.key_by(lambda e: e.user), pattern).process(Alert(), output_type=Types.STRING())
"""

from pystream.cep.conditions import (
    IterativeCondition,
    RichAndCondition,
    RichOrCondition,
    SimpleCondition,
    SubtypeCondition,
)
from pystream.cep.functions import (
    EventComparator,
    PatternFlatSelectFunction,
    PatternFlatTimeoutFunction,
    PatternProcessFunction,
    PatternSelectFunction,
    PatternTimeoutFunction,
    TimedOutPartialMatchHandler,
)
from pystream.cep.pattern import GroupPattern, MalformedPatternException, Pattern, Quantifier
from pystream.cep.pattern_stream import CEP, PatternStream
from pystream.cep.skip import AfterMatchSkipStrategy, WithinType

__all__ = [
    "CEP",
    "PatternStream",
    "Pattern",
    "GroupPattern",
    "Quantifier",
    "MalformedPatternException",
    "AfterMatchSkipStrategy",
    "WithinType",
    "IterativeCondition",
    "SimpleCondition",
    "RichAndCondition",
    "RichOrCondition",
    "SubtypeCondition",
    "PatternProcessFunction",
    "TimedOutPartialMatchHandler",
    "PatternSelectFunction",
    "PatternFlatSelectFunction",
    "PatternTimeoutFunction",
    "PatternFlatTimeoutFunction",
    "EventComparator",
]
