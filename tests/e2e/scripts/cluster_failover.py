"""At parallelism 4, restarting on failure: a Python map that holds every record until a file exists (so a
test can kill a worker while the job runs), then per key the sum and count of 0..199 in one event-time window."""

import os
import sys
import time

from pyflink.common import Configuration, Duration, Types, WatermarkStrategy
from pyflink.common.watermark_strategy import TimestampAssigner
from pyflink.datastream import StreamExecutionEnvironment
from pyflink.datastream.window import TumblingEventTimeWindows

GO = sys.argv[1]


class At(TimestampAssigner):
    def extract_timestamp(self, value, record_timestamp):
        return value


def when_go(value):
    deadline = time.monotonic() + 60
    while not os.path.exists(GO) and time.monotonic() < deadline:
        time.sleep(0.02)
    return value


configuration = Configuration()
configuration.set_string("restart-strategy.type", "fixed-delay")
configuration.set_string("restart-strategy.fixed-delay.attempts", "2")
configuration.set_string("restart-strategy.fixed-delay.delay", "200 ms")
env = StreamExecutionEnvironment.get_execution_environment(configuration)
env.set_parallelism(4)
numbers = env.from_collection(list(range(200)), Types.LONG())
timed = numbers.map(when_go, Types.LONG()).assign_timestamps_and_watermarks(
    WatermarkStrategy.for_bounded_out_of_orderness(Duration.of_millis(0)).with_timestamp_assigner(At()))
timed.key_by(lambda n: n % 7).window(TumblingEventTimeWindows.of(1_000)).apply(
    lambda key, w, values: [f"{key}: {sum(values)} in {len(list(values))}"], Types.STRING()).print()
env.execute("cluster failover")
