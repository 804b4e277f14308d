"""Python functions called as objects in Table API expressions, as PyFlink's guide writes them:
prints the rows as JSON, one line."""

import json

from pyflink.table import DataTypes, EnvironmentSettings, TableEnvironment
from pyflink.table.expressions import call, col
from pyflink.table.udf import ScalarFunction, udf

t_env = TableEnvironment.create(EnvironmentSettings.in_batch_mode())
table = t_env.from_elements([(1, 2), (3, 4), (5, 6), (7, -10)], ["a", "b"])
add = udf(lambda i, j: i + j, result_type=DataTypes.BIGINT())


class Scale(ScalarFunction):
    def eval(self, x):
        return x * 10


scale = udf(Scale(), result_type=DataTypes.BIGINT())
result = (table.where(add(col("a"), col("b")) > 3)
          .select(col("a"), add(col("a"), col("b")) + 1, call(scale, col("b")).alias("s")))
with result.execute().collect() as rows:
    print(json.dumps(sorted(list(row) for row in rows)))
