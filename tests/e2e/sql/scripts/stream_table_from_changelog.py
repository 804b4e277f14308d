"""from_changelog_stream -> SQL -> to_changelog_stream -> print.

Usage: stream_table_from_changelog.py CHANGES_JSON
CHANGES_JSON holds [[kind 0..3, name, score], ...]. Prints the changelog of a filtering projection,
then "sums", then the changelog of a grouped sum.
"""

import json
import sys

from pyflink.common import Row, RowKind, Types
from pyflink.datastream import StreamExecutionEnvironment
from pyflink.table import StreamTableEnvironment


def change(kind, name, score):
    row = Row(name, score)
    row.set_row_kind(RowKind(kind))
    return row


changes = [change(*c) for c in json.load(open(sys.argv[1]))]
env = StreamExecutionEnvironment.get_execution_environment()
env.set_parallelism(1)
t_env = StreamTableEnvironment.create(env)
ds = env.from_collection(changes, type_info=Types.ROW_NAMED(["name", "score"], [Types.STRING(), Types.INT()]))
t_env.create_temporary_view("scores", t_env.from_changelog_stream(ds))
t_env.to_changelog_stream(t_env.sql_query("SELECT name, score * 2 AS doubled FROM scores WHERE score > 3")).print()
env.execute("projection")
print("sums", flush=True)
t_env.to_changelog_stream(t_env.sql_query("SELECT name, SUM(score) AS total FROM scores GROUP BY name")).print()
env.execute("sums")
