"""Conformance: SQL programs with expected results derived by hand, in streaming and batch mode.

Every query runs in both modes in one script run per mode (parallelism 1, so a streaming
changelog's order is the input's). Batch mode must give the final rows as +I only; streaming
mode's changelog is checked as the raw +I/-U/+U/-D sequence where it is determined, and always as
the final table it applies to.

The data (orders.json, read by the filesystem connector):
    id  customer  amount  status
    1   ann       10      new
    2   bob       20      paid
    3   ann       5       paid
    4   cid       NULL    new
    5   bob       7       paid
"""

from __future__ import annotations

import json
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

from sql_e2e import run_statements

ORDERS = [(1, "ann", 10, "new"), (2, "bob", 20, "paid"), (3, "ann", 5, "paid"), (4, "cid", None, "new"),
          (5, "bob", 7, "paid")]


def updates(*states: tuple) -> list[tuple[str, tuple]]:
    """The changelog of one group whose result goes through these states: +I, then -U/+U pairs."""
    log = [("+I", states[0])]
    for before, after in zip(states, states[1:]):
        log += [("-U", before), ("+U", after)]
    return log


# name, SQL, final rows (batch and streaming), streaming changelog (None: order not determined),
# and for the few whose streaming result differs, the streaming final rows.
CASES = [
    ("filter and projection", "SELECT id, amount * 2 FROM orders WHERE status = 'paid'",
     [(2, 40), (3, 10), (5, 14)], [("+I", (2, 40)), ("+I", (3, 10)), ("+I", (5, 14))]),
    ("group by", "SELECT customer, COUNT(*), SUM(amount) FROM orders GROUP BY customer",
     [("ann", 2, 15), ("bob", 2, 27), ("cid", 1, None)],
     [("+I", ("ann", 1, 10)), ("+I", ("bob", 1, 20)), ("-U", ("ann", 1, 10)), ("+U", ("ann", 2, 15)),
      ("+I", ("cid", 1, None)), ("-U", ("bob", 1, 20)), ("+U", ("bob", 2, 27))]),
    # HAVING filters the aggregate's changelog: ann's +I (10) is dropped, its +U (15) passes.
    ("having", "SELECT customer, SUM(amount) FROM orders GROUP BY customer HAVING SUM(amount) > 12",
     [("ann", 15), ("bob", 27)],
     [("+I", ("bob", 20)), ("+U", ("ann", 15)), ("-U", ("bob", 20)), ("+U", ("bob", 27))]),
    # Integer AVG keeps INT (truncated): 10, 30/2 = 15, 35/3 = 11, 35/3 = 11, 42/4 = 10.
    ("global aggregates",
     "SELECT COUNT(*), COUNT(amount), SUM(amount), MIN(amount), MAX(amount), AVG(amount) FROM orders",
     [(5, 4, 42, 5, 20, 10)],
     updates((1, 1, 10, 10, 10, 10), (2, 2, 30, 10, 20, 15), (3, 3, 35, 5, 20, 11), (4, 3, 35, 5, 20, 11),
             (5, 4, 42, 5, 20, 10))),
    ("global aggregate of no rows", "SELECT COUNT(*), SUM(amount) FROM orders WHERE id > 100",
     [(0, None)], [], []),
    ("distinct", "SELECT DISTINCT customer FROM orders",
     [("ann",), ("bob",), ("cid",)], [("+I", ("ann",)), ("+I", ("bob",)), ("+I", ("cid",))]),
    # The inner changelog +I ann1, +I bob1, -U ann1, +U ann2, +I cid1, -U bob1, +U bob2 counted by cnt.
    ("aggregate of an updating aggregate",
     "SELECT cnt, COUNT(*) FROM (SELECT customer, COUNT(*) AS cnt FROM orders GROUP BY customer) GROUP BY cnt",
     [(1, 1), (2, 2)],
     [("+I", (1, 1)), ("-U", (1, 1)), ("+U", (1, 2)), ("-U", (1, 2)), ("+U", (1, 1)), ("+I", (2, 1)),
      ("-U", (1, 1)), ("+U", (1, 2)), ("-U", (1, 2)), ("+U", (1, 1)), ("-U", (2, 1)), ("+U", (2, 2))]),
    # CASE over CHAR literals is CHAR(5): shorter results are padded with blanks, as Flink does.
    ("case, coalesce, nullif, in, between, like",
     "SELECT id, CASE WHEN amount >= 10 THEN 'big' WHEN amount < 10 THEN 'small' ELSE 'none' END, "
     "COALESCE(amount, 0), NULLIF(customer, 'ann'), id IN (1, 3), amount BETWEEN 5 AND 10, customer LIKE '%b' "
     "FROM orders",
     [(1, "big  ", 10, None, True, True, False), (2, "big  ", 20, "bob", False, False, True),
      (3, "small", 5, None, True, True, False), (4, "none ", 0, "cid", False, None, False),
      (5, "small", 7, "bob", False, True, True)], None),
    ("union all", "SELECT id FROM orders WHERE id < 3 UNION ALL SELECT id * 10 FROM orders WHERE id > 3",
     [(1,), (2,), (40,), (50,)], None),
    ("with and a subquery",
     "WITH paid AS (SELECT * FROM orders WHERE status = 'paid') SELECT customer, MAX(amount) FROM paid GROUP BY customer",
     [("bob", 20), ("ann", 5)],
     [("+I", ("bob", 20)), ("+I", ("ann", 5))]),
    ("count distinct and filter",
     "SELECT status, COUNT(DISTINCT customer), SUM(amount) FILTER (WHERE amount > 6) FROM orders GROUP BY status",
     [("new", 2, 10), ("paid", 2, 27)],
     [("+I", ("new", 1, 10)), ("+I", ("paid", 1, 20)), ("-U", ("paid", 1, 20)), ("+U", ("paid", 2, 20)),
      ("-U", ("new", 1, 10)), ("+U", ("new", 2, 10)), ("-U", ("paid", 2, 20)), ("+U", ("paid", 2, 27))]),
    ("string functions",
     "SELECT UPPER(customer), CHAR_LENGTH(status), SUBSTRING(customer, 2, 2), customer || '-' || status "
     "FROM orders WHERE id <= 2",
     [("ANN", 3, "nn", "ann-new"), ("BOB", 4, "ob", "bob-paid")], None),
    ("casts", "SELECT CAST(amount AS DECIMAL(10, 2)), CAST(id AS STRING), CAST('42' AS INT), TRY_CAST(customer AS INT) "
     "FROM orders WHERE id = 3",
     [(Decimal("5.00"), "3", 42, None)], None),
    ("three-valued logic", "SELECT id FROM orders WHERE NOT (amount > 6) OR amount IS NULL",
     [(3,), (4,)], None),
]
BATCH_ONLY = [
    # ORDER BY: nulls sort low (first ascending, last descending), as in Flink.
    ("order by and limit", "SELECT id, amount FROM orders ORDER BY amount DESC, id LIMIT 3", [(2, 20), (1, 10), (5, 7)]),
    ("order by nulls first", "SELECT amount FROM orders ORDER BY amount LIMIT 2", [(None,), (5,)]),
]


@pytest.fixture(scope="module")
def results(tmp_path_factory) -> dict[str, list]:
    directory = tmp_path_factory.mktemp("conformance")
    data = directory / "orders.json"
    data.write_text("".join(json.dumps(dict(zip(("id", "customer", "amount", "status"), row))) + "\n"
                            for row in ORDERS))
    ddl = ("CREATE TEMPORARY TABLE orders (id INT, customer STRING, amount INT, status STRING) "
           f"WITH ('connector' = 'filesystem', 'path' = '{data}', 'format' = 'json')")
    config = {"parallelism.default": "1"}
    streaming = run_statements(directory, "streaming", [ddl] + [c[1] for c in CASES], config, "conformance")
    batch = run_statements(directory, "batch", [ddl] + [c[1] for c in CASES] + [c[1] for c in BATCH_ONLY],
                           config, "conformance")
    return {"streaming": streaming[1:], "batch": batch[1:]}


@pytest.mark.parametrize("index", range(len(CASES)), ids=[c[0] for c in CASES])
def test_batch_mode_gives_the_final_rows(results, index: int) -> None:
    rows = results["batch"][index].ok()
    assert {kind for kind, _ in rows} <= {"+I"}
    assert Counter(values for _, values in rows) == Counter(CASES[index][2])


@pytest.mark.parametrize("index", range(len(CASES)), ids=[c[0] for c in CASES])
def test_streaming_mode_gives_the_changelog_and_its_final_table(results, index: int) -> None:
    case = CASES[index]
    result = results["streaming"][index]
    if case[3] is not None:
        assert result.ok() == case[3]
    final = case[4] if len(case) > 4 else case[2]
    assert result.final_table() == Counter(final)


@pytest.mark.parametrize("index", range(len(BATCH_ONLY)), ids=[c[0] for c in BATCH_ONLY])
def test_batch_order_by(results, index: int) -> None:
    rows = results["batch"][len(CASES) + index].ok()
    assert rows == [("+I", values) for values in BATCH_ONLY[index][2]]
