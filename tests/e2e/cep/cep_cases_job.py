"""Flink's documented CEP cases, one pattern per case over its own events, in one job.

Each match prints as ``case|stage=e1,e2;stage=e3`` (stages in pattern order, events by id);
a partial match that ``within`` timed out as ``case|timeout@<ms>|...``.
"""

import sys
from pathlib import Path

from pyflink.cep import CEP, AfterMatchSkipStrategy, IterativeCondition, Pattern, PatternProcessFunction
from pyflink.cep import SimpleCondition, TimedOutPartialMatchHandler, WithinType
from pyflink.common import Duration, Types, WatermarkStrategy
from pyflink.common.watermark_strategy import TimestampAssigner
from pyflink.datastream import StreamExecutionEnvironment

sys.path.insert(0, str(Path(__file__).parent))
from cep_cases import EVENTS, VALUES  # noqa: E402

STAGES = ("a", "b", "c", "n", "x", "y")


class Kind(SimpleCondition):
    def __init__(self, kinds):
        self.kinds = kinds

    def filter(self, value):
        return value[0][0] in self.kinds


def kind(k):
    return lambda e: e[0][0] == k


class WorthMoreThanTheAs(IterativeCondition):
    """A b worth more than the average of the a's the match took.

    The engine asks Python about a step's iterative conditions in one call, for every partial
    match of the key, so this may also be asked with no a taken yet (Flink would not ask; the
    answer is then unused), hence the guard."""

    def filter(self, value, ctx):
        taken = [VALUES[e[0]] for e in ctx.get_events_for_pattern("a")]
        return value[0][0] == "b" and bool(taken) and VALUES[value[0]] > sum(taken) / len(taken)


def a_then_b(skip=None):
    return Pattern.begin("a", skip).where(kind("a")).followed_by_any("b").where(kind("b"))


def a_b_c(skip):
    return Pattern.begin("a", skip).where(kind("a")).followed_by("b").where(kind("b")).followed_by("c").where(kind("c"))


def loop(shape):
    return shape(Pattern.begin("c").where(kind("c")).followed_by("a").where(kind("a")).one_or_more()) \
        .followed_by("b").where(kind("b"))


PATTERNS = {
    "strict": lambda: Pattern.begin("a").where(kind("a")).next("b").where(kind("b")),
    "relaxed": lambda: Pattern.begin("a").where(kind("a")).followed_by("b").where(kind("b")),
    "any": lambda: a_then_b(),
    "loop_relaxed": lambda: loop(lambda p: p),
    "loop_consecutive": lambda: loop(lambda p: p.consecutive()),
    "loop_combinations": lambda: loop(lambda p: p.allow_combinations()),
    "times_range": lambda: Pattern.begin("a").where(kind("a")).times(2, 3).followed_by("b").where(kind("b")),
    "optional": lambda: Pattern.begin("a").where(kind("a")).followed_by("b").where(kind("b")).optional()
    .followed_by("c").where(kind("c")),
    "skip_no_skip": lambda: a_b_c(AfterMatchSkipStrategy.no_skip()),
    "skip_to_next": lambda: a_b_c(AfterMatchSkipStrategy.skip_to_next()),
    "skip_past_last": lambda: a_b_c(AfterMatchSkipStrategy.skip_past_last_event()),
    "skip_to_first": lambda: a_b_c(AfterMatchSkipStrategy.skip_to_first("b")),
    "skip_to_last": lambda: a_b_c(AfterMatchSkipStrategy.skip_to_last("c")),
    "within_first_last": lambda: Pattern.begin("a").where(kind("a")).followed_by("b").where(kind("b"))
    .within(Duration.of_seconds(5)),
    "within_previous": lambda: Pattern.begin("a").where(kind("a")).followed_by("b").where(kind("b"))
    .followed_by("c").where(kind("c")).within(Duration.of_seconds(3), WithinType.PREVIOUS_AND_CURRENT),
    "within_mixed": lambda: Pattern.begin("a").where(kind("a"))
    .followed_by("b").where(kind("b")).within(Duration.of_seconds(3), WithinType.PREVIOUS_AND_CURRENT)
    .followed_by("c").where(kind("c")).within(Duration.of_seconds(3), WithinType.PREVIOUS_AND_CURRENT)
    .within(Duration.of_seconds(5)),
    "times_window": lambda: Pattern.begin("a").where(kind("a")).next("b").where(kind("b"))
    .times(3, Duration.of_millis(1500)).consecutive(),
    "iterative": lambda: Pattern.begin("a").where(Kind("a")).one_or_more().followed_by("b").where(WorthMoreThanTheAs()),
    "group": lambda: Pattern.begin(Pattern.begin("x").where(kind("a")).next("y").where(kind("b"))).times(2)
    .followed_by("c").where(kind("c")),
    "not_next": lambda: Pattern.begin("a").where(kind("a")).not_next("n").where(kind("x"))
    .followed_by("b").where(kind("b")),
    "not_followed_by": lambda: Pattern.begin("a").where(kind("a")).not_followed_by("n").where(kind("c"))
    .followed_by("b").where(kind("b")),
    "until": lambda: Pattern.begin("a").where(kind("a")).one_or_more().until(kind("s")).followed_by("b").where(kind("b")),
}


def shown(match):
    return ";".join(f"{s}={','.join(e[0] for e in match[s])}" for s in STAGES if s in match)


class Show(PatternProcessFunction, TimedOutPartialMatchHandler):
    def __init__(self, case):
        self.case = case

    def process_match(self, match, ctx):
        yield f"{self.case}|{shown(match)}"

    def process_timed_out_match(self, match, ctx):
        yield f"{self.case}|timeout@{ctx.timestamp()}|{shown(match)}"


class At(TimestampAssigner):
    def extract_timestamp(self, value, record_timestamp):
        return value[1][1]


env = StreamExecutionEnvironment.get_execution_environment()
env.set_parallelism(1)
cases = [c for c in sys.argv[1:]] or list(PATTERNS)
# One stream in timestamp order (so monotonous watermarks hold for every case), each case filtered out of it.
events = sorted(((case, e) for case in cases for e in EVENTS[case]), key=lambda ce: ce[1][1])
stream = (env.from_collection(events)
          .assign_timestamps_and_watermarks(WatermarkStrategy.for_monotonous_timestamps().with_timestamp_assigner(At())))
for case in cases:
    mine = stream.filter(lambda e, case=case: e[0] == case).map(lambda e: e[1]).key_by(lambda e: 0)
    CEP.pattern(mine, PATTERNS[case]()).process(Show(case), output_type=Types.STRING()).print()
env.execute("cep cases")
