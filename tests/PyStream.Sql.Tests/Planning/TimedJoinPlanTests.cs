using PyStream.Sql.Parsing;
using PyStream.Sql.Physical;
using PyStream.Sql.Planning;
using PyStream.Sql.Protocol;
using PyStream.Sql.Types;

namespace PyStream.Sql.Tests.Planning;

/// <summary>Window joins and event-time temporal joins: which joins they are, their plans, and the refusals Flink makes, in its words.</summary>
public sealed class TimedJoinPlanTests
{
    private static readonly string[] Catalog =
    [
        "CREATE TABLE l (k INT, v BIGINT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts) WITH ('connector' = 'datagen')",
        "CREATE TABLE r (k INT, w BIGINT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts) WITH ('connector' = 'datagen')",
        "CREATE TABLE u (k INT, v BIGINT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts, PRIMARY KEY (k) NOT ENFORCED) WITH ('connector' = 'upsert-kafka', 'topic' = 'u', 'properties.bootstrap.servers' = 'localhost:9', 'key.format' = 'json', 'value.format' = 'json')",
        "CREATE TABLE p (k INT, v BIGINT, pt AS PROCTIME()) WITH ('connector' = 'datagen')",
        "CREATE TABLE orders (id BIGINT, currency STRING, amount INT, order_time TIMESTAMP(3), pt AS PROCTIME(), WATERMARK FOR order_time AS order_time) WITH ('connector' = 'datagen')",
        "CREATE TABLE rates (currency STRING, rate INT, update_time TIMESTAMP(3), WATERMARK FOR update_time AS update_time, PRIMARY KEY (currency) NOT ENFORCED) WITH ('connector' = 'datagen')",
        "CREATE TABLE rates_no_key (currency STRING, rate INT, update_time TIMESTAMP(3), WATERMARK FOR update_time AS update_time) WITH ('connector' = 'datagen')",
        "CREATE TABLE rates_no_time (currency STRING, rate INT, update_time TIMESTAMP(3), PRIMARY KEY (currency) NOT ENFORCED) WITH ('connector' = 'datagen')",
        "CREATE TABLE rates_ltz (currency STRING, rate INT, ms BIGINT, update_time AS TO_TIMESTAMP_LTZ(ms, 3), WATERMARK FOR update_time AS update_time, PRIMARY KEY (currency) NOT ENFORCED) WITH ('connector' = 'datagen')",
    ];

    private static SqlSession Session() => new(new SqlRequest { Catalog = { Catalog.Select(c => new CatalogEntry { Sql = c }) } });

    private static PlanNode Bind(string query) => Session().Binder().Bind(SqlParser.ParseQuery(query));

    private static T Find<T>(PlanNode node) where T : PlanNode =>
        node as T ?? node.Inputs.Select(i => Find<T>(i)).FirstOrDefault(f => f is not null)!;

    private static string Tvf(string table, string window = "TUMBLE", string size = "INTERVAL '5' MINUTES", string time = "ts") =>
        $"(SELECT * FROM TABLE({window}(TABLE {table}, DESCRIPTOR({time}), {size})))";

    [Theory]
    [InlineData("JOIN", "InnerJoin")]
    [InlineData("FULL JOIN", "FullOuterJoin")]
    public void Two_window_tvfs_joined_on_window_start_and_end_are_a_window_join(string join, string joinType)
    {
        var root = Bind($"SELECT L.k, L.v, R.w, L.window_start, L.window_time FROM {Tvf("l")} L {join} {Tvf("r")} R " +
                        "ON L.window_start = R.window_start AND L.k = R.k AND L.window_end = R.window_end AND L.v < R.w");

        var window = Find<WindowJoinNode>(root);
        Assert.NotNull(window);
        Assert.False(root.IsChangelog, "a window join is append-only, outer joins too");
        Assert.Equal(new WindowDefinition(WindowKind.Tumble, 300_000, 0, 0, 0), window.Window);
        Assert.Single(window.LeftKeys);
        Assert.Equal(TimeAttribute.Rowtime, root.Fields[4].Type.TimeAttribute);

        var plan = new PhysicalPlanner(Session()).Plan(root, (_, input) => input);
        var node = Assert.Single(plan.Nodes, n => n.Kind == "WindowJoin");
        Assert.StartsWith($"WindowJoin(leftWindow=[TUMBLE(win_start=[window_start], win_end=[window_end], size=[300000 ms])], rightWindow=[TUMBLE(", node.Name, StringComparison.Ordinal);
        Assert.Contains($"joinType=[{joinType}]", node.Name, StringComparison.Ordinal);
        Assert.Contains("(v < w)", node.Name, StringComparison.Ordinal);
        Assert.Equal(2, node.Inputs.Count);
    }

    [Theory]
    [InlineData("FROM {0} L JOIN {1} R USING (k, window_start, window_end)")]
    [InlineData("FROM {0} L, {1} R WHERE L.k = R.k AND L.window_start = R.window_start AND L.window_end = R.window_end")]
    public void Using_and_a_filtered_comma_join_make_window_joins_too(string from)
    {
        var root = Bind("SELECT * " + string.Format(null, from, Tvf("l"), Tvf("r")));
        Assert.Single(Find<WindowJoinNode>(root).LeftKeys);
    }

    [Fact]
    public void Window_aggregates_join_as_windows()
    {
        var agg = "(SELECT k, window_start, window_end, COUNT(*) AS n FROM TABLE(HOP(TABLE {0}, DESCRIPTOR(ts), INTERVAL '1' MINUTE, INTERVAL '2' MINUTES)) GROUP BY k, window_start, window_end)";
        var root = Bind($"SELECT L.k, L.n, R.n FROM {string.Format(null, agg, "l")} L JOIN {string.Format(null, agg, "r")} R ON L.k = R.k AND L.window_start = R.window_start AND L.window_end = R.window_end");
        Assert.Equal(WindowKind.Hop, Find<WindowJoinNode>(root).Window.Kind);
    }

    [Theory]
    [InlineData("ON L.window_start = R.window_start AND L.k = R.k")]
    [InlineData("ON L.window_end = R.window_end AND L.k = R.k")]
    public void Without_both_window_equalities_the_join_is_a_regular_one(string on)
    {
        var root = Bind($"SELECT L.k FROM {Tvf("l")} L JOIN {Tvf("r")} R {on}");
        Assert.Null(Find<WindowJoinNode>(root));
        Assert.NotNull(Find<JoinNode>(root));
    }

    [Fact]
    public void Other_windows_on_the_two_sides_make_a_regular_join()
    {
        var root = Bind($"SELECT L.k FROM {Tvf("l")} L JOIN {Tvf("r", size: "INTERVAL '10' MINUTES")} R ON L.window_start = R.window_start AND L.window_end = R.window_end");
        Assert.Null(Find<WindowJoinNode>(root));
    }

    [Fact]
    public void A_processing_time_window_join_is_refused()
    {
        var error = Assert.Throws<SqlTableException>(() => Bind(
            $"SELECT L.k FROM {Tvf("p", time: "pt")} L JOIN {Tvf("p", time: "pt")} R ON L.window_start = R.window_start AND L.window_end = R.window_end"));
        Assert.Equal("Processing time Window Join is not supported yet.", error.Message);
    }

    [Fact]
    public void A_window_join_of_an_updating_input_is_refused()
    {
        var error = Assert.Throws<SqlTableException>(() => Bind(
            $"SELECT L.k FROM {Tvf("l")} L JOIN {Tvf("u")} R ON L.k = R.k AND L.window_start = R.window_start AND L.window_end = R.window_end"));
        Assert.Contains("its right input is updating", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("LEFT JOIN", "LeftOuterJoin")]
    [InlineData("JOIN", "InnerJoin")]
    public void A_join_for_system_time_as_of_the_left_rowtime_is_a_temporal_join(string join, string joinType)
    {
        var root = Bind($"SELECT o.id, o.order_time, r.rate, r.update_time FROM orders AS o {join} rates FOR SYSTEM_TIME AS OF o.order_time AS r ON o.currency = r.currency AND o.amount < r.rate");

        var temporal = Find<TemporalJoinNode>(root);
        Assert.False(root.IsChangelog);
        Assert.Equal("order_time", temporal.Join.Left.Fields[temporal.LeftTime].Name);
        Assert.Equal("update_time", temporal.Join.Right.Fields[temporal.RightTime].Name);
        Assert.Equal(TimeAttribute.Rowtime, root.Fields[1].Type.TimeAttribute);
        Assert.Equal(TimeAttribute.None, root.Fields[3].Type.TimeAttribute);

        var plan = new PhysicalPlanner(Session()).Plan(root, (_, input) => input);
        var node = Assert.Single(plan.Nodes, n => n.Kind == "TemporalJoin");
        Assert.StartsWith($"TemporalJoin(joinType=[{joinType}], where=[(currency = currency0) AND (amount < rate) AND __TEMPORAL_JOIN_CONDITION(order_time, update_time)]", node.Name, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("orders AS o JOIN rates_no_key FOR SYSTEM_TIME AS OF o.order_time AS r ON o.currency = r.currency",
        "Temporal Table Join requires primary key in versioned table, but no primary key can be found.")]
    [InlineData("orders AS o JOIN rates_no_time FOR SYSTEM_TIME AS OF o.order_time AS r ON o.currency = r.currency",
        "Event-Time Temporal Table Join requires both primary key and row time attribute in versioned table, but no row time attribute can be found.")]
    [InlineData("orders AS o JOIN rates FOR SYSTEM_TIME AS OF o.order_time AS r ON o.amount = r.rate",
        "Temporal table's primary key [currency] must be included in the equivalence condition of temporal join, but current temporal join condition is [amount=rate].")]
    [InlineData("orders AS o JOIN rates FOR SYSTEM_TIME AS OF o.order_time AS r ON o.amount > r.rate",
        "Currently the join key in Temporal Table Join can not be empty.")]
    [InlineData("orders AS o JOIN rates FOR SYSTEM_TIME AS OF o.id AS r ON o.currency = r.currency",
        "Temporal table join currently only supports 'FOR SYSTEM_TIME AS OF' left table's time attribute field")]
    [InlineData("orders AS o RIGHT JOIN rates FOR SYSTEM_TIME AS OF o.order_time AS r ON o.currency = r.currency",
        "A temporal join is an INNER or LEFT join, not a RIGHT JOIN")]
    [InlineData("orders AS o JOIN rates_ltz FOR SYSTEM_TIME AS OF o.order_time AS r ON o.currency = r.currency",
        "Event-Time Temporal Table Join requires same rowtime type in left table and versioned table, but the rowtime types are TIMESTAMP(3) *ROWTIME* and TIMESTAMP_LTZ(3) *ROWTIME*.")]
    public void A_temporal_join_that_cannot_be_one_is_refused_in_flinks_words(string from, string message)
    {
        var error = Assert.Throws<SqlValidationException>(() => Bind($"SELECT * FROM {from}"));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_processing_time_temporal_join_is_refused_as_flink_refuses_it_without_a_lookup_table()
    {
        var error = Assert.Throws<SqlTableException>(() => Bind("SELECT * FROM orders AS o JOIN rates FOR SYSTEM_TIME AS OF o.pt AS r ON o.currency = r.currency"));
        Assert.Equal("Processing-time temporal join is not supported yet.", error.Message);
    }
}
