using PyStream.Sql.Parsing;
using PyStream.Sql.Planning;
using PyStream.Sql.Printing;
using PyStream.Sql.Protocol;
using PyStream.Sql.TableApi;

namespace PyStream.Sql.Tests.TableApi;

/// <summary>
/// Table API trees, as pyflink.table sends them, turned into the SQL that means the same; the
/// expected SQL is written by hand, in the printer's canonical form.
/// </summary>
public class TableQueryBuilderTests
{
    private const string Events =
        "CREATE TABLE events (name STRING, v INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts) WITH ('connector' = 'datagen')";

    private static readonly TableOperation EventsTable = new() { Path = new TablePath { Parts = { "events" } } };

    private static string Sql(TableOperation operation, TableRequest? request = null)
    {
        var session = new SqlSession(new SqlRequest { Catalog = { new CatalogEntry { Sql = Events } } });
        var builder = new TableQueryBuilder(q => session.Binder().Bind(q).Fields.Select(f => f.Name).ToArray());
        request ??= new TableRequest();
        request.Operation = operation;
        return builder.Statement(request).ToSql();
    }

    private static SqlValidationException Refusal(TableOperation operation) =>
        Assert.Throws<SqlValidationException>(() => Sql(operation));

    private static TableExpression Col(string name) => new() { Field = name };

    private static TableExpression Lit(string type, string value) => new() { Literal = new TableLiteral { Type = type, Value = value } };

    private static TableExpression Call(string name, params TableExpression[] args) => new() { Call = new TableCall { Name = name, Args = { args } } };

    private static TableExpression Alias(TableExpression expr, string name) => new() { Alias = new TableAliasedExpression { Expr = expr, Name = name } };

    private static TableExpression Seconds(long count) =>
        new() { Interval = new TableInterval { Value = Lit("INT", count.ToString(System.Globalization.CultureInfo.InvariantCulture)), Unit = "SECOND" } };

    private static TableOperation Select(TableOperation input, params TableExpression[] items) =>
        new() { Project = new TableProjection { Input = input, Items = { items } } };

    [Fact]
    public void Select_and_where_are_a_projection_and_a_filter_over_the_catalog_table()
    {
        var filtered = new TableOperation { Filter = new TableFilter { Input = EventsTable, Condition = Call("and", Call("greater_than", Col("v"), Lit("INT", "1")), Call("not", Call("is_null", Col("name")))) } };
        var selected = Select(filtered, Col("name"), Alias(Call("times", Col("v"), Lit("DOUBLE", "1.5")), "scaled"), Alias(Call("upper_case", Col("name")), "up"));
        Assert.Equal(
            "SELECT name, v * 1.5E0 AS scaled, UPPER(name) AS up FROM (SELECT * FROM events WHERE v > 1 AND NOT name IS NULL)",
            Sql(selected));
    }

    [Fact]
    public void Group_by_select_is_a_grouped_query_with_distinct_aggregates()
    {
        var grouped = new TableOperation
        {
            Aggregate = new TableAggregation
            {
                Input = EventsTable,
                GroupKeys = { Col("name") },
                Items = { Col("name"), Alias(Call("sum", Col("v")), "total"), Alias(Call("distinct", Call("count", Col("v"))), "n") },
            },
        };
        Assert.Equal("SELECT name, SUM(v) AS total, COUNT(DISTINCT v) AS n FROM events GROUP BY name", Sql(grouped));
    }

    [Fact]
    public void A_tumbling_group_window_is_the_tumble_function_grouped_by_the_window_bounds()
    {
        var windowed = new TableOperation
        {
            WindowAggregate = new TableWindowAggregation
            {
                Input = EventsTable,
                Window = new TableGroupWindow { Kind = TableGroupWindow.Types.Kind.Tumble, Size = Seconds(10), TimeField = Col("ts"), Alias = "w" },
                GroupKeys = { Col("w"), Col("name") },
                Items = { Col("name"), Alias(Call("start", Col("w")), "s"), Alias(Call("rowtime", Col("w")), "t"), Call("count", Col("v")) },
            },
        };
        Assert.Equal(
            "SELECT name, window_start AS s, window_time AS t, COUNT(v) FROM TABLE(TUMBLE(TABLE events, DESCRIPTOR(ts), INTERVAL '10' SECOND)) GROUP BY window_start, window_end, name",
            Sql(windowed));
    }

    [Fact]
    public void A_sliding_window_over_a_derived_table_reads_it_as_a_common_table_expression()
    {
        var filtered = new TableOperation { Filter = new TableFilter { Input = EventsTable, Condition = Call("greater_than", Col("v"), Lit("INT", "0")) } };
        var windowed = new TableOperation
        {
            WindowAggregate = new TableWindowAggregation
            {
                Input = filtered,
                Window = new TableGroupWindow { Kind = TableGroupWindow.Types.Kind.Slide, Size = Seconds(10), Slide = Seconds(5), TimeField = Col("ts"), Alias = "w" },
                GroupKeys = { Col("w") },
                Items = { Alias(Call("end", Col("w")), "e"), Alias(Call("max", Col("v")), "m") },
            },
        };
        Assert.Equal(
            "WITH window_input AS (SELECT * FROM events WHERE v > 0) SELECT window_end AS e, MAX(v) AS m FROM TABLE(HOP(TABLE window_input, DESCRIPTOR(ts), INTERVAL '5' SECOND, INTERVAL '10' SECOND)) GROUP BY window_start, window_end",
            Sql(windowed));
    }

    [Fact]
    public void Column_operations_list_the_input_columns_the_binder_names()
    {
        var added = new TableOperation { Columns = new TableColumns { Input = EventsTable, Kind = TableColumns.Types.Kind.Add, Items = { Alias(Call("plus", Col("v"), Lit("INT", "1")), "w") } } };
        var replaced = new TableOperation { Columns = new TableColumns { Input = added, Kind = TableColumns.Types.Kind.AddOrReplace, Items = { Alias(Call("lower_case", Col("name")), "name"), Alias(Lit("STRING", "x"), "tag") } } };
        var dropped = new TableOperation { Columns = new TableColumns { Input = replaced, Kind = TableColumns.Types.Kind.Drop, Items = { Col("ts") } } };
        var renamed = new TableOperation { Columns = new TableColumns { Input = dropped, Kind = TableColumns.Types.Kind.Rename, Items = { Alias(Col("v"), "value") } } };
        var aliased = new TableOperation { Alias = new TableColumnAliases { Input = renamed, Names = { "n" } } };
        Assert.Equal(
            "SELECT name AS n, value, w, tag FROM (SELECT name, v AS value, w, tag FROM (SELECT name, v, w, tag FROM (SELECT LOWER(name) AS name, v, ts, w, 'x' AS tag FROM (SELECT *, v + 1 AS w FROM events))))",
            Sql(aliased));
    }

    [Fact]
    public void Order_by_then_limit_is_one_ordered_query()
    {
        var ordered = new TableOperation { Sort = new TableSort { Input = EventsTable, Order = { Call("desc", Col("v")), Col("name") }, Offset = -1, Fetch = -1 } };
        var limited = new TableOperation { Sort = new TableSort { Input = ordered, Offset = 1, Fetch = 2 } };
        Assert.Equal("SELECT * FROM events ORDER BY v DESC, name LIMIT 2 OFFSET 1", Sql(limited));
    }

    [Fact]
    public void From_elements_casts_each_value_to_its_column_type_nullable_unless_declared_not_null()
    {
        var values = new TableOperation
        {
            Values = new TableValues
            {
                Rows =
                {
                    new TableExpressionList { Items = { Lit("INT", "1"), Lit("STRING", "a"), Lit("INT", "7") } },
                    new TableExpressionList { Items = { new TableExpression { Literal = new TableLiteral { IsNull = true } }, Lit("STRING", "it's"), Lit("INT", "8") } },
                },
                ColumnNames = { "id", "s", "n" },
                ColumnTypes = { "BIGINT", "STRING", "INT NOT NULL" },
            },
        };
        Assert.Equal(
            "SELECT * FROM (VALUES (CAST(1 AS BIGINT NULL), CAST('a' AS STRING NULL), CAST(7 AS INT NOT NULL)), " +
            "(CAST(NULL AS BIGINT NULL), CAST('it''s' AS STRING NULL), CAST(8 AS INT NOT NULL))) AS T (id, s, n)",
            Sql(values));
        var session = new SqlSession(new SqlRequest());
        var types = session.Binder().Bind(new TableQueryBuilder(_ => []).Query(values)).Types;
        Assert.Equal(["BIGINT", "STRING", "INT NOT NULL"], types.Select(t => t.ToString()));
    }

    [Fact]
    public void Union_all_distinct_and_a_view_of_the_result()
    {
        var union = new TableOperation { UnionAll = new TableUnionAll { Left = EventsTable, Right = EventsTable } };
        var distinct = new TableOperation { Distinct = Select(union, Col("name")) };
        Assert.Equal(
            "CREATE TEMPORARY VIEW v AS SELECT DISTINCT * FROM (SELECT name FROM (SELECT * FROM events UNION ALL SELECT * FROM events))",
            Sql(distinct, new TableRequest { View = { "v" } }));
    }

    [Fact]
    public void Execute_insert_is_an_insert_of_the_query()
    {
        Assert.Equal("INSERT INTO sink SELECT name FROM events", Sql(Select(EventsTable, Col("name")), new TableRequest { InsertInto = { "sink" } }));
    }

    [Fact]
    public void Explain_with_details_is_an_explain_statement_of_the_query()
    {
        Assert.Equal("EXPLAIN CHANGELOG_MODE SELECT name FROM events", Sql(Select(EventsTable, Col("name")), new TableRequest { ExplainDetails = { "CHANGELOG_MODE" } }));
    }

    [Fact]
    public void Special_forms_intervals_casts_and_conditionals()
    {
        var ts = Col("ts");
        var selected = Select(EventsTable,
            Call("extract", new TableExpression { Symbol = "HOUR" }, ts),
            Call("floor", ts, new TableExpression { Symbol = "MINUTE" }),
            Call("plus", ts, new TableExpression { Interval = new TableInterval { Value = Lit("INT", "250"), Unit = "MILLISECOND" } }),
            Call("substring", Col("name"), Lit("INT", "2"), Lit("INT", "3")),
            Call("trim", Col("name"), new TableExpression { Symbol = "LEADING" }),
            Call("if_then_else", Call("like", Col("name"), Lit("STRING", "a%")), Lit("INT", "1"), Lit("INT", "-2")),
            new TableExpression { Cast = new TableCast { Expr = Col("v"), Type = "BIGINT" } },
            new TableExpression { Function = new TableCall { Name = "CONCAT", Args = { Col("name"), Lit("STRING", "!") } } });
        Assert.Equal(
            "SELECT EXTRACT(HOUR FROM ts), FLOOR(ts TO MINUTE), ts + INTERVAL '0.250' SECOND, SUBSTRING(name FROM 2 FOR 3), TRIM(LEADING FROM name), "
            + "CASE WHEN name LIKE 'a%' THEN 1 ELSE -2 END, CAST(v AS BIGINT), CONCAT(name, '!') FROM events",
            Sql(selected));
    }

    [Fact]
    public void Refusals_name_the_table_api_method()
    {
        Assert.Equal("SQL validation error: Table.select: Column 'nope' not found in any table",
            Refusal(Select(EventsTable, Col("nope"))).Message);
        Assert.StartsWith("SQL validation error: Table.drop_columns: zz is not a column of the table (name, v, ts)",
            Refusal(new TableOperation { Columns = new TableColumns { Input = EventsTable, Kind = TableColumns.Types.Kind.Drop, Items = { Col("zz") } } }).Message);
        Assert.StartsWith("SQL validation error: Table.add_columns: the column 'v' exists already",
            Refusal(new TableOperation { Columns = new TableColumns { Input = EventsTable, Kind = TableColumns.Types.Kind.Add, Items = { Col("v") } } }).Message);
        Assert.StartsWith("SQL validation error: Table.select: 'w' is not a group window here",
            Refusal(Select(EventsTable, Call("start", Col("w")))).Message);
        Assert.StartsWith("SQL validation error: Table.select: the expression method 'frobnicate' is not supported",
            Refusal(Select(EventsTable, Call("frobnicate", Col("v")))).Message);
        var noAlias = new TableOperation
        {
            WindowAggregate = new TableWindowAggregation
            {
                Input = EventsTable,
                Window = new TableGroupWindow { Kind = TableGroupWindow.Types.Kind.Tumble, Size = Seconds(10), TimeField = Col("ts"), Alias = "w" },
                GroupKeys = { Col("name") },
                Items = { Col("name") },
            },
        };
        Assert.StartsWith("SQL validation error: WindowedTable.group_by: the keys must include the window alias", Refusal(noAlias).Message);
    }

    [Fact]
    public void Every_printed_query_parses_back_to_the_same_tree()
    {
        var windowed = new TableOperation
        {
            WindowAggregate = new TableWindowAggregation
            {
                Input = Select(EventsTable, Col("name"), Col("ts")),
                Window = new TableGroupWindow { Kind = TableGroupWindow.Types.Kind.Tumble, Size = Seconds(60), TimeField = Col("ts"), Alias = "w" },
                GroupKeys = { Col("w") },
                Items = { Alias(Call("count", Col("name")), "n") },
            },
        };
        var printed = Sql(windowed, new TableRequest { View = { "v" } });
        Assert.Equal(printed, SqlParser.ParseStatement(printed).ToSql());
    }
}
