"""Bad SQL raises a PyFlink exception whose message names what is wrong and where: a syntax error's
line, column and token; an unknown table, column or function with the close name it suggests; a
type error's operator and both types; a connector's missing option and an unknown connector by name.
All statements run in one script; each must fail (a result would be a silent wrong answer)."""

from __future__ import annotations

from pathlib import Path

import pytest

from sql_e2e import run_statements

SETUP = ("CREATE TEMPORARY VIEW orders AS SELECT * FROM "
         "(VALUES (1, CAST('ann' AS STRING), 10)) AS t(id, customer, amount)")

# statement, exception class, fragments the message must contain
CASES = [
    ("SELECT id,\n  FROM orders", "SqlParserException", ["line 2, column 3", "'FROM'"]),
    ("SELECT id FROM orders WHERE", "SqlParserException", ["line 1, column 28"]),
    ("SELEC id FROM orders", "SqlParserException", ["line 1, column 1", "'SELEC'"]),
    ("SELECT * FROM orderz", "ValidationException", ["'orderz' not found", "did you mean 'orders'"]),
    ("SELECT id,\n       custmer FROM orders", "ValidationException",
     ["line 2, column 8", "'custmer' not found", "did you mean 'customer'"]),
    ("SELECT UPPPER(customer) FROM orders", "ValidationException", ["UPPPER", "did you mean 'UPPER'"]),
    ("SELECT id + customer FROM orders", "ValidationException", ["'+'", "INT", "STRING"]),
    ("SELECT id FROM orders WHERE customer > 3", "ValidationException", ["'>'", "STRING", "INT"]),
    ("CREATE TABLE k (a INT) WITH ('connector' = 'kafka', 'topic' = 't', 'format' = 'json')", "ValidationException",
     ["properties.bootstrap.servers"]),
    ("CREATE TABLE f (a INT) WITH ('connector' = 'filesystem', 'format' = 'csv')", "ValidationException", ["path"]),
    ("CREATE TABLE n (a INT) WITH ('connector' = 'nosuch')", "ValidationException", ["'nosuch'"]),
]


@pytest.fixture(scope="module")
def results(tmp_path_factory) -> list:
    return run_statements(tmp_path_factory.mktemp("errors"), "streaming", [SETUP] + [c[0] for c in CASES],
                          name="errors")[1:]


@pytest.mark.parametrize("index", range(len(CASES)), ids=[c[0].split("\n")[0][:40] for c in CASES])
def test_bad_sql_raises_an_exception_naming_what_is_wrong(results, index: int) -> None:
    statement, kind, fragments = CASES[index]
    result = results[index]
    assert result.error is not None, f"{statement!r} gave rows {result.rows}"
    assert result.error[0] == kind, result.error
    for fragment in fragments:
        assert fragment in result.error[1], result.error
