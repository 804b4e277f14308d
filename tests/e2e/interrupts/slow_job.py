"""A function that takes 2 ms per record, chained to its source ("chained"), behind a
key_by ("keyed") or as a window's reduce ("window", 100 ms processing-time windows), over a
million numbers: its output must flow within a second or two, not
after a whole source batch (65,536 records, over two minutes).

With a savepoint directory as the second argument, the job runs at parallelism 2 and, when a
line arrives on stdin, takes a savepoint there, prints "savepoint PATH" and cancels itself.
"failing" runs at parallelism 2 too, and the subtask that gets record 1,000 raises.
"""

import sys
import time

from pyflink.common import Time, Types, WatermarkStrategy
from pyflink.datastream import StreamExecutionEnvironment
from pyflink.datastream.connectors.number_seq import NumberSequenceSource
from pyflink.datastream.window import TumblingProcessingTimeWindows


def slow(n):
    time.sleep(0.002)  # the user's work: a model call, an HTTP lookup
    if n == 1_000 and sys.argv[1] == "failing":
        raise ValueError("record 1000 is bad")
    return n


env = StreamExecutionEnvironment.get_execution_environment()
savepoints = sys.argv[2] if len(sys.argv) > 2 else None
env.set_parallelism(2 if savepoints or sys.argv[1] == "failing" else 1)
numbers = env.from_source(NumberSequenceSource(0, 999_999), WatermarkStrategy.no_watermarks(), "numbers")
if sys.argv[1] == "window":
    (numbers.key_by(lambda n: n % 10, Types.LONG()).window(TumblingProcessingTimeWindows.of(Time.milliseconds(100)))
        .reduce(lambda a, b: slow(b), output_type=Types.LONG()).print())
else:
    if sys.argv[1] == "keyed":
        numbers = numbers.key_by(lambda n: n % 10, Types.LONG())
    numbers.map(slow, Types.LONG()).print()
if savepoints is None:
    env.execute("slow")
else:
    client = env.execute_async("slow")
    sys.stdin.readline()
    print("savepoint", client.trigger_savepoint(savepoints).result(), file=sys.stderr, flush=True)
    client.cancel().result()
