"""Window benchmark, Python path: a keyed tumbling event-time window with a Python reduce.

NumberSequenceSource -> map(n -> (n % 1000, timestamp, 1)) -> timestamps/watermarks ->
key_by -> 1 s tumbling event-time window -> reduce (a count), collected and checked; 1,000
keys, 100k events per second of event time. Rate from the difference of two sizes, next
to plain CPython doing the same windowed reduce with a dict and the same lambdas, in
this same process.

    ./pystream run benchmarks/window_reduce.py [SMALL LARGE]
"""

import sys
import time

from pyflink.common import WatermarkStrategy
from pyflink.common.watermark_strategy import TimestampAssigner
from pyflink.datastream import StreamExecutionEnvironment
from pyflink.datastream.connectors.number_seq import NumberSequenceSource
from pyflink.datastream.window import TumblingEventTimeWindows

KEYS = 1000
EVENTS_PER_SECOND = 100_000
to_record = lambda n: (n % KEYS, n * 1000 // EVENTS_PER_SECOND, 1)  # noqa: E731
key_of = lambda r: r[0]  # noqa: E731
count = lambda a, b: (a[0], a[1], a[2] + b[2])  # noqa: E731


class EventTime(TimestampAssigner):
    def extract_timestamp(self, value, record_timestamp):
        return value[1]


def engine_seconds(events: int) -> float:
    env = StreamExecutionEnvironment.get_execution_environment()
    strategy = WatermarkStrategy.for_monotonous_timestamps().with_timestamp_assigner(EventTime())
    windows = (env.from_source(NumberSequenceSource(0, events - 1), WatermarkStrategy.no_watermarks(), "numbers")
               .map(to_record).assign_timestamps_and_watermarks(strategy)
               .key_by(key_of).window(TumblingEventTimeWindows.of(1000)).reduce(count))
    started = time.perf_counter()
    total = sum(r[2] for r in windows.execute_and_collect())
    elapsed = time.perf_counter() - started
    assert total == events, total
    return elapsed


def cpython_seconds(events: int) -> float:
    started = time.perf_counter()
    windows = {}
    for n in range(events):
        record = to_record(n)
        timestamp = record[1]
        slot = (key_of(record), timestamp - timestamp % 1000)
        current = windows.get(slot)
        windows[slot] = record if current is None else count(current, record)
    total = sum(r[2] for r in windows.values())
    elapsed = time.perf_counter() - started
    assert total == events, total
    return elapsed


def rate(seconds, small: int, large: int) -> float:
    return (large - small) / (seconds(large) - seconds(small))


def main() -> None:
    small, large = (int(a) for a in sys.argv[1:3]) if len(sys.argv) > 2 else (200_000, 1_000_000)
    engine_seconds(small)  # warm-up
    engine = max(rate(engine_seconds, small, large) for _ in range(3))
    cpython = max(rate(cpython_seconds, small, large) for _ in range(3))
    print(f"workload: map -> timestamps -> key_by -> 1 s tumbling window -> Python reduce, {KEYS} keys, sizes {small:,} and {large:,}")
    print(f"engine : {engine / 1e6:6.2f} M events/s")
    print(f"cpython: {cpython / 1e6:6.2f} M events/s (dict per (key, window) + the same lambdas, same process)")
    print(f"ratio  : {engine / cpython:6.2f}x")


if __name__ == "__main__":
    main()
