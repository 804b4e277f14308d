"""The refusals of DataStream <-> Table conversion: one line per case, "label<TAB>class<TAB>message"."""

from pyflink.common import Types
from pyflink.datastream import StreamExecutionEnvironment
from pyflink.table import Schema, StreamTableEnvironment

env = StreamExecutionEnvironment.get_execution_environment()
t_env = StreamTableEnvironment.create(env)
numbers = env.from_collection([1, 2, 3, 2], type_info=Types.LONG())


def attempt(label, call):
    try:
        call()
        print(f"{label}\tOK\t")
    except Exception as error:  # the case's refusal is what is printed
        print(f"{label}\t{type(error).__name__}\t{error}")


counts = t_env.sql_query(f"SELECT f0, COUNT(*) AS c FROM {t_env.from_data_stream(numbers)} GROUP BY f0")
attempt("updating", lambda: t_env.to_data_stream(counts))
attempt("untyped", lambda: t_env.from_data_stream(env.from_collection([1, 2])))
attempt("metadata", lambda: t_env.from_data_stream(
    numbers, Schema.new_builder().column_by_metadata("offset", "BIGINT").build()))
attempt("rowtime type", lambda: t_env.from_data_stream(
    numbers, Schema.new_builder().column_by_metadata("rowtime", "TIMESTAMP(3)").build()))
attempt("source watermark", lambda: t_env.execute_sql(
    "CREATE TABLE g (x INT, ts TIMESTAMP(3), WATERMARK FOR ts AS SOURCE_WATERMARK()) WITH ('connector' = 'datagen')"))
# The schema declares the column INT: a value beyond INT fails the job, naming the column.
big = env.from_collection([1, 2 ** 40], type_info=Types.LONG())
t_env.to_data_stream(t_env.from_data_stream(big, Schema.new_builder().column("f0", "INT").build())).print()
attempt("bad value", lambda: env.execute("bad value"))
