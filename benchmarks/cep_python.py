"""CEP with Python conditions: a -> b -> c (strict contiguity, skip past last event) per key.

NumberSequenceSource -> map to an event -> key_by -> CEP with three lambda conditions ->
select, collected; next to a plain-Python matcher written for this one pattern (a three-state
machine per key, calling the same lambdas on the same events), in this same process. Event
``n`` is ``(n % 10000, v, n)`` with ``v`` the top 4 bits of a 32-bit multiplicative hash of
``n``; a is ``v < 4``, b is ``4 <= v < 8``, c is ``v >= 8`` (disjoint, so the state machine is
exact). Both must give the same matches. The rate comes from the difference of two sizes
(start-up and job set-up cancel out), by the wall clock and by CPU time (which a loaded machine
disturbs less: the engine's whole process, plain CPython's own thread), each size's least time over
five rounds that time both sides in turn; each round's own wall-clock ratio is printed too, to show how far the machine
moved it during the run. Processing time, parallelism 1.

The engine is warmed up first, until its JIT compiler has settled: .NET compiles hot methods
again in the background (tiered compilation with PGO) for the first few dozen jobs, and that CPU
fell mostly on the larger run of each pair (0.2-0.7 s of compilation in a 250K-event run after
one warm-up job), which the difference of two sizes does not cancel; the plain-Python side has no
such phase. Run in the engine's process (``./pystream run``), the script reads the runtime's JIT
time and warms up until two pairs in a row compile under 30 ms each (at most 10 pairs), and prints
the JIT time left inside the measured runs; elsewhere it warms up with 6 pairs. The JIT of job
set-up code still goes on for dozens of jobs (50-250 ms per job seen), so the CPU figures are also
given without the runtime's background JIT thread (read from /proc on Linux), for both sides.

    ./pystream run benchmarks/cep_python.py [SMALL LARGE]
"""

import os
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


JIT_WORKER = ".NET Tiered Com"  # the runtime's background compiler thread, as /proc shows its name


def jit_worker_cpu() -> dict[str, float]:
    """CPU seconds of each live .NET background JIT thread of this process, by thread id (Linux; empty elsewhere)."""
    seconds: dict[str, float] = {}
    try:
        tasks = os.listdir("/proc/self/task")
    except OSError:
        return seconds
    for task in tasks:
        try:
            with open(f"/proc/self/task/{task}/stat") as stat_file:
                stat = stat_file.read()
        except OSError:
            continue  # ended meanwhile
        if stat[stat.index("(") + 1:stat.rindex(")")] == JIT_WORKER:
            fields = stat[stat.rindex(")") + 2:].split()
            seconds[task] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return seconds


def timed(run, count: int) -> tuple[float, float, float, set]:
    """Wall seconds; CPU seconds, and the same without the background JIT thread (a worker that ended during the run
    keeps what it had at the start: it counts against the engine); the matches. The engine's CPU is the whole
    process's (every thread works for it); plain CPython's is its own thread's, so that the engine's background
    threads (JIT, GC) still busy after an engine run are not billed to the plain run that follows it."""
    if run is cpython_run:
        cpu = time.thread_time()
        seconds, found = run(count)
        cpu = time.thread_time() - cpu
        return seconds, cpu, cpu, found
    jit, cpu = jit_worker_cpu(), time.process_time()
    seconds, found = run(count)
    cpu = time.process_time() - cpu
    jit_spent = sum(after - jit.get(task, 0.0) for task, after in jit_worker_cpu().items())
    return seconds, cpu, cpu - jit_spent, found


def jit_seconds() -> float | None:
    """Seconds the .NET runtime of this process has spent compiling (None outside the engine's process)."""
    try:
        from System.Runtime import JitInfo  # type: ignore[import-not-found]
    except ImportError:
        return None
    return JitInfo.GetCompilationTime(False).TotalSeconds


def warm_up(small: int, large: int) -> None:
    """Runs (small, large) pairs until the JIT compiler settles (see the module doc)."""
    quiet = 0
    for _ in range(10):
        before = jit_seconds()
        engine_run(small)
        engine_run(large)
        after = jit_seconds()
        if before is None or after is None:
            for _ in range(5):
                engine_run(small)
                engine_run(large)
            return
        quiet = quiet + 1 if after - before < 0.03 else 0
        if quiet == 2:
            return


ROUNDS = 5


def rates(small: int, large: int) -> tuple[tuple[float, float, float], tuple[float, float, float], set, set, list[float]]:
    """Events per wall second, per CPU second and per CPU second without the background JIT, for the engine and for
    plain CPython: ROUNDS rounds, each timing both sides at both sizes (so that both sample the machine's swings alike:
    plain CPython alone varies by a third from one 1M-event run to the next here), each figure from the least time
    seen at each size (what noise cannot lower). Also each round's own wall-clock ratio (its two sides timed back to
    back), which shows how far the machine moved the ratio during the run."""
    times: dict = {run: {small: [], large: []} for run in (engine_run, cpython_run)}
    found: dict = {}
    for _ in range(ROUNDS):
        for run in (engine_run, cpython_run):
            for count in (small, large):
                *spent, found[run] = timed(run, count)
                times[run][count].append(spent)

    def rate(run) -> tuple[float, float, float]:
        least = {count: [min(spent[i] for spent in times[run][count]) for i in range(3)] for count in (small, large)}
        return tuple((large - small) / (least[large][i] - least[small][i]) for i in range(3))  # type: ignore[return-value]

    def spent(run, r: int) -> float:
        return times[run][large][r][0] - times[run][small][r][0]

    rounds = [spent(cpython_run, r) / spent(engine_run, r) for r in range(ROUNDS)]
    return rate(engine_run), rate(cpython_run), found[engine_run], found[cpython_run], rounds


def main() -> None:
    small, large = (int(a) for a in sys.argv[1:3]) if len(sys.argv) > 2 else (200_000, 1_000_000)
    warm_up(small, large)
    jit_before = jit_seconds()
    (engine, engine_cpu, engine_no_jit), (cpython, cpython_cpu, cpython_no_jit), engine_found, cpython_found, rounds = rates(small, large)
    jit_after = jit_seconds()
    assert engine_found == cpython_found, (len(engine_found), len(cpython_found))
    print(f"workload: a -> b -> c (next, next) with lambda conditions, {KEYS:,} keys, processing time, parallelism 1, "
          f"sizes {small:,} and {large:,}; {len(engine_found):,} matches, the same in both")
    print(f"engine : {engine / 1e6:6.2f} M events/s, {engine_cpu / 1e6:6.2f} M events per CPU second, "
          f"{engine_no_jit / 1e6:6.2f} M without the background JIT thread")
    print(f"cpython: {cpython / 1e6:6.2f} M events/s, {cpython_cpu / 1e6:6.2f} M events per CPU second, "
          f"{cpython_no_jit / 1e6:6.2f} M without the background JIT thread "
          "(a state machine per key calling the same lambdas, same process)")
    if jit_before is not None and jit_after is not None:
        print(f"JIT compilation during the measured rounds (the engine's: plain CPython compiles nothing): {jit_after - jit_before:.3f} s")
    print(f"ratio  : {engine / cpython:6.2f}x by the wall clock, {engine_cpu / cpython_cpu:6.2f}x by CPU time, "
          f"{engine_no_jit / cpython_no_jit:6.2f}x by CPU time without the background JIT thread (goal >= 0.3x)")
    print(f"rounds : {' '.join(f'{r:.2f}x' for r in rounds)} by the wall clock, each round's two sides timed back to back "
          "(the ratio above divides each side's least times, which may come from different rounds)")


if __name__ == "__main__":
    main()
