"""A Python function that raises fails the job with the user's own traceback."""

from pyflink.table import DataTypes, EnvironmentSettings, TableEnvironment
from pyflink.table.udf import udf


def parse(s):
    return int(s)


t_env = TableEnvironment.create(EnvironmentSettings.in_streaming_mode())
t_env.create_temporary_function("parse", udf(parse, result_type=DataTypes.INT()))
t_env.execute_sql("SELECT parse(s) FROM (VALUES ('1'), ('three')) AS t(s)").print()
