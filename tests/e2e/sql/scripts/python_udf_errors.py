"""Python functions that are refused: each error's class and message, as the script sees them."""

from pyflink.table import DataTypes, EnvironmentSettings, TableEnvironment
from pyflink.table.udf import udf

t_env = TableEnvironment.create(EnvironmentSettings.in_batch_mode())


def attempt(title, action):
    try:
        action()
    except Exception as error:  # the class and message are what the script checks
        print(f"{title}: {type(error).__name__}: {error}")
    else:
        print(f"{title}: accepted")


attempt("no result type", lambda: udf(lambda x: x))
attempt("not a udf", lambda: t_env.create_temporary_function("plain", lambda x: x))
attempt("unsupported result type",
        lambda: t_env.create_temporary_function("arr", udf(lambda x: [x], result_type=DataTypes.ARRAY(DataTypes.INT()))))
t_env.create_temporary_function("twice", udf(lambda x: x * 2, result_type=DataTypes.BIGINT(), input_types=[DataTypes.BIGINT()]))
attempt("twice again", lambda: t_env.create_temporary_function("twice", udf(lambda x: x, result_type=DataTypes.INT())))
attempt("wrong argument count", lambda: t_env.execute_sql("SELECT twice(1, 2) FROM (VALUES (1)) AS t(x)"))
attempt("unknown function", lambda: t_env.execute_sql("SELECT twise(x) FROM (VALUES (1)) AS t(x)"))
attempt("missing module", lambda: t_env.execute_sql("CREATE TEMPORARY FUNCTION nope AS 'no_such_module.fn' LANGUAGE PYTHON"))
attempt("java function", lambda: t_env.execute_sql("CREATE TEMPORARY FUNCTION j AS 'com.example.Fn' LANGUAGE JAVA"))
print(sorted(f for f in t_env.list_functions() if f in ("arr", "j", "nope", "plain", "twice")))
