"""A table from a DataStream in SQL jobs of its own: a query's collect() and an INSERT into a print
table, each run as one job with the DataStream's nodes; the DataStream's other operations wait for
env.execute().

Usage: stream_table_queries.py EVENTS_JSON
Prints "collect<TAB>kind<TAB>json values" lines, then the print table's rows, then "execute", then
the DataStream's own output.
"""

import json
import sys

from pyflink.common import Types
from pyflink.datastream import StreamExecutionEnvironment
from pyflink.table import StreamTableEnvironment

events = [tuple(e) for e in json.load(open(sys.argv[1]))]
env = StreamExecutionEnvironment.get_execution_environment()
env.set_parallelism(1)
t_env = StreamTableEnvironment.create(env)
ds = env.from_collection(events, type_info=Types.ROW_NAMED(["name", "score"], [Types.STRING(), Types.INT()]))
ds.map(lambda r: f"pending {r.name}", output_type=Types.STRING()).print()
t_env.create_temporary_view("scores", ds)
with t_env.execute_sql("SELECT name, SUM(score) AS total FROM scores GROUP BY name").collect() as rows:
    for row in rows:
        print(f"collect\t{row.get_row_kind()}\t{json.dumps(list(row))}", flush=True)
t_env.execute_sql("CREATE TABLE printed (name STRING, doubled INT) WITH ('connector' = 'print')")
t_env.execute_sql("INSERT INTO printed SELECT name, score * 2 FROM scores WHERE score > 10").wait()
print("execute", flush=True)
env.execute()
