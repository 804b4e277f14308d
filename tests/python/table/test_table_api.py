"""What the Table API sends the engine: operation and expression trees (a fake engine, see conftest).

The expected trees are built by hand from ``sql.proto``'s messages; the engine's side (the trees
turned into SQL) is pinned by ``TableQueryBuilderTests`` in C#.
"""

import datetime
import decimal

import pytest
from conftest import JOB

from pyflink.table import DataTypes, EnvironmentSettings, ExplainDetail, TableEnvironment
from pyflink.table.expression import TimeIntervalUnit
from pyflink.table.expressions import UNBOUNDED_RANGE, call, col, if_then_else, lit, row, row_interval
from pyflink.table.window import Over, Session, Slide, Tumble
from pystream._proto import sql_pb2

E = sql_pb2.TableExpression
OP = sql_pb2.TableOperation
EVENTS = OP(path=sql_pb2.TablePath(parts=["events"]))


def c(name):
    return E(field=name)


def literal(type_text, value):
    return E(literal=sql_pb2.TableLiteral(type=type_text, value=value))


def fn(name, *args):
    return E(call=sql_pb2.TableCall(name=name, args=list(args)))


def named(expr, name):
    return E(alias=sql_pb2.TableAliasedExpression(expr=expr, name=name))


def seconds(n, unit="SECOND"):
    return E(interval=sql_pb2.TableInterval(value=literal("INT", str(n)), unit=unit))


def batch():
    return TableEnvironment.create(EnvironmentSettings.in_batch_mode())


def sent(engine):
    """The operation of the last request, which must be a Table API request (no SQL text)."""
    request = engine.requests[-1]
    assert request.statement == ""
    return request.table.operation


def test_select_and_where_send_a_projection_over_a_filter_over_the_catalog_table(engine):
    batch().from_path("events").where(col("v") > 1).select(col("name"), (col("v") * 2).alias("d")).execute()
    where = OP(filter=sql_pb2.TableFilter(input=EVENTS, condition=fn("greater_than", c("v"), literal("INT", "1"))))
    assert sent(engine) == OP(project=sql_pb2.TableProjection(
        input=where, items=[c("name"), named(fn("times", c("v"), literal("INT", "2")), "d")]))


def test_operators_build_calls_by_the_table_api_names(engine):
    t = batch().from_path("events")
    t.select(-col("a"), 1 - col("a"), (col("a") + 1) % 3, col("a") / 2, ~(col("a") == "x") & col("b").is_null | (col("c") <= 2.5),
             col("a") != col("b"), col("a") >= 0).execute()
    items = list(sent(engine).project.items)
    assert items == [
        fn("negate", c("a")),
        fn("minus", literal("INT", "1"), c("a")),
        fn("mod", fn("plus", c("a"), literal("INT", "1")), literal("INT", "3")),
        fn("divided_by", c("a"), literal("INT", "2")),
        fn("or", fn("and", fn("not", fn("equals", c("a"), literal("STRING", "x"))), fn("is_null", c("b"))),
           fn("less_than_or_equal", c("c"), literal("DOUBLE", "2.5"))),
        fn("not_equals", c("a"), c("b")),
        fn("greater_than_or_equal", c("a"), literal("INT", "0")),
    ]


@pytest.mark.parametrize("value, type_text, text", [
    (5, "INT", "5"),
    (2 ** 40, "BIGINT", "1099511627776"),
    (-2 ** 31, "INT", "-2147483648"),
    (2.5, "DOUBLE", "2.5"),
    ("it's", "STRING", "it's"),
    (True, "BOOLEAN", "true"),
    (decimal.Decimal("12.50"), "DECIMAL(4, 2)", "12.50"),
    (datetime.date(2024, 2, 29), "DATE", "2024-02-29"),
    (datetime.datetime(2024, 1, 1, 10, 0, 0, 250000), "TIMESTAMP(3)", "2024-01-01 10:00:00.250000"),
    (b"\x0a\xff", "BYTES", "0aff"),
])
def test_a_literal_carries_the_type_pyflink_gives_the_python_value(engine, value, type_text, text):
    batch().from_path("events").select(lit(value)).execute()
    assert list(sent(engine).project.items) == [literal(type_text, text)]


def test_a_typed_null_a_cast_and_a_function_called_by_name(engine):
    batch().from_path("events").select(lit(None, DataTypes.INT()), col("v").cast(DataTypes.BIGINT().not_null()),
                                       call("MY_UDF", col("v"), 1)).execute()
    assert list(sent(engine).project.items) == [
        E(literal=sql_pb2.TableLiteral(type="INT", is_null=True)),
        E(cast=sql_pb2.TableCast(expr=c("v"), type="BIGINT NOT NULL")),
        E(function=sql_pb2.TableCall(name="MY_UDF", args=[c("v"), literal("INT", "1")])),
    ]


def test_string_temporal_and_conditional_methods(engine):
    s, ts = col("s"), col("ts")
    batch().from_path("events").select(
        s.upper_case, s.lower_case, s.char_length, s.like("a%"), s.substring(2, 3), s.trim(), s.trim_leading("x"),
        ts.extract(TimeIntervalUnit.HOUR), ts.floor(TimeIntervalUnit.MINUTE), col("n").floor, s.to_timestamp,
        if_then_else(col("n") > 0, "pos", "neg"), row(1, s)).execute()
    assert list(sent(engine).project.items) == [
        fn("upper_case", c("s")), fn("lower_case", c("s")), fn("char_length", c("s")),
        fn("like", c("s"), literal("STRING", "a%")),
        fn("substring", c("s"), literal("INT", "2"), literal("INT", "3")),
        fn("trim", c("s"), E(symbol="BOTH")), fn("trim", c("s"), E(symbol="LEADING"), literal("STRING", "x")),
        fn("extract", E(symbol="HOUR"), c("ts")), fn("floor", c("ts"), E(symbol="MINUTE")), fn("floor", c("n")),
        fn("to_timestamp", c("s")),
        fn("if_then_else", fn("greater_than", c("n"), literal("INT", "0")), literal("STRING", "pos"), literal("STRING", "neg")),
        fn("row", literal("INT", "1"), c("s")),
    ]


def test_group_by_select_with_aggregates(engine):
    batch().from_path("events").group_by(col("name")).select(
        col("name"), col("v").sum.alias("total"), col("v").count.distinct, col("v").avg, col("v").min, col("v").max).execute()
    assert sent(engine) == OP(aggregate=sql_pb2.TableAggregation(
        input=EVENTS, group_keys=[c("name")],
        items=[c("name"), named(fn("sum", c("v")), "total"), fn("distinct", fn("count", c("v"))), fn("avg", c("v")),
               fn("min", c("v")), fn("max", c("v"))]))


@pytest.mark.parametrize("window, expected", [
    (Tumble.over(lit(10).minutes).on(col("ts")).alias("w"),
     sql_pb2.TableGroupWindow(kind=sql_pb2.TableGroupWindow.TUMBLE, size=seconds(10, "MINUTE"), time_field=c("ts"), alias="w")),
    (Slide.over(lit(10).seconds).every(lit(5).seconds).on(col("ts")).alias("w"),
     sql_pb2.TableGroupWindow(kind=sql_pb2.TableGroupWindow.SLIDE, size=seconds(10), slide=seconds(5), time_field=c("ts"),
                              alias="w")),
    (Session.with_gap(lit(30).seconds).on("ts").alias("w"),
     sql_pb2.TableGroupWindow(kind=sql_pb2.TableGroupWindow.SESSION, size=seconds(30), time_field=c("ts"), alias="w")),
])
def test_a_group_window_is_sent_with_its_keys_and_properties(engine, window, expected):
    t_env = TableEnvironment.create(EnvironmentSettings.in_streaming_mode())
    t_env.from_path("events").window(window).group_by(col("w"), col("name")).select(
        col("name"), col("w").start, col("w").end.alias("e"), col("w").rowtime, col("v").count).execute()
    assert sent(engine) == OP(window_aggregate=sql_pb2.TableWindowAggregation(
        input=EVENTS, window=expected, group_keys=[c("w"), c("name")],
        items=[c("name"), fn("start", c("w")), named(fn("end", c("w")), "e"), fn("rowtime", c("w")), fn("count", c("v"))]))


@pytest.mark.parametrize("window, preceding", [
    (Over.partition_by(col("name")).order_by(col("ts")).preceding(row_interval(2)), fn("row_interval", literal("INT", "2"))),
    (Over.partition_by(col("name")).order_by(col("ts")).preceding(lit(1).hours), seconds(1, "HOUR")),
    (Over.partition_by(col("name")).order_by(col("ts")).preceding(UNBOUNDED_RANGE), E(symbol="UNBOUNDED_RANGE")),
    (Over.partition_by(col("name")).order_by(col("ts")), E(symbol="UNBOUNDED_RANGE")),
])
def test_an_over_window_is_written_out_in_each_aggregate_over_it(engine, window, preceding):
    t_env = TableEnvironment.create(EnvironmentSettings.in_streaming_mode())
    t_env.from_path("events").over_window(window.alias("w")).select(
        col("name"), col("v").sum.over(col("w")).alias("total")).execute()
    spec = fn("over_window", fn("partition_by", c("name")), c("ts"), preceding)
    assert sent(engine) == OP(project=sql_pb2.TableProjection(
        input=EVENTS, items=[c("name"), named(fn("over", fn("sum", c("v")), spec), "total")]))


def test_over_needs_the_alias_of_an_over_window_of_the_table(engine):
    windowed = TableEnvironment.create(EnvironmentSettings.in_streaming_mode()).from_path("events").over_window(
        Over.order_by(col("ts")).alias("w"))
    with pytest.raises(ValueError, match="over takes the alias of one of this table's over windows"):
        windowed.select(col("v").sum.over(col("x")))
    with pytest.raises(ValueError, match="row_interval takes a number of rows"):
        row_interval(-1)


def test_order_by_limit_offset_and_fetch_send_sorts(engine):
    t = batch().from_path("events")
    t.order_by(col("v").desc, "name").limit(3, 1).execute()
    ordered = OP(sort=sql_pb2.TableSort(input=EVENTS, order=[fn("desc", c("v")), c("name")], offset=-1, fetch=-1))
    assert sent(engine) == OP(sort=sql_pb2.TableSort(input=ordered, offset=1, fetch=3))
    t.order_by(col("v").asc).offset(2).fetch(4).execute()
    first = OP(sort=sql_pb2.TableSort(input=EVENTS, order=[fn("asc", c("v"))], offset=-1, fetch=-1))
    second = OP(sort=sql_pb2.TableSort(input=first, offset=2, fetch=-1))
    assert sent(engine) == OP(sort=sql_pb2.TableSort(input=second, offset=-1, fetch=4))


def test_column_operations_alias_distinct_and_union_all(engine):
    t = batch().from_path("events")
    t.add_columns(lit(1).alias("one")).add_or_replace_columns(col("v").alias("name")).drop_columns(col("ts")) \
        .rename_columns(col("v").alias("value")).alias("a", "b").distinct().union_all(t).execute()
    kind = sql_pb2.TableColumns
    added = OP(columns=kind(input=EVENTS, kind=kind.ADD, items=[named(literal("INT", "1"), "one")]))
    replaced = OP(columns=kind(input=added, kind=kind.ADD_OR_REPLACE, items=[named(c("v"), "name")]))
    dropped = OP(columns=kind(input=replaced, kind=kind.DROP, items=[c("ts")]))
    renamed = OP(columns=kind(input=dropped, kind=kind.RENAME, items=[named(c("v"), "value")]))
    aliased = OP(alias=sql_pb2.TableColumnAliases(input=renamed, names=["a", "b"]))
    assert sent(engine) == OP(union_all=sql_pb2.TableUnionAll(left=OP(distinct=aliased), right=EVENTS))


def test_from_elements_sends_literal_rows_with_the_columns_names_and_types(engine):
    t_env = batch()
    t_env.from_elements([(1, "a", 2.5), (None, "b", None)]).execute()
    values = sent(engine).values
    assert (list(values.column_names), list(values.column_types)) == (["_1", "_2", "_3"], ["BIGINT", "STRING", "DOUBLE"])
    assert list(values.rows[1].items) == [E(literal=sql_pb2.TableLiteral(is_null=True)), literal("STRING", "b"),
                                          E(literal=sql_pb2.TableLiteral(is_null=True))]
    schema = DataTypes.ROW([DataTypes.FIELD("id", DataTypes.INT()), DataTypes.FIELD("s", DataTypes.STRING())])
    t_env.from_elements([(1, "x")], schema).execute()
    values = sent(engine).values
    assert (list(values.column_names), list(values.column_types)) == (["id", "s"], ["INT", "STRING"])
    t_env.from_elements([[7, "y"]], ["k", "label"]).execute()
    assert list(sent(engine).values.column_names) == ["k", "label"]


def test_from_elements_refuses_what_it_cannot_type(engine):
    t_env = batch()
    with pytest.raises(ValueError, match="at least one element"):
        t_env.from_elements([])
    with pytest.raises(ValueError, match="column 2 holds only None"):
        t_env.from_elements([(1, None)])
    with pytest.raises(ValueError, match="the schema has 1 columns"):
        t_env.from_elements([(1, 2)], ["a"])


def test_insert_view_explain_and_schema_of_an_api_table(engine):
    engine.answer(lambda request: sql_pb2.SqlResponse(kind=JOB),
                  lambda request: sql_pb2.SqlResponse(catalog_entry=sql_pb2.CatalogEntry(sql="CREATE TEMPORARY VIEW v AS ...")),
                  lambda request: sql_pb2.SqlResponse(),
                  lambda request: sql_pb2.SqlResponse(columns=[sql_pb2.ResultColumn(name="name", type="STRING")]))
    t_env = batch()
    t = t_env.from_path("events").select(col("name"))
    t.execute_insert("cat.`my.db`.sink", overwrite=True)
    t_env.create_temporary_view("v", t)
    t.explain()
    assert t.get_schema().get_field_names() == ["name"]
    insert, view, explain, schema = engine.requests
    assert (list(insert.table.insert_into), insert.table.overwrite) == (["cat", "my.db", "sink"], True)
    assert list(view.table.view) == ["v"] and list(view.catalog) == []
    assert [e.sql for e in explain.catalog] == ["CREATE TEMPORARY VIEW v AS ..."]
    assert explain.explain and explain.table.operation == t._operation
    assert not schema.explain and schema.table.operation == t._operation


def test_an_api_table_in_sql_text_is_registered_as_an_unnamed_view(engine):
    t_env = batch()
    t = t_env.from_path("events").where(col("v") > 0)
    t_env.execute_sql(f"SELECT * FROM {t}")
    register, query = engine.requests
    assert register.table.operation == t._operation
    [name] = register.table.view
    assert name.startswith("UnnamedTable$")
    assert query.statement == f"SELECT * FROM `{name}`"


def test_sql_tables_stay_sql_text_until_an_api_method_is_called(engine):
    t_env = batch()
    t = t_env.sql_query("SELECT 1 AS a")
    t.execute()
    t.select(col("a")).execute()
    assert engine.requests[0].statement == "SELECT 1 AS a" and not engine.requests[0].HasField("table")
    assert sent(engine).project.input == OP(sql_query="SELECT 1 AS a")


def test_bad_arguments_are_refused_where_they_are_written():
    t_env = TableEnvironment.create(EnvironmentSettings.in_batch_mode())
    t = t_env.from_path("events")
    with pytest.raises(TypeError, match="no truth value"):
        bool(col("a") > 1)
    with pytest.raises(TypeError, match="select takes expressions"):
        t.select(42)
    with pytest.raises(TypeError, match="a literal must be"):
        lit(object())
    with pytest.raises(ValueError, match="limit takes a number of rows"):
        t.limit(-1)
    with pytest.raises(ValueError, match="at least one expression"):
        t.select()
    with pytest.raises(TypeError, match="every belongs to Slide"):
        Tumble.over(lit(1).seconds).every(lit(1).seconds)
    with pytest.raises(NotImplementedError, match="group window"):
        t.window("w")


def test_a_statement_set_inserts_an_api_table_through_its_unnamed_view(engine):
    t_env = batch()
    statements = t_env.create_statement_set()
    statements.add_insert("sink", t_env.from_path("events").select(col("*")))
    statements.execute()
    register, run = engine.requests
    assert list(register.table.operation.project.items) == [c("*")]
    [name] = register.table.view
    assert list(run.inserts) == [f"INSERT INTO `sink` SELECT * FROM `{name}`"]


def test_explain_with_details_sends_them_with_the_tree(engine):
    t = batch().from_path("events").select(col("v"))
    t.explain(ExplainDetail.CHANGELOG_MODE)
    [request] = engine.requests
    assert (request.explain, list(request.table.explain_details)) == (False, ["CHANGELOG_MODE"])
    with pytest.raises(TypeError, match="ExplainDetail values"):
        t.explain("CHANGELOG_MODE")


def test_join_lateral_registers_the_called_udtf_once_and_sends_a_lateral_join(engine):
    from pyflink.table.udf import udtf

    @udtf(result_types=[DataTypes.STRING(), DataTypes.INT()])
    def split(s):
        yield s, len(s)

    t_env = batch()
    events = t_env.from_path("events")
    events.join_lateral(split(col("name")).alias("word", "n"), col("n") > 1).execute()
    events.left_outer_join_lateral(split(col("name"))).execute()

    registrations = [r.register_function for r in engine.requests if r.HasField("register_function")]
    assert [(f.name, f.kind, f.result_type, f.system) for f in registrations] == [
        ("split", "table", "ROW<f0 STRING, f1 INT>", True)]
    call = E(function=sql_pb2.TableCall(name="split", args=[c("name")]))
    inner = [r for r in engine.requests if r.HasField("table")][0].table.operation
    assert inner == OP(lateral_join=sql_pb2.TableLateralJoin(
        input=EVENTS, call=call, column_names=["word", "n"], condition=fn("greater_than", c("n"), literal("INT", "1"))))
    assert sent(engine) == OP(lateral_join=sql_pb2.TableLateralJoin(input=EVENTS, call=call, outer=True))


def test_udaf_and_udtf_wrappers_check_their_types():
    from pyflink.table.udf import AggregateFunction, udaf, udtf
    from pystream.table.udf import python_function

    class Total(AggregateFunction):
        def create_accumulator(self):
            return [0]

        def accumulate(self, accumulator, n):
            accumulator[0] += n

        def get_value(self, accumulator):
            return accumulator[0]

        def get_result_type(self):
            return DataTypes.BIGINT()

    assert python_function("total", udaf(Total()), temporary=True, system=False).kind == "aggregate"
    assert python_function("total", Total(), temporary=True, system=False).result_type == "BIGINT"
    with pytest.raises(TypeError, match="udaf takes an AggregateFunction"):
        udaf(lambda x: x, result_type=DataTypes.INT())
    with pytest.raises(TypeError, match="Invalid result_type"):
        udtf(lambda s: [s], result_types=[42])
