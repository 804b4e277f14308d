"""What a table environment sends the engine and how it shows the answers (a fake engine, see conftest)."""

import sys

import pytest
from conftest import JOB, OK, ROWS, DotNetError, encode_rows, query_job

from pyflink.common import RowKind
from pyflink.datastream import StreamExecutionEnvironment
from pyflink.table import (DataTypes, EnvironmentSettings, ResultKind, Schema, StreamTableEnvironment, TableDescriptor,
                           TableEnvironment)
from pyflink.util.exceptions import SqlParserException, TableException, ValidationException
from pystream._proto import sql_pb2

CREATE = "CREATE TABLE t (a INT) WITH ('connector' = 'datagen')"


def accepted(sql):
    """The engine's answer to a statement that changes the catalog."""
    return lambda request: sql_pb2.SqlResponse(kind=OK, catalog_entry=sql_pb2.CatalogEntry(sql=sql))


def rows_answer(names, rows, max_width=0):
    columns = [sql_pb2.ResultColumn(name=n, type="STRING") for n in names]
    return lambda request: sql_pb2.SqlResponse(kind=ROWS, columns=columns, rows=encode_rows(rows),
                                               row_count=len(rows), max_column_width=max_width)


def query_answer(columns):
    return lambda request: sql_pb2.SqlResponse(
        kind=JOB, columns=[sql_pb2.ResultColumn(name=n, type=t, type_width=w) for n, t, w in columns],
        job=query_job(request.collect_id), changelog=True, query=True)


def streaming():
    return TableEnvironment.create(EnvironmentSettings.in_streaming_mode())


def test_the_catalog_is_what_the_engine_accepted_replayed_with_every_statement(engine):
    engine.answer(accepted(CREATE), lambda request: sql_pb2.SqlResponse(kind=OK),
                  accepted("CREATE VIEW v AS SELECT * FROM t"))
    t_env = streaming()
    t_env.execute_sql(CREATE)
    t_env.execute_sql("SET 'x' = 'y'")
    t_env.execute_sql("CREATE VIEW v AS SELECT * FROM t")
    t_env.execute_sql("SELECT 1")
    catalogs = [[entry.sql for entry in r.catalog] for r in engine.requests]
    assert catalogs == [[], [CREATE], [CREATE], [CREATE, "CREATE VIEW v AS SELECT * FROM t"]]
    assert [r.statement for r in engine.requests] == [CREATE, "SET 'x' = 'y'", "CREATE VIEW v AS SELECT * FROM t",
                                                      "SELECT 1"]


def test_two_environments_keep_their_own_catalogs(engine):
    engine.answer(accepted(CREATE))
    first, second = streaming(), streaming()
    first.execute_sql(CREATE)
    second.execute_sql("SHOW TABLES")
    assert list(engine.requests[1].catalog) == []


def test_set_and_reset_change_the_configuration_sent_with_later_statements(engine):
    engine.answer(lambda request: sql_pb2.SqlResponse(kind=OK, set_key="table.local-time-zone", set_value="UTC"),
                  lambda request: sql_pb2.SqlResponse(kind=OK, reset_keys=["parallelism.default"]))
    t_env = streaming()
    t_env.get_config().set("parallelism.default", 4)
    t_env.execute_sql("SET 'table.local-time-zone' = 'UTC'")
    assert t_env.get_config().get("table.local-time-zone") == "UTC"
    assert t_env.get_config().get_local_timezone() == "UTC"
    t_env.execute_sql("RESET 'parallelism.default'")
    t_env.execute_sql("SELECT 1")
    assert dict(engine.requests[0].configuration) == {"parallelism.default": "4"}
    assert dict(engine.requests[1].configuration) == {"parallelism.default": "4", "table.local-time-zone": "UTC"}
    assert dict(engine.requests[2].configuration) == {"table.local-time-zone": "UTC"}


def test_the_mode_travels_with_every_statement(engine):
    TableEnvironment.create(EnvironmentSettings.in_batch_mode()).execute_sql("SELECT 1")
    TableEnvironment.create(EnvironmentSettings.new_instance().in_streaming_mode().build()).execute_sql("SELECT 1")
    TableEnvironment.create(EnvironmentSettings.new_instance().in_batch_mode().build()).execute_sql("SELECT 1")
    assert [r.batch_mode for r in engine.requests] == [True, False, True]
    assert "execution.runtime-mode" not in engine.requests[0].configuration


def test_a_stream_table_environment_takes_the_stream_environment_parallelism_and_mode(engine):
    env = StreamExecutionEnvironment.get_execution_environment()
    env.set_parallelism(3)
    t_env = StreamTableEnvironment.create(env)
    t_env.execute_sql("SELECT 1")
    StreamTableEnvironment.create(env, EnvironmentSettings.in_batch_mode()).execute_sql("SELECT 1")
    assert engine.requests[0].configuration["parallelism.default"] == "3"
    assert [r.batch_mode for r in engine.requests] == [False, True]


@pytest.mark.parametrize("engine_type, message, raised, shown", [
    ("PyStream.Sql.SqlParseException", "SQL parse error at line 1, column 8: unexpected 'FORM'", SqlParserException,
     "SQL parse error at line 1, column 8: unexpected 'FORM'"),
    ("PyStream.Sql.SqlValidationException", "SQL validation error: unknown table 'clicks'", ValidationException,
     "SQL validation error: unknown table 'clicks'"),
    ("PyStream.Engine.PyStreamException", "the connector 'jdbc' is not supported", TableException,
     "the connector 'jdbc' is not supported"),
    ("System.NullReferenceException", "Object reference not set", TableException,
     "System.NullReferenceException: Object reference not set"),
])
def test_a_refusal_raises_the_pyflink_exception_of_its_kind_with_the_engine_message(engine, engine_type, message,
                                                                                     raised, shown):
    def refuse(request):
        raise DotNetError(engine_type, message)

    engine.answer(refuse)
    t_env = streaming()
    with pytest.raises(raised) as error:
        t_env.execute_sql("SELECT * FORM clicks")
    assert str(error.value) == shown
    assert type(error.value) is raised
    t_env.execute_sql("SELECT 1")
    assert list(engine.requests[1].catalog) == []  # a refused statement leaves the catalog as it was


def test_an_ok_result_prints_ok(engine, capsys):
    result = streaming().execute_sql(CREATE)
    result.print()
    assert capsys.readouterr().out == "OK\n"
    assert result.get_result_kind() is ResultKind.SUCCESS
    assert result.get_job_client() is None
    assert result.get_table_schema().get_field_names() == ["result"]
    assert [tuple(row) for row in result.collect()] == [("OK",)]
    result.wait()  # nothing to wait for


def test_rows_the_engine_computed_print_as_a_tableau_sized_by_content(engine, printed):
    # Flink prints SHOW and DESCRIBE results with widths from the values, uncapped, nulls empty.
    engine.answer(rows_answer(["table name"], [(0, ("clicks",), ("clicks",)), (0, ("users",), ("users",))], 25))
    result = TableEnvironment.create(EnvironmentSettings.in_streaming_mode()).execute_sql("SHOW TABLES")
    result.print()
    assert result.get_result_kind() is ResultKind.SUCCESS_WITH_CONTENT
    [call] = printed
    assert (call.names, call.type_widths, call.streaming, call.max_width) == (["table name"], None, False, sys.maxsize)
    assert call.rows == [(0, ("clicks",)), (0, ("users",))]


def test_the_max_column_width_of_a_query_defaults_to_flinks_30(engine, printed):
    engine.answer(query_answer([("n", "INT", 11)]))
    result = streaming().execute_sql("SELECT n FROM t")
    engine.jobs[0]._batches = []
    result.print()
    assert printed[0].max_width == 30


def test_list_tables_and_views_ask_the_engine(engine):
    engine.answer(rows_answer(["table name"], [(0, ("a",), ("a",)), (0, ("b",), ("b",))]),
                  rows_answer(["view name"], []))
    t_env = streaming()
    assert t_env.list_tables() == ["a", "b"]
    assert t_env.list_views() == []
    assert [r.statement for r in engine.requests] == ["SHOW TABLES", "SHOW VIEWS"]


def test_a_streaming_query_prints_its_rows_as_they_arrive_with_type_widths(engine, printed):
    engine.answer(query_answer([("word", "STRING", 30), ("cnt", "BIGINT NOT NULL", 20)]))
    result = streaming().execute_sql("SELECT word, COUNT(*) AS cnt FROM t GROUP BY word")
    collect_id = engine.requests[0].collect_id
    job = engine.jobs[0]
    job._batches = [(collect_id, [(0, ("a", 1), ("a", "1"))]),
                    (collect_id, [(1, ("a", 1), ("a", "1")), (2, ("a", 2), ("a", "2"))])]
    result.print()
    [call] = printed
    assert (call.names, call.type_widths, call.streaming, call.max_width) == (["word", "cnt"], [30, 20], True, 30)
    assert call.rows == [(0, ("a", "1")), (1, ("a", "1")), (2, ("a", "2"))]
    assert result.get_job_client() is not None
    schema = result.get_table_schema()
    assert schema.get_field_names() == ["word", "cnt"]
    assert [str(t) for t in schema.get_field_data_types()] == ["STRING", "BIGINT NOT NULL"]
    assert schema.get_field_count() == 2


def test_a_batch_query_prints_with_type_widths_and_no_op_column(engine, printed):
    engine.answer(query_answer([("n", "INT", 11)]))
    result = TableEnvironment.create(EnvironmentSettings.in_batch_mode()).execute_sql("SELECT 1 AS n")
    engine.jobs[0]._batches = [(engine.requests[0].collect_id, [(0, (1,), ("1",))])]
    result.print()
    assert (printed[0].type_widths, printed[0].streaming, printed[0].rows) == ([11], False, [(0, ("1",))])


def test_collect_yields_rows_with_their_row_kinds_and_reads_once(engine):
    engine.answer(query_answer([("n", "INT", 11)]))
    result = streaming().execute_sql("SELECT n FROM t")
    collect_id = engine.requests[0].collect_id
    engine.jobs[0]._batches = [(collect_id, [(0, (1,), ("1",)), (3, (1,), ("1",))]), (collect_id, [(0, (None,), ("<NULL>",))])]
    with result.collect() as rows:
        got = [(tuple(row), row.get_row_kind()) for row in rows]
    assert got == [((1,), RowKind.INSERT), ((1,), RowKind.DELETE), ((None,), RowKind.INSERT)]
    assert not engine.jobs[0].cancelled  # it had finished
    with pytest.raises(RuntimeError, match="can be read once"):
        result.collect()


def test_closing_a_collect_early_cancels_the_query(engine):
    engine.answer(query_answer([("n", "INT", 11)]))
    result = streaming().execute_sql("SELECT n FROM t")
    collect_id = engine.requests[0].collect_id
    engine.jobs[0]._batches = [(collect_id, [(0, (1,), ("1",))]), (collect_id, [(0, (2,), ("2",))])]
    with result.collect() as rows:
        assert tuple(next(rows)) == (1,)
    assert engine.jobs[0].cancelled


def test_an_insert_starts_its_job_and_shows_the_rows_the_engine_gave(engine, printed):
    columns = [sql_pb2.ResultColumn(name="default_catalog.default_database.sink", type="BIGINT", type_width=20)]
    engine.answer(lambda request: sql_pb2.SqlResponse(kind=JOB, columns=columns, job=b"\x0a\x06insert",
                                                      rows=encode_rows([(0, (-1,), ("-1",))])))
    result = streaming().execute_sql("INSERT INTO sink SELECT * FROM t")
    assert engine.jobs[0].spec == b"\x0a\x06insert"
    result.wait()
    result.print()
    assert printed[0].rows == [(0, ("-1",))]
    assert printed[0].streaming is False
    assert result.get_result_kind() is ResultKind.SUCCESS_WITH_CONTENT


def test_a_descriptor_becomes_a_create_temporary_table_statement(engine):
    descriptor = (TableDescriptor.for_connector("print")
                  .schema(Schema.new_builder().column("a", DataTypes.INT()).build()).build())
    streaming().create_temporary_table("out", descriptor)
    assert engine.requests[0].statement == ("CREATE TEMPORARY TABLE `out` (\n  `a` INT\n)\n"
                                            "WITH (\n  'connector' = 'print'\n)")


def test_tables_send_their_query_text(engine):
    t_env = streaming()
    query = t_env.sql_query("SELECT a FROM t WHERE a > 1")
    assert engine.requests == []  # describing a table sends nothing
    query.execute()
    query.execute_insert("sink")
    query.execute_insert("sink", overwrite=True)
    t_env.from_path("db.t").execute()
    t_env.create_temporary_view("v", query)
    assert [r.statement for r in engine.requests] == [
        "SELECT a FROM t WHERE a > 1",
        "INSERT INTO `sink` SELECT a FROM t WHERE a > 1",
        "INSERT OVERWRITE `sink` SELECT a FROM t WHERE a > 1",
        "SELECT * FROM `db`.`t`",
        "CREATE TEMPORARY VIEW `v` AS SELECT a FROM t WHERE a > 1",
    ]


def test_a_table_in_sql_text_is_registered_once_under_a_generated_name(engine):
    t_env = streaming()
    table = t_env.sql_query("SELECT 1 AS n")
    text = f"SELECT * FROM {table} JOIN {table}"
    name = str(table)
    assert name.startswith("`UnnamedTable$") and text == f"SELECT * FROM {name} JOIN {name}"
    assert [r.statement for r in engine.requests] == [f"CREATE TEMPORARY VIEW {name} AS SELECT 1 AS n"]


def test_explain_and_the_schema_of_a_query_come_from_the_engine(engine, capsys):
    plan = "== Abstract Syntax Tree ==\nLogicalProject(a=[$0])"
    engine.answer(rows_answer(["result"], [(0, (plan,), (plan,))]),
                  lambda request: sql_pb2.SqlResponse(kind=ROWS, columns=[
                      sql_pb2.ResultColumn(name="a", type="INT NOT NULL"),
                      sql_pb2.ResultColumn(name="ts", type="TIMESTAMP(3) *ROWTIME*")]))
    t_env = streaming()
    table = t_env.sql_query("SELECT a, ts FROM t")
    assert table.explain() == plan
    table.print_schema()
    assert capsys.readouterr().out == "(\n  `a` INT NOT NULL,\n  `ts` TIMESTAMP(3) *ROWTIME*\n)\n"
    # the plan is an EXPLAIN; the schema is the query's own columns (planned, not run)
    assert [(r.statement, r.explain) for r in engine.requests] == [("SELECT a, ts FROM t", True),
                                                                   ("SELECT a, ts FROM t", False)]


def test_a_statement_set_runs_its_inserts_as_one_request(engine):
    t_env = streaming()
    statements = t_env.create_statement_set()
    with pytest.raises(ValueError, match="no INSERT to execute"):
        statements.execute()
    statements.add_insert_sql("INSERT INTO a SELECT * FROM t")
    statements.add_insert("b", t_env.from_path("t"))
    statements.execute()
    [request] = engine.requests
    assert (request.statement, list(request.inserts)) == ("", ["INSERT INTO a SELECT * FROM t",
                                                               "INSERT INTO `b` SELECT * FROM `t`"])


def test_what_the_table_api_lacks_says_it_is_not_supported(engine):
    with pytest.raises(NotImplementedError, match=r"Table\.minus is not supported by PyStream yet"):
        streaming().from_path("t").minus(None)
    with pytest.raises(NotImplementedError, match=r"StreamTableEnvironment\.to_retract_stream is not supported"):
        StreamTableEnvironment.create(StreamExecutionEnvironment.get_execution_environment()).to_retract_stream(None, None)


def test_from_data_stream_takes_a_data_stream_of_its_own_environment(engine):
    t_env = StreamTableEnvironment.create(StreamExecutionEnvironment.get_execution_environment())
    with pytest.raises(TypeError, match="expected a Table or a DataStream, got None"):
        t_env.from_data_stream(None)
    other = StreamExecutionEnvironment()
    with pytest.raises(ValueError, match="StreamExecutionEnvironment must be the one of this table environment"):
        t_env.from_data_stream(other.from_collection([1, 2]))
    assert engine.requests == []


@pytest.mark.parametrize("bad", ["", "   ", None, 3])
def test_an_empty_statement_is_refused_before_the_engine(engine, bad):
    with pytest.raises(ValueError, match="non-empty str"):
        streaming().execute_sql(bad)
    assert engine.requests == []


def test_drop_temporary_table_says_whether_it_dropped_something(engine):
    engine.answer(accepted("DROP TEMPORARY TABLE IF EXISTS `t`"), lambda request: sql_pb2.SqlResponse(kind=OK))
    t_env = streaming()
    assert t_env.drop_temporary_table("t") is True
    assert t_env.drop_temporary_table("t") is False


def test_explain_with_details_sends_an_explain_statement(engine):
    from pyflink.table import ExplainDetail
    engine.answer(rows_answer(["result"], [(0, ("plan",), ("plan",))]))
    t_env = streaming()
    assert t_env.explain_sql("SELECT 1", ExplainDetail.CHANGELOG_MODE, ExplainDetail.ESTIMATED_COST) == "plan"
    [request] = engine.requests
    assert (request.statement, request.explain) == ("EXPLAIN CHANGELOG_MODE, ESTIMATED_COST SELECT 1", False)
    with pytest.raises(TypeError, match="ExplainDetail values"):
        t_env.explain_sql("SELECT 1", "CHANGELOG_MODE")


def test_to_pandas_without_pandas_says_what_to_install(engine):
    try:
        import pandas  # noqa: F401
        pytest.skip("pandas is installed here")
    except ImportError:
        pass
    engine.answer(query_answer([("n", "INT", 11)]))
    table = streaming().sql_query("SELECT n FROM t")
    with pytest.raises(ImportError, match="Table.to_pandas needs pandas"):
        table.to_pandas()
