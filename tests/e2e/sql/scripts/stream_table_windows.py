"""from_data_stream with the rowtime metadata column -> TUMBLE window TVF -> to_data_stream ->
DataStream operations (a map, and an event-time window on the records' timestamps) -> collect.

Usage: stream_table_windows.py EVENTS_JSON WATERMARK
EVENTS_JSON holds [[key, value, timestamp_ms], ...]; WATERMARK is the schema's watermark expression
(SOURCE_WATERMARK() or e.g. rowtime - INTERVAL '1' SECOND). Prints one JSON line per result.
"""

import json
import sys

from pyflink.common import Time, Types
from pyflink.common.watermark_strategy import TimestampAssigner, WatermarkStrategy
from pyflink.datastream import StreamExecutionEnvironment
from pyflink.datastream.functions import ProcessFunction
from pyflink.datastream.window import TumblingEventTimeWindows
from pyflink.table import Schema, StreamTableEnvironment


class EventTime(TimestampAssigner):
    def extract_timestamp(self, value, record_timestamp):
        return value[2]


class WithTimestamp(ProcessFunction):
    def process_element(self, value, ctx):
        yield json.dumps(["tvf", value.k, value.total, str(value.get_row_kind()), value.window_start.isoformat(),
                          value.window_end.isoformat(), value.window_time.isoformat(), ctx.timestamp()])


events = [tuple(e) for e in json.load(open(sys.argv[1]))]
env = StreamExecutionEnvironment.get_execution_environment()
env.set_parallelism(2)
t_env = StreamTableEnvironment.create(env)
ds = env.from_collection(events, type_info=Types.ROW_NAMED(["k", "v", "ts"], [Types.STRING(), Types.INT(), Types.LONG()]))
ds = ds.assign_timestamps_and_watermarks(WatermarkStrategy.for_monotonous_timestamps().with_timestamp_assigner(EventTime()))
schema = (Schema.new_builder()
          .column_by_metadata("rowtime", "TIMESTAMP_LTZ(3)")
          .watermark("rowtime", sys.argv[2])
          .build())
t_env.create_temporary_view("events", ds, schema)
windowed = t_env.sql_query(
    "SELECT k, window_start, window_end, window_time, SUM(v) AS total "
    "FROM TABLE(TUMBLE(TABLE events, DESCRIPTOR(rowtime), INTERVAL '10' SECOND)) GROUP BY k, window_start, window_end, window_time")
tvf = t_env.to_data_stream(windowed).process(WithTimestamp(), output_type=Types.STRING())

# The rows keep their rowtime as the record timestamp, and the table's watermarks go on.
rows = t_env.to_data_stream(t_env.sql_query("SELECT k, v, rowtime FROM events WHERE v > 0"))
windows = (rows.map(lambda r: (r.k, r.v), output_type=Types.TUPLE([Types.STRING(), Types.INT()]))
           .key_by(lambda x: x[0])
           .window(TumblingEventTimeWindows.of(Time.seconds(5)))
           .reduce(lambda a, b: (a[0], a[1] + b[1]))
           .map(lambda x: json.dumps(["window", x[0], x[1]]), output_type=Types.STRING()))
with tvf.union(windows).execute_and_collect() as results:
    for line in results:
        print(line)
