"""CREATE TABLE ... WITH (...) AS SELECT (CTAS) end to end: the table takes the query's columns and
the query's rows are inserted; IF NOT EXISTS on an existing table inserts into it; the clauses
Flink's CTAS refuses are refused by name."""

from __future__ import annotations

import collections
from pathlib import Path

from sql_e2e import run_statements

ORDERS = [(1, "ann", 10), (2, "bob", 5), (3, "ann", 7), (4, "cyd", 1)]


def test_ctas_creates_the_table_from_the_query_and_inserts_its_rows(tmp_path: Path) -> None:
    values = ", ".join(f"({i}, '{c}', {a})" for i, c, a in ORDERS)
    source = f"CREATE TEMPORARY VIEW orders AS SELECT id, CAST(customer AS STRING) AS customer, amount FROM (VALUES {values}) AS t(id, customer, amount)"
    path = tmp_path / "big_orders"
    results = run_statements(tmp_path, "streaming", [
        source,
        f"CREATE TABLE big_orders WITH ('connector' = 'filesystem', 'path' = '{path}', 'format' = 'csv') "
        "AS SELECT customer, amount * 2 AS doubled FROM orders WHERE amount > 4",
        "DESCRIBE big_orders",
        "SELECT * FROM big_orders",
        # The table exists: IF NOT EXISTS inserts the query's rows into it.
        f"CREATE TABLE IF NOT EXISTS big_orders WITH ('connector' = 'filesystem', 'path' = '{path}', 'format' = 'csv') "
        "AS SELECT customer, amount FROM orders WHERE amount < 4",
        "SELECT * FROM big_orders",
        f"CREATE TABLE big_orders WITH ('connector' = 'blackhole') AS SELECT * FROM orders",
        "CREATE TEMPORARY TABLE t1 WITH ('connector' = 'blackhole') AS SELECT * FROM orders",
        "CREATE TABLE t2 (id INT) WITH ('connector' = 'blackhole') AS SELECT id FROM orders",
    ])
    for result in results[:6]:
        result.ok()
    assert [values[:2] for _, values in results[2].ok()] == [("customer", "STRING"), ("doubled", "INT")]
    first = collections.Counter((c, a * 2) for _, c, a in ORDERS if a > 4)
    assert results[3].final_table() == first
    assert results[5].final_table() == first + collections.Counter((c, a) for _, c, a in ORDERS if a < 4)
    assert "already exists" in results[6].error[1]
    assert "does not support to create a temporary table" in results[7].error[1]
    assert "does not support to specify explicit columns" in results[8].error[1]
