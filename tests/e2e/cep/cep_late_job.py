"""Late events go to the pattern stream's late side output.

300000 events (v, timestamp v) in event time; the last claims timestamp 5. Watermarks are
periodic (every 50 ms of processing time) and matching them through Python takes
far longer, so by the time the last event arrives the watermark has passed 5: it is late.
Every event whose number is a multiple of 100000 matches the one-stage pattern.
"""

from pyflink.cep import CEP, Pattern
from pyflink.common import Types, WatermarkStrategy
from pyflink.common.watermark_strategy import TimestampAssigner
from pyflink.datastream import OutputTag, StreamExecutionEnvironment
from pyflink.datastream.connectors.number_seq import NumberSequenceSource

LAST = 299_999


class At(TimestampAssigner):
    def extract_timestamp(self, value, record_timestamp):
        return value[1]


env = StreamExecutionEnvironment.get_execution_environment()
env.set_parallelism(1)
env.get_config().set_auto_watermark_interval(50)
late = OutputTag("late", Types.TUPLE([Types.LONG(), Types.LONG()]))
events = (env.from_source(NumberSequenceSource(0, LAST), WatermarkStrategy.no_watermarks(), "numbers")
          .map(lambda v: (v, 5 if v == LAST else v), Types.TUPLE([Types.LONG(), Types.LONG()]))
          .assign_timestamps_and_watermarks(WatermarkStrategy.for_monotonous_timestamps().with_timestamp_assigner(At())))
pattern = Pattern.begin("round").where(lambda e: e[0] % 100_000 == 0)
matches = (CEP.pattern(events.key_by(lambda e: 0), pattern).side_output_late_data(late)
           .select(lambda m: f"match,{m['round'][0][0]}", Types.STRING()))
matches.print()
matches.get_side_output(late).print("late")
env.execute("cep late events")
