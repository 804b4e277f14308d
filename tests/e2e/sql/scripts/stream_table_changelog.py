"""from_data_stream -> SQL GROUP BY -> to_changelog_stream -> print.

Usage: stream_table_changelog.py EVENTS_JSON PARALLELISM
EVENTS_JSON holds [[name, score], ...]; the changelog prints as Flink prints a Row (+I[alice, 3]).
"""

import json
import sys

from pyflink.common import Types
from pyflink.datastream import StreamExecutionEnvironment
from pyflink.table import StreamTableEnvironment

events = [tuple(e) for e in json.load(open(sys.argv[1]))]
env = StreamExecutionEnvironment.get_execution_environment()
env.set_parallelism(int(sys.argv[2]))
t_env = StreamTableEnvironment.create(env)
ds = env.from_collection(events, type_info=Types.ROW_NAMED(["name", "score"], [Types.STRING(), Types.INT()]))
t_env.create_temporary_view("scores", t_env.from_data_stream(ds))
totals = t_env.sql_query("SELECT name, SUM(score) AS total, COUNT(*) AS n FROM scores GROUP BY name")
changelog = t_env.to_changelog_stream(totals)
changelog.print()
env.execute("changelog round trip")
