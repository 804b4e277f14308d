"""OVER aggregates in SQL and the Table API over a CSV file of events (k, v, ts) with a watermark
an hour behind (so no row is late); argv: the file's path, then 'streaming' or 'batch'. Each
result is one line, ``label<TAB>json rows``; each refusal ``label<TAB>json error text``."""

import json
import sys

from pyflink.table import EnvironmentSettings, TableEnvironment
from pyflink.table.expressions import UNBOUNDED_RANGE, col, lit, row_interval
from pyflink.table.window import Over


def show(label, table):
    with table.execute().collect() as results:
        rows = sorted(([str(row.get_row_kind())] + list(row) for row in results), key=lambda r: json.dumps(r, default=str))
    print(label, json.dumps(rows, default=str), sep="\t")


settings = EnvironmentSettings.in_streaming_mode() if sys.argv[2] == "streaming" else EnvironmentSettings.in_batch_mode()
t_env = TableEnvironment.create(settings)
t_env.get_config().set("parallelism.default", "1")
t_env.execute_sql(f"""CREATE TABLE events (k STRING, v INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' HOUR)
    WITH ('connector' = 'filesystem', 'path' = '{sys.argv[1]}', 'format' = 'csv')""")

show("rows", t_env.sql_query("""
    SELECT k, v, ts, SUM(v) OVER w, COUNT(v) OVER w, MIN(v) OVER w, MAX(v) OVER w, AVG(v) OVER w FROM events
    WINDOW w AS (PARTITION BY k ORDER BY ts ROWS BETWEEN 2 PRECEDING AND CURRENT ROW)"""))
show("range", t_env.sql_query("""
    SELECT k, v, ts,
           SUM(v) OVER (PARTITION BY k ORDER BY ts RANGE BETWEEN INTERVAL '10' MINUTE PRECEDING AND CURRENT ROW),
           COUNT(*) OVER (PARTITION BY k ORDER BY ts RANGE BETWEEN INTERVAL '10' MINUTE PRECEDING AND CURRENT ROW)
    FROM events"""))
show("default_frame", t_env.sql_query("SELECT k, v, ts, SUM(v) OVER (PARTITION BY k ORDER BY ts) FROM events"))
show("unbounded_rows", t_env.sql_query(
    "SELECT k, v, ts, MAX(v) OVER (PARTITION BY k ORDER BY ts ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) FROM events"))
show("global", t_env.sql_query(
    "SELECT v, ts, COUNT(*) OVER (ORDER BY ts RANGE BETWEEN INTERVAL '5' MINUTE PRECEDING AND CURRENT ROW) FROM events"))

events = t_env.from_path("events")
show("table_rows", events.over_window(Over.partition_by(col("k")).order_by(col("ts")).preceding(row_interval(2)).alias("w"))
     .select(col("k"), col("v"), col("ts"), col("v").sum.over(col("w"))))
show("table_range", events.over_window(Over.partition_by(col("k")).order_by(col("ts")).preceding(lit(10).minutes).alias("w"))
     .select(col("k"), col("v"), col("ts"), col("v").count.over(col("w")).alias("n"), col("v").max.over(col("w"))))
show("table_unbounded", events.over_window(Over.partition_by(col("k")).order_by(col("ts")).preceding(UNBOUNDED_RANGE).alias("w"))
     .select(col("k"), col("v"), col("ts"), col("v").sum.over(col("w"))))

for label, bad in [
    ("two_windows", lambda: t_env.sql_query(
        "SELECT SUM(v) OVER (PARTITION BY k ORDER BY ts), SUM(v) OVER (ORDER BY ts) FROM events")),
    ("not_time", lambda: t_env.sql_query("SELECT SUM(v) OVER (PARTITION BY k ORDER BY v) FROM events")),
    ("row_number", lambda: t_env.sql_query("SELECT ROW_NUMBER() OVER (PARTITION BY k ORDER BY ts) FROM events")),
]:
    try:
        bad().execute()
    except Exception as error:
        print(label, json.dumps(type(error).__name__ + ": " + str(error)), sep="\t")
