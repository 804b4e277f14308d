"""The Table API joins (join, left_outer_join, right_outer_join, full_outer_join, join then where) over two
tables from elements given as JSON; prints one line per join: its label, a tab, its changelog as JSON
([kind, [values]] per row).

usage: table_api_joins.py LEFT_JSON RIGHT_JSON
"""

import json
import sys

from pyflink.table import DataTypes, EnvironmentSettings, TableEnvironment
from pyflink.table.expressions import col

env = TableEnvironment.create(EnvironmentSettings.in_streaming_mode())
env.get_config().set("parallelism.default", "2")
left = env.from_elements(json.loads(sys.argv[1]), DataTypes.ROW([DataTypes.FIELD("a", DataTypes.INT()), DataTypes.FIELD("b", DataTypes.INT())]))
right = env.from_elements(json.loads(sys.argv[2]), DataTypes.ROW([DataTypes.FIELD("d", DataTypes.INT()), DataTypes.FIELD("e", DataTypes.INT())]))

joins = {
    "join": left.join(right, col("a") == col("d")),
    "join_where": left.join(right).where((col("a") == col("d")) & (col("b") < col("e"))).select(col("a"), col("b"), col("e")),
    "left_outer_join": left.left_outer_join(right, left.a == right.d),
    "right_outer_join": right.right_outer_join(left, (col("a") == col("d")) & (col("b") < col("e"))),
    "full_outer_join": left.full_outer_join(right, col("a") == col("d")),
}
for label, table in joins.items():
    with table.execute().collect() as rows:
        changelog = [[row.get_row_kind().short_string(), list(row)] for row in rows]
    print(f"{label}\t{json.dumps(changelog)}", flush=True)

try:
    left.join(left, col("a") == col("a")).execute()
except Exception as error:  # the test reads the message
    print(f"overlap\t{json.dumps(str(error))}")

try:
    left.select(left.x)
except AttributeError as error:
    print(f"no_column\t{json.dumps(str(error))}")
