"""A statement the engine refuses reaches the script as a pyflink.util.exceptions class, message unchanged."""

from pyflink.table import EnvironmentSettings, TableEnvironment
from pyflink.util.exceptions import SqlParserException, ValidationException

t_env = TableEnvironment.create(EnvironmentSettings.in_streaming_mode())
try:
    t_env.execute_sql("SELEC 1 FORM nowhere")
except (SqlParserException, ValidationException) as error:
    print(type(error).__name__)
    print(str(error).split(":", 1)[0])
else:
    print("not refused")
