"""Python table and aggregate functions over rows that the test gives (PYSTREAM_TEST_ROWS, JSON
[[id, s], ...]); each query's rows are printed as JSON lines [query, kind, values] for the test's
plain-Python model to check. PYSTREAM_TEST_MODE: streaming or batch."""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from pyflink.table import DataTypes, EnvironmentSettings, TableEnvironment  # noqa: E402
from pyflink.table.expressions import call, col  # noqa: E402
from pyflink.table.udf import AggregateFunction, FunctionContext, TableFunction, udaf, udtf  # noqa: E402

ROWS = json.loads(os.environ["PYSTREAM_TEST_ROWS"])
BATCH = os.environ.get("PYSTREAM_TEST_MODE") == "batch"


class Repeat(TableFunction):
    """The class form: open() reads a job parameter; eval yields single values."""

    def open(self, function_context: FunctionContext):
        self.marker = function_context.get_job_parameter("marker", "!")

    def eval(self, s, n):
        for _ in range(n):
            yield s + self.marker


class SumOfSquares(AggregateFunction):
    def create_accumulator(self):
        return [0]

    def accumulate(self, accumulator, n):
        accumulator[0] += n * n

    def retract(self, accumulator, n):
        accumulator[0] -= n * n

    def get_value(self, accumulator):
        return accumulator[0]

    def get_result_type(self):
        return DataTypes.BIGINT()


settings = EnvironmentSettings.in_batch_mode() if BATCH else EnvironmentSettings.in_streaming_mode()
t_env = TableEnvironment.create(settings)
t_env.execute_sql("CREATE TEMPORARY FUNCTION words AS 'sql_table_udfs.words' LANGUAGE PYTHON")
t_env.execute_sql("CREATE TEMPORARY FUNCTION longest_word AS 'sql_table_udfs.longest_word' LANGUAGE PYTHON")
t_env.create_temporary_system_function("repeat_it", udtf(Repeat(), result_types=DataTypes.STRING()))
t_env.create_temporary_function("sum_of_squares", udaf(SumOfSquares()))

values = ", ".join(f"({i}, {'NULL' if s is None else repr(s)})" for i, s in ROWS)
t_env.execute_sql(f"CREATE TEMPORARY VIEW src AS SELECT * FROM (VALUES {values}) AS t(id, s)")

QUERIES = {
    "inner": "SELECT id, word, n FROM src, LATERAL TABLE(words(s)) AS T(word, n)",
    "left": "SELECT id, word, n FROM src LEFT JOIN LATERAL TABLE(words(s)) AS T(word, n) ON TRUE",
    "computed_argument": "SELECT id, r FROM src, LATERAL TABLE(repeat_it(UPPER(s), CAST(id % 3 AS INT))) AS T(r) WHERE s IS NOT NULL",
    "grouped": "SELECT id % 2 AS parity, sum_of_squares(n), longest_word(word) FROM src, LATERAL TABLE(words(s)) AS T(word, n) GROUP BY id % 2",
    # The inner GROUP BY's changelog updates each count: the outer udafs retract what they had.
    "over_changelog": "SELECT c, sum_of_squares(n), longest_word(word) FROM (SELECT word, COUNT(*) AS c, MAX(n) AS n "
                      "FROM src, LATERAL TABLE(words(s)) AS T(word, n) GROUP BY word) GROUP BY c",
    "global_empty": "SELECT sum_of_squares(id) FROM src WHERE id < 0",
}
for name, query in QUERIES.items():
    with t_env.execute_sql(query).collect() as results:
        for row in results:
            print(json.dumps([name, row.get_row_kind().name, list(row)]))



@udtf(result_types=[DataTypes.STRING(), DataTypes.INT()])
def split_words(s):
    """Called in the Table API as an object, never registered by the script (join_lateral does)."""
    for word in (s or "").split():
        yield word, len(word)


src = t_env.from_path("src")
TABLES = {
    "api_inner": src.join_lateral(split_words(col("s")).alias("word", "n")).select(col("id"), col("word"), col("n")),
    "api_left": src.left_outer_join_lateral(call("words", col("s")).alias("word", "n")).select(col("id"), col("word"), col("n")),
}
for name, table in TABLES.items():
    with table.execute().collect() as results:
        for row in results:
            print(json.dumps([name, row.get_row_kind().name, list(row)]))
