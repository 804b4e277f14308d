"""Count and time evictors run in the engine: a job's windows against a plain-Python model of
Flink's windows and evictors (written here, independent of PyStream), before and after the
window function, on time and count windows, with process, reduce and aggregate functions."""

from __future__ import annotations

import random
import subprocess
from collections import defaultdict
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT_S = 120

# (key, timestamp, value) in arrival order: timestamps out of order within a few seconds, so
# the time evictor drops elements that are not a prefix of the window.
_rng = random.Random(20261206)
EVENTS = [(_rng.choice("ab"), _rng.randrange(0, 3_000), v) for v in range(1, 61)]

SCRIPT = '''
from pyflink.common import Duration, Types, WatermarkStrategy
from pyflink.common.watermark_strategy import TimestampAssigner
from pyflink.datastream import StreamExecutionEnvironment
from pyflink.datastream.functions import AggregateFunction, ProcessWindowFunction
from pyflink.datastream.window import (CountEvictor, CountTrigger, EventTimeSessionWindows, GlobalWindows,
                                       TimeEvictor, Trigger, TriggerResult, TumblingEventTimeWindows)


class OnEvenValues(Trigger):
    """A trigger written in Python: then the window's Python side runs the built-in evictors too."""
    def on_element(self, element, timestamp, window, ctx):
        return TriggerResult.FIRE if element[2] % 2 == 0 else TriggerResult.CONTINUE

    def on_event_time(self, time, window, ctx):
        return TriggerResult.CONTINUE

    def on_processing_time(self, time, window, ctx):
        return TriggerResult.CONTINUE

    def clear(self, window, ctx):
        pass


class At(TimestampAssigner):
    def extract_timestamp(self, value, record_timestamp):
        return value[1]


class Values(ProcessWindowFunction):
    def __init__(self, label):
        self.label = label

    def process(self, key, context, elements):
        yield f"{self.label}|{key}|{getattr(context.window(), 'start', 'global')}|{[e[2] for e in elements]}"


class CountAndSum(AggregateFunction):
    def create_accumulator(self):
        return (0, 0)

    def add(self, value, acc):
        return (acc[0] + 1, acc[1] + value[2])

    def get_result(self, acc):
        return acc

    def merge(self, a, b):
        return (a[0] + b[0], a[1] + b[1])


env = StreamExecutionEnvironment.get_execution_environment()
env.set_parallelism(1)
events = env.from_collection(EVENTS, Types.TUPLE([Types.STRING(), Types.LONG(), Types.INT()]))
keyed = events.assign_timestamps_and_watermarks(
    WatermarkStrategy.for_bounded_out_of_orderness(Duration.of_seconds(10)).with_timestamp_assigner(At())
).key_by(lambda e: e[0])


def out(stream):
    stream.print()


tumbling = TumblingEventTimeWindows.of(1000)
for label, evictor in [("tumbling-count-3", CountEvictor.of(3)), ("tumbling-time-250", TimeEvictor.of(250))]:
    out(keyed.window(tumbling).evictor(evictor).process(Values(label), Types.STRING()))
out(keyed.window(EventTimeSessionWindows.with_gap(150)).evictor(TimeEvictor.of(200))
    .process(Values("session-time-200"), Types.STRING()))
for label, evictor in [("global-count-3-before", CountEvictor.of(3)), ("global-count-3-after", CountEvictor.of(3, True)),
                       ("global-time-400-before", TimeEvictor.of(400)), ("global-time-400-after", TimeEvictor.of(400, True))]:
    out(keyed.window(GlobalWindows.create()).trigger(CountTrigger.of(2)).evictor(evictor)
        .process(Values(label), Types.STRING()))
out(keyed.window(tumbling).evictor(CountEvictor.of(2)).reduce(lambda a, b: (a[0], max(a[1], b[1]), a[2] + b[2]))
    .map(lambda r: f"tumbling-reduce-count-2|{r[0]}|{r[2]}", Types.STRING()))
out(keyed.window(GlobalWindows.create()).trigger(CountTrigger.of(3)).evictor(TimeEvictor.of(500, True))
    .aggregate(CountAndSum()).map(lambda r: f"global-aggregate-time-500-after|{r[0]}|{r[1]}", Types.STRING()))
out(keyed.count_window(4, 2).reduce(lambda a, b: (a[0], a[1], a[2] + b[2]))
    .map(lambda r: f"count-window-4-2|{r[0]}|{r[2]}", Types.STRING()))
out(keyed.window(GlobalWindows.create()).trigger(OnEvenValues()).evictor(CountEvictor.of(2, True))
    .process(Values("python-trigger-count-2-after"), Types.STRING()))
env.execute("evictors against a model")
'''


# ---- the model: Flink's evictors and windows, in plain Python -------------------------------

Element = tuple  # (timestamp, value)


def count_evict(keep: int) -> Callable[[list[Element]], list[Element]]:
    return lambda elements: elements[len(elements) - keep:] if len(elements) > keep else elements


def time_evict(keep_ms: int) -> Callable[[list[Element]], list[Element]]:
    def evict(elements: list[Element]) -> list[Element]:
        if not elements:
            return elements
        cutoff = max(t for t, _ in elements) - keep_ms
        return [(t, v) for t, v in elements if t > cutoff]
    return evict


def fire(contents: list[Element], evict: Callable, after: bool) -> tuple[list[int], list[Element]]:
    """What the function sees and what the window keeps, as Flink's EvictingWindowOperator does."""
    seen = contents if after else evict(contents)
    return [v for _, v in seen], (evict(seen) if after else seen)


def on_even_values(label: str, evict: Callable, after: bool) -> list[tuple[str, str, list[int]]]:
    """A global window fired by each even value."""
    results = []
    for key, elements in by_key().items():
        contents: list[Element] = []
        for element in elements:
            contents.append(element)
            if element[1] % 2 == 0:
                seen, contents = fire(contents, evict, after)
                results.append((label, key, seen))
    return results


def by_key() -> dict[str, list[Element]]:
    keyed: dict[str, list[Element]] = defaultdict(list)
    for key, ts, value in EVENTS:
        keyed[key].append((ts, value))
    return keyed


def tumbling(label: str, evict: Callable) -> list[tuple[str, str, int, list[int]]]:
    """Every window fires once, at the end of input (the watermark's bound covers all data)."""
    results = []
    for key, elements in by_key().items():
        windows: dict[int, list[Element]] = defaultdict(list)
        for ts, value in elements:
            windows[ts - ts % 1000].append((ts, value))
        for start, contents in windows.items():
            results.append((label, key, start, fire(contents, evict, after=False)[0]))
    return results


def sessions(label: str, gap: int, evict: Callable) -> list[tuple[str, str, int, list[int]]]:
    """Sessions by gap over all of a key's elements; the merged contents' order is the engine's, so values are sorted."""
    results = []
    for key, elements in by_key().items():
        ordered = sorted(elements)
        groups: list[list[Element]] = [[ordered[0]]]
        for element in ordered[1:]:
            if element[0] <= max(t for t, _ in groups[-1]) + gap:  # overlapping or touching sessions merge
                groups[-1].append(element)
            else:
                groups.append([element])
        for group in groups:
            results.append((label, key, group[0][0], sorted(fire(group, evict, after=False)[0])))
    return results


def counted(label: str, every: int, evict: Callable, after: bool) -> list[tuple[str, str, list[int]]]:
    """A global window with CountTrigger.of(every), not purging: fires after every `every` elements of a key."""
    results = []
    for key, elements in by_key().items():
        contents: list[Element] = []
        for i, element in enumerate(elements, 1):
            contents.append(element)
            if i % every == 0:
                seen, contents = fire(contents, evict, after)
                results.append((label, key, seen))
    return results


def run_job(tmp_path: Path) -> list[str]:
    script = tmp_path / "evictors_model.py"
    script.write_text(f"EVENTS = {EVENTS!r}\n" + SCRIPT)
    result = subprocess.run([str(ROOT / "pystream"), "run", str(script)], cwd=ROOT, capture_output=True, text=True,
                            timeout=TIMEOUT_S)
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


def test_built_in_evictors_match_flinks_model(tmp_path: Path) -> None:
    lines = run_job(tmp_path)
    by_label: dict[str, list[str]] = defaultdict(list)
    for line in lines:
        by_label[line.split("|", 1)[0]].append(line)

    def windowed(results: list) -> list[str]:
        return sorted(f"{label}|{key}|{start}|{values}" for label, key, start, values in results)

    assert sorted(by_label["tumbling-count-3"]) == windowed(tumbling("tumbling-count-3", count_evict(3)))
    assert sorted(by_label["tumbling-time-250"]) == windowed(tumbling("tumbling-time-250", time_evict(250)))
    session_lines = sorted(f"{l.rsplit('|', 1)[0]}|{sorted(eval(l.rsplit('|', 1)[1]))}" for l in by_label["session-time-200"])
    assert session_lines == windowed(sessions("session-time-200", 150, time_evict(200)))

    # Global windows: fires of a key come in order, so each key's lines are compared in order.
    for label, evict, after in [("global-count-3-before", count_evict(3), False), ("global-count-3-after", count_evict(3), True),
                                ("global-time-400-before", time_evict(400), False), ("global-time-400-after", time_evict(400), True),
                                ("python-trigger-count-2-after", count_evict(2), True)]:
        fired = on_even_values(label, evict, after) if label.startswith("python-trigger") else counted(label, 2, evict, after)
        want = [f"{l}|{key}|global|{seen}" for l, key, seen in fired]
        for key in "ab":
            assert [l for l in by_label[label] if l.split("|")[1] == key] == [w for w in want if w.split("|")[1] == key], label

    want_reduce = [("tumbling-reduce-count-2", key, sum(values)) for _, key, _, values in tumbling("x", count_evict(2))]
    assert sorted(by_label["tumbling-reduce-count-2"]) == sorted(f"{l}|{k}|{s}" for l, k, s in want_reduce)
    want_aggregate = [f"global-aggregate-time-500-after|{len(seen)}|{sum(seen)}"
                      for _, _, seen in counted("x", 3, time_evict(500), after=True)]
    assert sorted(by_label["global-aggregate-time-500-after"]) == sorted(want_aggregate)
    # count_window(4, 2): CountEvictor.of(4) before the function, fired every 2 elements.
    want_count = [f"count-window-4-2|{key}|{sum(seen)}" for _, key, seen in counted("x", 2, count_evict(4), after=False)]
    assert sorted(by_label["count-window-4-2"]) == sorted(want_count)
    assert len(lines) == sum(len(v) for v in by_label.values())
