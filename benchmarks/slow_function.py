"""Responsiveness with a slow function: a map taking 2 ms per record at parallelism 2, chained
to its source or behind a key_by. Prints the time from execute_async to the job's first output
and from cancel to CANCELED, next to the same job with a fast function (no sleep) in this
same process. Goals (issue 13): first output under 2 s, cancel under 1 s.

    ./pystream run benchmarks/slow_function.py
"""

import os
import tempfile
import time

from pyflink.common import Types, WatermarkStrategy
from pyflink.datastream import StreamExecutionEnvironment
from pyflink.datastream.connectors.number_seq import NumberSequenceSource

# Steady state before the cancel: the queues between the tasks are full by then.
RUNNING_S = 2


def timings(delay: float, keyed: bool) -> tuple[float, float]:
    marker = tempfile.mktemp(prefix="pystream-first-output-")

    def work(n):
        if delay:
            time.sleep(delay)  # the user's work: a model call, an HTTP lookup
        return n

    def mark_output(n):
        if not os.path.exists(marker):
            open(marker, "w").close()
        return n

    env = StreamExecutionEnvironment.get_execution_environment()
    env.set_parallelism(2)
    numbers = env.from_source(NumberSequenceSource(0, 10**12), WatermarkStrategy.no_watermarks(), "numbers")
    if keyed:
        numbers = numbers.key_by(lambda n: n % 100, Types.LONG())
    numbers.map(work, Types.LONG()).map(mark_output, Types.LONG()).filter(lambda n: n < 0).print()
    started = time.perf_counter()
    client = env.execute_async("slow function")
    while not os.path.exists(marker):
        time.sleep(0.002)
    first_output = time.perf_counter() - started
    os.remove(marker)
    time.sleep(RUNNING_S)
    cancelling = time.perf_counter()
    client.cancel().result()
    return first_output, time.perf_counter() - cancelling


def main() -> None:
    print("workload: numbers -> map (2 ms per record, or none) -> print, parallelism 2")
    for keyed in (False, True):
        placement = "behind key_by" if keyed else "chained     "
        fast_first, fast_cancel = timings(0, keyed)
        slow_first, slow_cancel = timings(0.002, keyed)
        print(f"{placement}: first output {slow_first:5.2f} s (fast function {fast_first:5.2f} s, {slow_first / fast_first:4.1f}x; goal < 2 s), "
              f"cancel {slow_cancel:5.2f} s (fast function {fast_cancel:5.2f} s, {slow_cancel / fast_cancel:4.1f}x; goal < 1 s)")


main()
