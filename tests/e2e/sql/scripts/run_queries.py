"""Runs the SQL statements of a JSON plan in one table environment; prints one JSON line per statement.

usage: run_queries.py PLAN.json

The plan: {"mode": "batch" | "streaming", "config": {key: value}, "statements": [sql, ...]}.
An INSERT (or statement set) is waited for, so its job's writes are complete when its line is printed.
Each line: {"rows": [[kind, [value, ...]], ...]} (kind: +I, -U, +U, -D) or {"error": [class, message]}.
Values: null, booleans, ints and strings as JSON; other Python values as {"type name": str(value)}
(a float by its repr), so the test sees exactly what PyFlink's collect() returned.
"""

import json
import sys

from pyflink.table import EnvironmentSettings, TableEnvironment


def encode(value):
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return {"float": repr(value)}
    return {type(value).__name__: str(value)}


def run(env, statement):
    try:
        result = env.execute_sql(statement)
        if statement.lstrip().upper().startswith(("INSERT", "EXECUTE")):
            result.wait()
        with result.collect() as rows:
            return {"rows": [[row.get_row_kind().short_string(), [encode(v) for v in row]] for row in rows]}
    except Exception as error:  # the test checks which class and what message
        return {"error": [type(error).__name__, str(error)]}


def main():
    with open(sys.argv[1]) as f:
        plan = json.load(f)
    settings = EnvironmentSettings.in_batch_mode() if plan["mode"] == "batch" else EnvironmentSettings.in_streaming_mode()
    env = TableEnvironment.create(settings)
    for key, value in plan.get("config", {}).items():
        env.get_config().set(key, value)
    for statement in plan["statements"]:
        print(json.dumps(run(env, statement)), flush=True)


main()
