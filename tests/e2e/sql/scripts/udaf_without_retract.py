"""A udaf without retract over a changelog (a nested GROUP BY's) fails with an error naming it."""

from pyflink.table import DataTypes, EnvironmentSettings, TableEnvironment
from pyflink.table.udf import AggregateFunction, udaf


class Total(AggregateFunction):
    def create_accumulator(self):
        return [0]

    def accumulate(self, accumulator, n):
        accumulator[0] += n

    def get_value(self, accumulator):
        return accumulator[0]


t_env = TableEnvironment.create(EnvironmentSettings.in_streaming_mode())
t_env.create_temporary_function("total", udaf(Total(), result_type=DataTypes.BIGINT()))
t_env.execute_sql("SELECT total(c) FROM (SELECT k, COUNT(*) AS c FROM (VALUES (1), (1), (2)) AS t(k) GROUP BY k)").print()
