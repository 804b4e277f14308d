"""SQL over a stream of clicks: the Table API guide's first table, a windowed count, a sink.

    ./pystream run examples/sql_clicks.py                            # files in a temporary directory
    ./pystream kafka-mock user_events:2 click_counts:1 &             # prints bootstrap.servers=127.0.0.1:PORT
    ./pystream run examples/sql_clicks.py --bootstrap 127.0.0.1:PORT # the same over Kafka

(`.venv/bin/python examples/sql_clicks.py` runs it through the gateway instead.) Three statements
run as jobs, one after the other: sample clicks are written to `source_table` (JSON), a 10-second
tumbling-window count per user and action goes from `source_table` to `click_counts`, and the
counts are read back and printed as Flink prints a query's result.
"""

import argparse
import tempfile

from pyflink.datastream import StreamExecutionEnvironment
from pyflink.table import StreamTableEnvironment

parser = argparse.ArgumentParser()
parser.add_argument("--bootstrap", help="Kafka bootstrap servers (host:port); without it the tables are files")
args = parser.parse_args()

env = StreamExecutionEnvironment.get_execution_environment()
table_env = StreamTableEnvironment.create(env)

if args.bootstrap:
    def connector(topic: str) -> str:
        return f"""'connector' = 'kafka', 'topic' = '{topic}', 'properties.bootstrap.servers' = '{args.bootstrap}',
                   'properties.group.id' = 'sql-clicks', 'scan.startup.mode' = 'earliest-offset',
                   'scan.bounded.mode' = 'latest-offset', 'format' = 'json'"""
else:
    directory = tempfile.mkdtemp(prefix="sql-clicks-")

    def connector(topic: str) -> str:
        return f"'connector' = 'filesystem', 'path' = '{directory}/{topic}', 'format' = 'json'"

table_env.execute_sql(f"""
CREATE TABLE source_table (user_id STRING, event_time TIMESTAMP(3), action STRING,
  WATERMARK FOR event_time AS event_time - INTERVAL '2' SECOND)
WITH ({connector('user_events')})
""")
table_env.execute_sql(f"""
CREATE TABLE click_counts (window_start TIMESTAMP(3), window_end TIMESTAMP(3), user_id STRING,
  action STRING, clicks BIGINT)
WITH ({connector('click_counts')})
""")

users, actions = ["ada", "bob", "cy"], ["click", "view"]
rows = ", ".join(
    f"('{users[i % 3]}', TIMESTAMP '2024-01-01 10:00:{(i * 3) // 2:02d}.{(i * 3) % 2 * 500:03d}', '{actions[i % 2]}')"
    for i in range(40))
table_env.execute_sql(f"INSERT INTO source_table VALUES {rows}").wait()

table_env.execute_sql("""
INSERT INTO click_counts
SELECT window_start, window_end, user_id, action, COUNT(*) AS clicks
FROM TABLE(TUMBLE(TABLE source_table, DESCRIPTOR(event_time), INTERVAL '10' SECOND))
GROUP BY window_start, window_end, user_id, action
""").wait()

table_env.execute_sql("SELECT * FROM click_counts WHERE clicks >= 2").print()
