"""Group windows of the Table API in streaming mode over a CSV file of events with a watermark
(its path is the first argument); each result is one line, ``label<TAB>json rows``."""

import json
import sys

from pyflink.table import EnvironmentSettings, TableEnvironment
from pyflink.table.expressions import col, lit
from pyflink.table.window import Session, Slide, Tumble


def show(label, table):
    with table.execute().collect() as results:
        rows = sorted(([str(row.get_row_kind())] + list(row) for row in results), key=lambda r: json.dumps(r, default=str))
    print(label, json.dumps(rows, default=str), sep="\t")


t_env = TableEnvironment.create(EnvironmentSettings.in_streaming_mode())
t_env.get_config().set("parallelism.default", "1")
t_env.execute_sql(f"""CREATE TABLE events (name STRING, v INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts)
    WITH ('connector' = 'filesystem', 'path' = '{sys.argv[1]}', 'format' = 'csv')""")
events = t_env.from_path("events")

show("tumble", events.window(Tumble.over(lit(10).seconds).on(col("ts")).alias("w")).group_by(col("w"), col("name"))
     .select(col("name"), col("w").start.alias("s"), col("w").end.alias("e"), col("v").sum.alias("total")))
show("slide", events.where(col("v") > 1).window(Slide.over(lit(10).seconds).every(lit(5).seconds).on(col("ts")).alias("w"))
     .group_by(col("w")).select(col("w").start, col("w").rowtime, col("v").count))
show("session", events.window(Session.with_gap(lit(6).seconds).on(col("ts")).alias("w")).group_by(col("w"), col("name"))
     .select(col("name"), col("w").start, col("w").end, col("w").rowtime, col("v").sum, col("v").count))
show("session_all", events.window(Session.with_gap(lit(3).seconds).on(col("ts")).alias("w")).group_by(col("w"))
     .select(col("w").start, col("w").end, col("v").max))
