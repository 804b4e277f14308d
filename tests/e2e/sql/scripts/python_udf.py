"""Python scalar functions in SQL: the decorator and function forms of udf, a ScalarFunction with
open(), CREATE FUNCTION ... LANGUAGE PYTHON, calls in SELECT, WHERE, GROUP BY and nested calls, and
values of several types crossing to Python and back."""

import os
import sys
from datetime import date, datetime, timedelta
from decimal import Decimal

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from pyflink.table import DataTypes, EnvironmentSettings, TableEnvironment  # noqa: E402
from pyflink.table.udf import FunctionContext, ScalarFunction, udf  # noqa: E402

t_env = TableEnvironment.create(EnvironmentSettings.in_batch_mode())


@udf(result_type=DataTypes.BIGINT())
def twice_plus_one(x):
    return None if x is None else x * 2 + 1


class Repeat(ScalarFunction):
    def open(self, function_context: FunctionContext):
        self.times = int(function_context.get_job_parameter("times", "3"))

    def eval(self, s):
        return None if s is None else s * self.times


def parity(x):
    return "odd" if x % 2 else "even"


t_env.create_temporary_function("twice_plus_one", twice_plus_one)
t_env.create_temporary_function("repeat_it", udf(Repeat(), result_type=DataTypes.STRING()))
t_env.create_temporary_function("parity", udf(parity, result_type=DataTypes.STRING(), input_types=[DataTypes.BIGINT()]))
# A system function shadows the built-in one of its name.
t_env.create_temporary_system_function("upper", udf(lambda s: s[::-1], result_type=DataTypes.STRING()))
t_env.execute_sql("CREATE TEMPORARY FUNCTION label AS 'sql_udfs.label' LANGUAGE PYTHON")
t_env.create_temporary_function("half", udf(lambda x: x / 2, result_type=DataTypes.DOUBLE()))
t_env.create_temporary_function("is_big", udf(lambda x: x > 2, result_type=DataTypes.BOOLEAN()))
t_env.create_temporary_function("third", udf(lambda x: Decimal(x) / 3, result_type=DataTypes.DECIMAL(10, 2)))
t_env.create_temporary_function("next_day", udf(lambda d: d + timedelta(days=1), result_type=DataTypes.DATE()))
t_env.create_temporary_function("plus_hour", udf(lambda t: t + timedelta(hours=1), result_type=DataTypes.TIMESTAMP(3)))
t_env.create_temporary_function("utf8_len", udf(lambda s: None if s is None else len(s.encode()), result_type=DataTypes.INT()))

t_env.execute_sql("""CREATE TEMPORARY VIEW t AS SELECT * FROM (VALUES
    (CAST(1 AS BIGINT), 'a'), (CAST(2 AS BIGINT), 'bc'), (CAST(3 AS BIGINT), CAST(NULL AS STRING)),
    (CAST(NULL AS BIGINT), 'é')) AS v(x, s)""")


def show(title, query):
    print(f"-- {title}")
    for row in t_env.execute_sql(query).collect():
        print(list(row))


show("select", "SELECT x, twice_plus_one(x), repeat_it(s), label(x) FROM t")
show("where", "SELECT x FROM t WHERE twice_plus_one(x) > 3 AND s IS NOT NULL")
show("nested", "SELECT twice_plus_one(twice_plus_one(x) + 1) FROM t WHERE x IS NOT NULL")
show("group by", "SELECT parity(x) AS p, COUNT(*), SUM(twice_plus_one(x)) FROM t WHERE x IS NOT NULL GROUP BY parity(x) ORDER BY p")
show("shadowed upper", "SELECT upper(s) FROM t WHERE s IS NOT NULL")
show("types", "SELECT half(x), is_big(x), third(x), utf8_len(s) FROM t WHERE x IS NOT NULL")
show("dates", "SELECT next_day(DATE '2024-02-28'), plus_hour(CAST('2024-12-31 23:30:00.250' AS TIMESTAMP(3))) FROM (VALUES (1)) AS o(one)")
print(sorted(f for f in t_env.list_functions() if f in ("label", "parity", "repeat_it", "twice_plus_one")))
