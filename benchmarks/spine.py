"""Spine benchmark: Python map -> key_by -> reduce over NumberSequenceSource (BATCH, parallelism 1).

Runs the pipeline at two sizes and takes the rate from the difference (start-up and
job set-up cancel out), next to plain CPython doing the same work with a dict and the
same three lambdas, in this same process (a function-local loop, as a careful user writes it). Prints records/s and the ratio.

    ./pystream run benchmarks/spine.py [SMALL LARGE]
"""

import sys
import time

from pyflink.common import WatermarkStrategy
from pyflink.datastream import RuntimeExecutionMode, StreamExecutionEnvironment
from pyflink.datastream.connectors.number_seq import NumberSequenceSource

KEYS = 1000
to_pair = lambda n: (n % KEYS, n)  # noqa: E731
key_of = lambda pair: pair[0]  # noqa: E731
add = lambda a, b: (a[0], a[1] + b[1])  # noqa: E731


def engine_seconds(count: int) -> float:
    env = StreamExecutionEnvironment.get_execution_environment()
    env.set_runtime_mode(RuntimeExecutionMode.BATCH)
    env.set_parallelism(1)
    results = (env.from_source(NumberSequenceSource(1, count), WatermarkStrategy.no_watermarks(), "numbers")
               .map(to_pair).key_by(key_of).reduce(add))
    started = time.perf_counter()
    collected = results.execute_and_collect()
    total = sum(value for _, value in collected)
    elapsed = time.perf_counter() - started
    assert total == count * (count + 1) // 2, total
    return elapsed


def cpython_seconds(count: int) -> float:
    # A careful user's loop: inside a function, with the lambdas and methods as locals.
    started = time.perf_counter()
    state = {}
    pair_of, key, combine, get = to_pair, key_of, add, state.get
    for n in range(1, count + 1):
        pair = pair_of(n)
        k = key(pair)
        current = get(k)
        state[k] = pair if current is None else combine(current, pair)
    total = sum(value for _, value in state.values())
    elapsed = time.perf_counter() - started
    assert total == count * (count + 1) // 2, total
    return elapsed


def rate(seconds, small: int, large: int) -> float:
    return (large - small) / (seconds(large) - seconds(small))


def best(measure, small: int, large: int, runs: int = 3) -> float:
    return max(rate(measure, small, large) for _ in range(runs))


def main() -> None:
    small, large = (int(a) for a in sys.argv[1:3]) if len(sys.argv) > 2 else (1_000_000, 5_000_000)
    engine_seconds(small)  # warm-up: JIT, imports
    engine = best(engine_seconds, small, large)
    cpython = best(cpython_seconds, small, large)
    report(f"parallelism 1, sizes {small:,} and {large:,}", ("engine", engine), cpython, goal=0.6)


def report(setup: str, measured: tuple[str, float], cpython: float, goal: float) -> None:
    name, rate_ = measured
    print(f"workload: map -> key_by -> reduce, {KEYS} keys, BATCH, {setup}")
    print(f"{name:7}: {rate_ / 1e6:6.2f} M records/s")
    print(f"cpython: {cpython / 1e6:6.2f} M records/s (one thread, dict + the same three lambdas, function-local loop, same process)")
    print(f"ratio  : {rate_ / cpython:6.2f}x (goal >= {goal}x)")


if __name__ == "__main__":
    main()
