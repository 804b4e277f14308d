"""Late data: a record far behind the watermark goes to the late side output.

Two million records with timestamps equal to their number pass through a 1 s window;
the last record claims timestamp 5. Watermarks are periodic (every 200 ms of processing
time), and processing two million records through Python takes far longer than that,
so by the time the last record arrives the watermark has passed its window and its
allowed lateness: it is late, and the window does not fire again.
"""

from pyflink.common import Types, WatermarkStrategy
from pyflink.common.watermark_strategy import TimestampAssigner
from pyflink.datastream import OutputTag, StreamExecutionEnvironment
from pyflink.datastream.connectors.number_seq import NumberSequenceSource
from pyflink.datastream.window import TumblingEventTimeWindows

LAST = 1_999_999


class At(TimestampAssigner):
    def extract_timestamp(self, value, record_timestamp):
        return value[1]


env = StreamExecutionEnvironment.get_execution_environment()
late = OutputTag("late", Types.TUPLE([Types.LONG(), Types.LONG()]))
numbers = env.from_source(NumberSequenceSource(0, LAST), WatermarkStrategy.no_watermarks(), "numbers")
records = numbers.map(lambda n: (n, 5 if n == LAST else n), Types.TUPLE([Types.LONG(), Types.LONG()]))
windows = (records
           .assign_timestamps_and_watermarks(WatermarkStrategy.for_monotonous_timestamps().with_timestamp_assigner(At()))
           .key_by(lambda r: 0)
           .window(TumblingEventTimeWindows.of(1000))
           .allowed_lateness(100)
           .side_output_late_data(late)
           .reduce(lambda a, b: (a[0] + 1, max(a[1], b[1]))))
windows.filter(lambda w: w[1] < 1000).print("first window")  # (count - 1 + first n, max ts): fired once
windows.get_side_output(late).print("late")
env.execute("late data")
