"""CEP with Python conditions: a -> b -> c (strict contiguity, skip past last event) per key.

NumberSequenceSource -> map to an event -> key_by -> CEP with three lambda conditions ->
select, collected; next to a plain-Python matcher written for this one pattern (a three-state
machine per key, calling the same lambdas on the same events), in this same process. Event
``n`` is ``(n % 10000, v, n)`` with ``v`` the top 4 bits of a 32-bit multiplicative hash of
``n``; a is ``v < 4``, b is ``4 <= v < 8``, c is ``v >= 8`` (disjoint, so the state machine is
exact). Both must give the same matches. The rate comes from the difference of two sizes
(start-up and job set-up cancel out), by the wall clock and by the CPU time of the whole process
(which a loaded machine disturbs less). The engine's cost per event is higher in a job's first
~250K events (keys' state and Python objects being made), so the default sizes measure mostly
the steady state; 50K and 250K measure that first phase only. Processing time, parallelism 1.

    ./pystream run benchmarks/cep_python.py [SMALL LARGE]
"""

import sys
import time

from pyflink.cep import CEP, AfterMatchSkipStrategy, Pattern
from pyflink.common import WatermarkStrategy
from pyflink.datastream import StreamExecutionEnvironment
from pyflink.datastream.connectors.number_seq import NumberSequenceSource

KEYS = 10_000
to_event = lambda n: (n % KEYS, ((n * 2654435761) & 0xFFFFFFFF) >> 28, n)  # noqa: E731
key_of = lambda e: e[0]  # noqa: E731
is_a = lambda e: e[1] < 4  # noqa: E731
is_b = lambda e: 4 <= e[1] < 8  # noqa: E731
is_c = lambda e: e[1] >= 8  # noqa: E731


def engine_run(count: int) -> tuple[float, set]:
    env = StreamExecutionEnvironment.get_execution_environment()
    env.set_parallelism(1)
    events = env.from_source(NumberSequenceSource(1, count), WatermarkStrategy.no_watermarks(), "numbers").map(to_event)
    pattern = (Pattern.begin("a", AfterMatchSkipStrategy.skip_past_last_event()).where(is_a)
               .next("b").where(is_b).next("c").where(is_c))
    matches = CEP.pattern(events.key_by(key_of), pattern).in_processing_time().select(lambda m: (m["a"][0][2], m["c"][0][2]))
    started = time.perf_counter()
    found = set(matches.execute_and_collect())
    return time.perf_counter() - started, found


def cpython_run(count: int) -> tuple[float, set]:
    # A careful user's matcher for this pattern: per key 0 (nothing), 1 (after a), 2 (after a b).
    started = time.perf_counter()
    stage, first, found = {}, {}, set()
    event_of, key, a, b, c, get = to_event, key_of, is_a, is_b, is_c, stage.get
    for n in range(1, count + 1):
        e = event_of(n)
        k = key(e)
        if a(e):
            stage[k], first[k] = 1, e[2]
        elif b(e):
            stage[k] = 2 if get(k) == 1 else 0
        elif c(e):
            if get(k) == 2:
                found.add((first[k], e[2]))
            stage[k] = 0
    return time.perf_counter() - started, found


def timed(run, count: int) -> tuple[float, float, set]:
    """Wall seconds, CPU seconds of the whole process (every thread: the engine's too) and the matches."""
    cpu = time.process_time()
    seconds, found = run(count)
    return seconds, time.process_time() - cpu, found


def rates(run, small: int, large: int) -> tuple[float, float, set]:
    """Events per wall second and per CPU second, each the best of 3 (small, large) pairs."""
    pairs = [(timed(run, small), timed(run, large)) for _ in range(3)]
    wall = max((large - small) / (lg[0] - sm[0]) for sm, lg in pairs)
    cpu = max((large - small) / (lg[1] - sm[1]) for sm, lg in pairs)
    return wall, cpu, pairs[-1][1][2]


def main() -> None:
    small, large = (int(a) for a in sys.argv[1:3]) if len(sys.argv) > 2 else (200_000, 1_000_000)
    engine_run(small)  # warm-up: JIT, imports
    engine, engine_cpu, engine_found = rates(engine_run, small, large)
    cpython, cpython_cpu, cpython_found = rates(cpython_run, small, large)
    assert engine_found == cpython_found, (len(engine_found), len(cpython_found))
    print(f"workload: a -> b -> c (next, next) with lambda conditions, {KEYS:,} keys, processing time, parallelism 1, "
          f"sizes {small:,} and {large:,}; {len(engine_found):,} matches, the same in both")
    print(f"engine : {engine / 1e6:6.2f} M events/s, {engine_cpu / 1e6:6.2f} M events per CPU second")
    print(f"cpython: {cpython / 1e6:6.2f} M events/s, {cpython_cpu / 1e6:6.2f} M events per CPU second "
          "(a state machine per key calling the same lambdas, same process)")
    print(f"ratio  : {engine / cpython:6.2f}x by the wall clock, {engine_cpu / cpython_cpu:6.2f}x by CPU time (goal >= 0.3x)")


if __name__ == "__main__":
    main()
