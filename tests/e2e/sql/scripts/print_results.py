"""Prints a few results with TableResult.print() for the print-format test.

usage: print_results.py DATA.json
"""

import sys

from pyflink.table import EnvironmentSettings, TableEnvironment

DDL = ("CREATE TEMPORARY TABLE orders (id INT, customer STRING, amount INT, status STRING) "
       "WITH ('connector' = 'filesystem', 'path' = '{}', 'format' = 'json')")

for settings in (EnvironmentSettings.in_batch_mode(), EnvironmentSettings.in_streaming_mode()):
    env = TableEnvironment.create(settings)
    env.get_config().set("parallelism.default", "1")
    env.execute_sql(DDL.format(sys.argv[1])).print()
    env.execute_sql("SELECT id, customer, amount FROM orders WHERE id IN (1, 4)").print()
    env.execute_sql("SELECT customer, COUNT(*) AS n FROM orders WHERE id <= 3 GROUP BY customer").print()
    env.execute_sql("SELECT id FROM orders WHERE id > 100").print()
    env.execute_sql("SELECT CAST(1.5 AS DECIMAL(5, 2)) AS d, TRUE AS b, DATE '2024-01-01' AS dt, "
                    "TIMESTAMP '2024-01-01 10:00:00.5' AS ts, CAST(2.5 AS DOUBLE) AS f, "
                    "'abcdefghijklmnopqrstuvwxyz0123456789' AS long_text FROM orders WHERE id = 1").print()
