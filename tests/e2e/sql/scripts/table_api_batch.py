"""The Table API in batch mode over a CSV file of events (its path is the first argument); each
result is printed as one line, ``label<TAB>json rows``, for the test to compare with its model."""

import json
import sys

from pyflink.table import DataTypes, EnvironmentSettings, TableEnvironment
from pyflink.table.expression import TimeIntervalUnit
from pyflink.table.expressions import col, if_then_else, lit


def show(label, table, ordered=False):
    with table.execute().collect() as results:
        rows = [list(row) for row in results]
    if not ordered:
        rows.sort(key=lambda r: json.dumps(r, default=str))
    print(label, json.dumps(rows, default=str), sep="\t")


source, sink = sys.argv[1], sys.argv[2]
t_env = TableEnvironment.create(EnvironmentSettings.in_batch_mode())
t_env.execute_sql(f"""CREATE TABLE events (name STRING, v INT, ts TIMESTAMP(3))
    WITH ('connector' = 'filesystem', 'path' = '{source}', 'format' = 'csv')""")
events = t_env.from_path("events")

show("select_where", events.where(col("v") > 1).select(col("name").upper_case.alias("who"), (col("v") * 2).alias("twice")))
show("group_by", events.group_by(col("name")).select(col("name"), col("v").sum.alias("total"), col("v").count.alias("n"),
                                                     col("v").max.alias("top")))
columns = events.add_columns((col("v") + 1).alias("w")).drop_columns(col("ts")).rename_columns(col("v").alias("value")) \
    .alias("who")
print("columns", json.dumps(columns.get_schema().get_field_names()), sep="\t")
show("columns_rows", columns)
show("order_limit", events.order_by(col("v").desc).limit(2, 1).select(col("v")), ordered=True)
show("distinct", events.select(col("name")).distinct())
show("temporal", events.where(col("v") == 4).select(
    col("ts").extract(TimeIntervalUnit.SECOND), col("ts").floor(TimeIntervalUnit.MINUTE), col("ts") + lit(90).seconds))
show("conditional", events.select(col("name"), if_then_else(col("v") % 2 == 0, "even", "odd")).where(col("name") == "bob"))

words = t_env.from_elements([(1, "  Hello "), (2, "world"), (3, None)],
                            DataTypes.ROW([DataTypes.FIELD("id", DataTypes.BIGINT()),
                                           DataTypes.FIELD("s", DataTypes.STRING())]))
show("strings", words.select(col("id"), col("s").trim().alias("t"), col("s").char_length, col("s").like("%l%"),
                             col("s").substring(2, 3), col("s").is_null))
show("elements_untyped", t_env.from_elements([(1, 2.5), (2, 0.5)], ["k", "x"]).select(col("k") * 10, col("x").cast(DataTypes.INT())))

t_env.create_temporary_view("big", events.where(col("v") >= 3))
show("view", t_env.sql_query("SELECT name, COUNT(*) AS n FROM big GROUP BY name"))
show("sql_over_api", t_env.sql_query(f"SELECT MIN(v) FROM {events.where(col('name') == 'alice')}"))

t_env.execute_sql(f"""CREATE TABLE out_table (who STRING, v INT)
    WITH ('connector' = 'filesystem', 'path' = '{sink}', 'format' = 'csv')""")
events.where(col("v") < 3).select(col("name"), col("v")).execute_insert("out_table").wait()
show("inserted", t_env.from_path("out_table"))

for label, bad in [("unknown_column", lambda: events.select(col("nope"))),
                   ("drop_unknown", lambda: events.drop_columns(col("zz"))),
                   ("not_a_window", lambda: events.select(col("w").start))]:
    try:
        bad().execute()
    except Exception as error:
        print(label, type(error).__name__ + ": " + str(error), sep="\t")
