"""Functions that CREATE FUNCTION ... LANGUAGE PYTHON names by module path."""

from pyflink.table import DataTypes
from pyflink.table.udf import udf


@udf(result_type=DataTypes.STRING(), input_types=[DataTypes.BIGINT()])
def label(n):
    return None if n is None else f"n={n}"
