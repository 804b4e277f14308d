"""A table function that raises fails the job with the user's own traceback."""

from pyflink.table import DataTypes, EnvironmentSettings, TableEnvironment
from pyflink.table.udf import udtf


def numbers(s):
    for part in s.split(","):
        yield int(part)


t_env = TableEnvironment.create(EnvironmentSettings.in_streaming_mode())
t_env.create_temporary_function("numbers", udtf(numbers, result_types=[DataTypes.INT()]))
t_env.execute_sql("SELECT n FROM (VALUES ('1,2'), ('3,x')) AS t(s), LATERAL TABLE(numbers(s)) AS T(n)").print()
