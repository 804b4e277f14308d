"""A SQL job for the fault-tolerance test: a sequence, a window TVF aggregate, files written exactly once.

Numbers 0..N-1 (event time = the number, in ms) are summed and counted per key (number mod 7)
in 1-second tumbling windows and written as CSV through the filesystem connector, with
checkpoints every 100 ms retained on cancellation (so a killed run can be resumed).
With --window session, every 1000 numbers event time jumps 500 ms more, and the numbers are
summed per key in SESSION windows with a gap of 100 ms (one session per key and block of 1000);
the window's end is written as text with its milliseconds. With --query over, each number is
written with the sum of it and the two numbers of its key before it (an OVER ROWS frame).
"""

import argparse

from pyflink.table import EnvironmentSettings, TableEnvironment

parser = argparse.ArgumentParser()
parser.add_argument("--n", type=int, required=True)
parser.add_argument("--out", required=True)
parser.add_argument("--checkpoints", required=True)
parser.add_argument("--backend", default="hashmap")
parser.add_argument("--parallelism", default="1")
parser.add_argument("--query", choices=["tumble", "session", "over"], default="tumble")
args = parser.parse_args()

t_env = TableEnvironment.create(EnvironmentSettings.in_streaming_mode())
config = t_env.get_config()
config.set("parallelism.default", args.parallelism)
config.set("table.local-time-zone", "UTC")
config.set("execution.checkpointing.interval", "100ms")
config.set("execution.checkpointing.externalized-checkpoint-retention", "RETAIN_ON_CANCELLATION")
config.set("state.checkpoints.dir", args.checkpoints)
config.set("state.backend.type", args.backend)

# Per query: the event time of number id (ms), the sink's columns, and the query.
TIME, COLUMNS, QUERY = {
    "over": ("id", "k BIGINT, id BIGINT, total BIGINT", """
        SELECT k, id, SUM(id) OVER (PARTITION BY k ORDER BY ts ROWS BETWEEN 2 PRECEDING AND CURRENT ROW)
        FROM numbers"""),
    "tumble": ("id", "k BIGINT, window_end TIMESTAMP(3), total BIGINT, cnt BIGINT", """
        SELECT k, window_end, SUM(id), COUNT(*)
        FROM TABLE(TUMBLE(TABLE numbers, DESCRIPTOR(ts), INTERVAL '1' SECOND))
        GROUP BY k, window_start, window_end"""),
    "session": ("id + id / 1000 * 500", "k BIGINT, window_end STRING, total BIGINT, cnt BIGINT", """
        SELECT k, DATE_FORMAT(window_end, 'yyyy-MM-dd HH:mm:ss.SSS'), SUM(id), COUNT(*)
        FROM TABLE(SESSION(TABLE numbers PARTITION BY k, DESCRIPTOR(ts), INTERVAL '100' MILLISECOND))
        GROUP BY k, window_start, window_end"""),
}[args.query]

t_env.execute_sql(f"""
CREATE TABLE numbers (id BIGINT, k AS id % 7, ts AS TO_TIMESTAMP_LTZ({TIME}, 3), WATERMARK FOR ts AS ts)
WITH ('connector' = 'datagen', 'fields.id.kind' = 'sequence', 'fields.id.start' = '0',
      'fields.id.end' = '{args.n - 1}', 'rows-per-second' = '100000')
""")
t_env.execute_sql(f"""
CREATE TABLE totals ({COLUMNS})
WITH ('connector' = 'filesystem', 'path' = '{args.out}', 'format' = 'csv')
""")
t_env.execute_sql("INSERT INTO totals" + QUERY).wait()
