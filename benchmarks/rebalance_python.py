"""Python records dealt in turn: NumberSequenceSource -> map (parallelism 1) -> rebalance -> map -> filter
(parallelism 2, nothing passes), BATCH, collected, in one process. Prints the process's CPU per record
(core-µs), from the difference of 1M- and 3M-record jobs (start-up and job set-up cancel out), three pairs,
after two warm-up pairs (the .NET tiered JIT), against plain CPython doing the same two lambdas and the
filter in one thread in the same invocation (its own thread's CPU, least of three).

    ./pystream run benchmarks/rebalance_python.py
"""

import time

from pyflink.common import WatermarkStrategy
from pyflink.datastream import RuntimeExecutionMode, StreamExecutionEnvironment
from pyflink.datastream.connectors.number_seq import NumberSequenceSource

SMALL, LARGE = 1_000_000, 3_000_000


def job(count: int) -> float:
    env = StreamExecutionEnvironment.get_execution_environment()
    env.set_runtime_mode(RuntimeExecutionMode.BATCH)
    env.set_parallelism(2)
    pairs = (env.from_source(NumberSequenceSource(1, count), WatermarkStrategy.no_watermarks(), "numbers").set_parallelism(1)
             .map(lambda n: (n % 1000, n)).set_parallelism(1))
    passed = pairs.rebalance().map(lambda p: (p[0], p[1] * 2)).filter(lambda p: p[1] < 0)
    started = time.process_time()
    assert list(passed.execute_and_collect()) == []
    return time.process_time() - started


def plain_us() -> float:
    to_pair, double, keep = (lambda n: (n % 1000, n)), (lambda p: (p[0], p[1] * 2)), (lambda p: p[1] < 0)
    started = time.thread_time()
    passed = [q for q in map(double, map(to_pair, range(1, LARGE + 1))) if keep(q)]
    assert passed == []
    return (time.thread_time() - started) / LARGE * 1e6


for count in (SMALL, LARGE) * 2:
    job(count)
engine = [(job(LARGE) - job(SMALL)) / (LARGE - SMALL) * 1e6 for _ in range(3)]
plain = min(plain_us() for _ in range(3))
print(f"rebalance: {', '.join(f'{us:.2f}' for us in engine)} core-us per record over the process "
      f"(plain CPython: {plain:.2f} us in one thread), so {plain / min(engine):.2f}x plain CPython per core used")
