"""Building CEP patterns: what Flink's Pattern builder and NFA compiler reject, and what the engine is told."""

import pytest

from pyflink.cep import (
    CEP,
    AfterMatchSkipStrategy,
    IterativeCondition,
    MalformedPatternException,
    Pattern,
    RichAndCondition,
    RichOrCondition,
    SimpleCondition,
    SubtypeCondition,
    WithinType,
)
from pyflink.common import Duration
from pyflink.datastream import StreamExecutionEnvironment
from pystream._proto import jobspec_pb2 as spec_pb
from pystream.cep._spec import describe


def a(event):
    return event == "a"


class StartsWithB(SimpleCondition):
    def filter(self, value):
        return value.startswith("b")


class AboveAverage(IterativeCondition):
    def filter(self, value, ctx):
        taken = list(ctx.get_events_for_pattern("start"))
        return not taken or value > sum(taken) / len(taken)


@pytest.mark.parametrize("build, error, message", [
    (lambda: Pattern.begin("a").times(-1), ValueError, "You should give a positive number greater than 0."),
    (lambda: Pattern.begin("a").times(0), ValueError, "You should give a positive number greater than 0."),
    (lambda: Pattern.begin("a").times(3, 1), ValueError, "The to should be a number greater than or equal to from: 3."),
    (lambda: Pattern.begin("a").times(-1, 2), ValueError, "The from should be a positive number greater than 0."),
    (lambda: Pattern.begin("a").times_or_more(-2), ValueError, "The from should be a positive number greater than 0."),
    (lambda: Pattern.begin("a").followed_by("b").where(a).not_next("c").optional(), MalformedPatternException,
     "NOT pattern cannot be optional"),
    (lambda: Pattern.begin("a").not_next("n").times(2), MalformedPatternException, "Option not applicable to NOT pattern"),
    (lambda: Pattern.begin("a").not_followed_by("n").one_or_more(), MalformedPatternException,
     "Option not applicable to NOT pattern"),
    (lambda: Pattern.begin("a").optional().not_next("n"), MalformedPatternException,
     "Specifying a pattern with an optional path to NOT condition is not supported yet."),
    (lambda: Pattern.begin("a").times(2).one_or_more(), MalformedPatternException,
     "Already applied quantifier to this Pattern."),
    (lambda: Pattern.begin("a").optional().optional(), MalformedPatternException, "Optional already applied!"),
    (lambda: Pattern.begin("a").until(a), MalformedPatternException,
     "The until condition is only applicable to looping states."),
    (lambda: Pattern.begin("a").one_or_more().until(a).until(a), MalformedPatternException,
     "Only one until condition can be applied."),
    (lambda: Pattern.begin("a").consecutive(), MalformedPatternException, "Consecutive not applicable to"),
    (lambda: Pattern.begin("a").allow_combinations(), MalformedPatternException, "Combinations not applicable to"),
    (lambda: Pattern.begin("a").one_or_more().consecutive().allow_combinations(), MalformedPatternException,
     "You can apply either combinations or consecutive, not both!"),
    (lambda: Pattern.begin(Pattern.begin("x")).where(a), MalformedPatternException,
     "GroupPattern does not support where clause."),
    (lambda: Pattern.begin(Pattern.begin("x")).greedy(), MalformedPatternException,
     "Option not applicable to group pattern"),
    (lambda: Pattern.begin("a").where(None), ValueError, "The condition cannot be null."),
    (lambda: Pattern.begin("a").where(42), TypeError, "a condition is an IterativeCondition"),
    (lambda: Pattern.begin("a").within(Duration.of_millis(-5)), ValueError, "within needs a positive time"),
    (lambda: Pattern.begin(""), ValueError, "non-empty name"),
])
def test_the_builder_rejects_what_flink_rejects(build, error, message):
    with pytest.raises(error) as raised:
        build()
    assert message in str(raised.value)


@pytest.mark.parametrize("pattern, message", [
    (Pattern.begin("start").where(a).followed_by("start").where(a), "Duplicate pattern name: start. Names must be unique."),
    (Pattern.begin("start").where(a).not_followed_by("end").where(a),
     "NotFollowedBy is not supported without windowTime as a last part of a Pattern!"),
    (Pattern.begin("a").optional().followed_by("b").optional(), "can match the empty sequence"),
    (Pattern.begin("a").times(0, 2), "can match the empty sequence"),
    (Pattern.begin(Pattern.begin("x").optional()).followed_by("y").times(0, 1), "can match the empty sequence"),
    # Flink's NFACompilerTest.testCheckPatternWindowTimes.
    (Pattern.begin("start").followed_by("middle").within(Duration.of_seconds(3), WithinType.PREVIOUS_AND_CURRENT)
     .followed_by("then").within(Duration.of_seconds(1), WithinType.PREVIOUS_AND_CURRENT)
     .followed_by("end").within(Duration.of_millis(2)),
     "The window length between the previous and current event cannot be larger than the window length between "
     "the first and last event for a Pattern."),
    (Pattern.begin("a", AfterMatchSkipStrategy.skip_to_first("nope")).followed_by("b"),
     "The pattern name specified in AfterMatchSkipStrategy nope does not exist in the given pattern"),
])
def test_the_job_refuses_what_flinks_compiler_refuses(pattern, message):
    env = StreamExecutionEnvironment.get_execution_environment()
    stream = env.from_collection(["a", "b"])
    with pytest.raises(MalformedPatternException) as raised:
        CEP.pattern(stream, pattern)
    assert message in str(raised.value)


def test_a_not_followed_by_at_the_end_is_fine_with_within():
    pattern = Pattern.begin("start").where(a).not_followed_by("end").where(a).within(Duration.of_seconds(1))
    described, _, _ = describe(pattern)
    assert [s.kind for s in described.stages] == [spec_pb.CepStage.TAKE, spec_pb.CepStage.NOT_FOLLOWED_BY]
    assert described.within_ms == 1000


def test_both_kinds_of_within_go_to_the_engine_together():
    pattern = (Pattern.begin("a").where(a).followed_by("b").where(a).within(Duration.of_seconds(2), WithinType.PREVIOUS_AND_CURRENT)
               .within(Duration.of_seconds(5)).followed_by("c").where(a).within(Duration.of_seconds(1), WithinType.PREVIOUS_AND_CURRENT))
    described, _, _ = describe(pattern)
    assert [s.previous_within_ms for s in described.stages] == [0, 2000, 1000]
    assert described.within_ms == 5000


def test_a_quantifier_takes_its_own_window_as_flinks_times_with_a_duration():
    pattern = (Pattern.begin("a").where(a).times(3, Duration.of_millis(700)).followed_by("b").where(a)
               .times(2, 4, Duration.of_millis(800)).followed_by("c").where(a).one_or_more(Duration.of_millis(900))
               .followed_by("d").where(a).times_or_more(2, window_time=Duration.of_seconds(1))
               .followed_by("e").where(a).within(Duration.of_millis(600), WithinType.PREVIOUS_AND_CURRENT))
    described, _, _ = describe(pattern)
    assert [(s.min, s.max, s.counted, s.counted_within_ms) for s in described.stages] == \
        [(3, 3, True, 700), (2, 4, True, 800), (1, 0, True, 900), (2, 0, True, 1000), (1, 1, False, 0)]
    assert described.stages[-1].previous_within_ms == 600
    with pytest.raises(ValueError, match="positive"):
        Pattern.begin("a").times(2, Duration.of_millis(0))


def test_a_counted_stage_is_checked_against_the_whole_window_by_its_counts_window_only():
    env = StreamExecutionEnvironment.get_execution_environment()
    stream = env.from_collection(["a", "b"])
    # As Flink's compiler: a counted stage's own PREVIOUS_AND_CURRENT within is not used, so it is not checked.
    ignored = Pattern.begin("a").times(2).within(Duration.of_seconds(9), WithinType.PREVIOUS_AND_CURRENT) \
        .followed_by("b").within(Duration.of_seconds(1))
    CEP.pattern(stream, ignored)
    too_long = Pattern.begin("a").times(2, Duration.of_seconds(9)).followed_by("b").within(Duration.of_seconds(1))
    with pytest.raises(MalformedPatternException, match="cannot be larger than the window length"):
        CEP.pattern(stream, too_long)


def test_the_engine_is_told_stages_quantifiers_contiguity_and_numbered_conditions():
    pattern = (Pattern.begin("start", AfterMatchSkipStrategy.skip_to_last("middle")).where(a).where(StartsWithB())
               .followed_by_any("middle").where(AboveAverage()).or_(a).times(2, 4).allow_combinations().greedy()
               .next("end").subtype(str).times_or_more(1).consecutive().until(lambda e: e == "stop")
               .within(Duration.of_millis(500), WithinType.PREVIOUS_AND_CURRENT))
    described, conditions, iterative = describe(pattern)
    start, middle, end = described.stages
    assert (start.name, start.condition, start.until, start.min, start.max) == ("start", 0, -1, 1, 1)
    assert isinstance(conditions[0], RichAndCondition) and not iterative[0]
    assert (middle.contiguity, middle.condition, middle.min, middle.max, middle.greedy, middle.inner) == \
        (spec_pb.NON_DETERMINISTIC_RELAXED, 1, 2, 4, True, spec_pb.NON_DETERMINISTIC_RELAXED)
    assert isinstance(conditions[1], RichOrCondition) and iterative[1]
    assert (end.contiguity, end.condition, end.until, end.min, end.max, end.inner) == \
        (spec_pb.STRICT, 2, 3, 1, 0, spec_pb.STRICT)
    assert isinstance(conditions[2], SubtypeCondition) and not iterative[2] and not iterative[3]
    assert end.previous_within_ms == 500 and described.within_ms == 0
    assert (described.skip.kind, described.skip.stage) == (spec_pb.CepSkip.SKIP_TO_LAST, "middle")


def test_where_twice_is_and_or_is_or_subtype_is_isinstance():
    both = Pattern.begin("x").where(lambda v: v > 1).where(lambda v: v < 5).get_condition()
    either = Pattern.begin("x").where(lambda v: v < 0).or_(lambda v: v > 10).get_condition()
    typed = Pattern.begin("x").subtype(int).get_condition()
    values = [-3, 0, 2, 4, 7, 11, 2.5]
    assert [v for v in values if both.filter(v)] == [2, 4, 2.5]
    assert [v for v in values if either.filter(v)] == [-3, 11]
    assert [v for v in values if typed.filter(v)] == [-3, 0, 2, 4, 7, 11]


def test_times_from_zero_is_optional_and_group_stages_nest():
    group = Pattern.begin("x").where(a).followed_by("y").where(a)
    pattern = Pattern.begin("s").where(a).times(0, 3).next(group).times(2)
    described, _, _ = describe(pattern)
    s, g = described.stages
    assert (s.min, s.max, s.optional) == (1, 3, True)
    assert [x.name for x in g.group] == ["x", "y"] and (g.min, g.max, g.condition) == (2, 2, -1)


def test_event_time_is_the_default_with_a_watermark_strategy_upstream():
    from pyflink.common import WatermarkStrategy
    env = StreamExecutionEnvironment.get_execution_environment()
    plain = env.from_collection(["a"])
    stamped = plain.assign_timestamps_and_watermarks(WatermarkStrategy.for_monotonous_timestamps())
    pattern = Pattern.begin("a").where(a)
    assert not CEP.pattern(plain, pattern).select(lambda m: 1)._node.cep.event_time
    assert CEP.pattern(stamped.key_by(lambda e: e), pattern).select(lambda m: 1)._node.cep.event_time
    assert not CEP.pattern(stamped, pattern).in_processing_time().select(lambda m: 1)._node.cep.event_time


def test_an_event_comparator_goes_into_the_pattern_stream_and_a_non_function_is_refused():
    import cloudpickle
    env = StreamExecutionEnvironment.get_execution_environment()
    stream = env.from_collection(["a"])
    by_length = lambda x, y: len(x) - len(y)  # noqa: E731
    spec = CEP.pattern(stream, Pattern.begin("a").where(a), by_length).select(lambda m: 1)._node.cep
    assert cloudpickle.loads(spec.comparator)("ab", "a") == 1
    assert not CEP.pattern(stream, Pattern.begin("a").where(a)).select(lambda m: 1)._node.cep.comparator
    with pytest.raises(TypeError, match="EventComparator or a function of two events"):
        CEP.pattern(stream, Pattern.begin("a").where(a), 3)
