"""TableResult.print() through a real run, pinned byte for byte: Flink's tableau (columns sized by
type: INT 11, BIGINT 20, STRING and DOUBLE 30, DECIMAL(p, s) p + 2, DATE 10, TIMESTAMP(1..3) 23 (the text keeps p fraction digits),
BOOLEAN 5 but at least <NULL>'s 6; values right-aligned; over-long values cut to width - 3 with
'...'), the op column in streaming mode only, 'N rows in set' / '1 row in set' / 'Empty set', and
'OK' for DDL. The texts below are written by hand from those rules."""

from __future__ import annotations

import json
from pathlib import Path

from sql_e2e import SCRIPTS, run_script

ROWS = [(1, "ann", 10, "new"), (2, "bob", 20, "paid"), (3, "ann", 5, "paid"), (4, "cid", None, "new")]

BATCH = """\
OK
+-------------+--------------------------------+-------------+
|          id |                       customer |      amount |
+-------------+--------------------------------+-------------+
|           1 |                            ann |          10 |
|           4 |                            cid |      <NULL> |
+-------------+--------------------------------+-------------+
2 rows in set
+--------------------------------+----------------------+
|                       customer |                    n |
+--------------------------------+----------------------+
|                            ann |                    2 |
|                            bob |                    1 |
+--------------------------------+----------------------+
2 rows in set
Empty set
+---------+--------+------------+-------------------------+--------------------------------+--------------------------------+
|       d |      b |         dt |                      ts |                              f |                      long_text |
+---------+--------+------------+-------------------------+--------------------------------+--------------------------------+
|    1.50 |   TRUE | 2024-01-01 |   2024-01-01 10:00:00.5 |                            2.5 | abcdefghijklmnopqrstuvwxyz0... |
+---------+--------+------------+-------------------------+--------------------------------+--------------------------------+
1 row in set
"""

STREAMING = """\
OK
+----+-------------+--------------------------------+-------------+
| op |          id |                       customer |      amount |
+----+-------------+--------------------------------+-------------+
| +I |           1 |                            ann |          10 |
| +I |           4 |                            cid |      <NULL> |
+----+-------------+--------------------------------+-------------+
2 rows in set
+----+--------------------------------+----------------------+
| op |                       customer |                    n |
+----+--------------------------------+----------------------+
| +I |                            ann |                    1 |
| +I |                            bob |                    1 |
| -U |                            ann |                    1 |
| +U |                            ann |                    2 |
+----+--------------------------------+----------------------+
4 rows in set
Empty set
+----+---------+--------+------------+-------------------------+--------------------------------+--------------------------------+
| op |       d |      b |         dt |                      ts |                              f |                      long_text |
+----+---------+--------+------------+-------------------------+--------------------------------+--------------------------------+
| +I |    1.50 |   TRUE | 2024-01-01 |   2024-01-01 10:00:00.5 |                            2.5 | abcdefghijklmnopqrstuvwxyz0... |
+----+---------+--------+------------+-------------------------+--------------------------------+--------------------------------+
1 row in set
"""


def test_print_shows_flinks_tableau_in_batch_and_streaming_mode(tmp_path: Path) -> None:
    data = tmp_path / "orders.json"
    data.write_text("".join(json.dumps(dict(zip(("id", "customer", "amount", "status"), row))) + "\n" for row in ROWS))
    completed = run_script(SCRIPTS / "print_results.py", str(data))
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout == BATCH + STREAMING
