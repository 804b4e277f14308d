using PyStream.Sql.Parsing;
using PyStream.Sql.Physical;
using PyStream.Sql.Planning;
using PyStream.Sql.Protocol;

namespace PyStream.Sql.Tests.Planning;

/// <summary>SESSION as a window TVF (positional and named) and as a legacy group window, planned into the session window aggregate; and its refusals.</summary>
public sealed class SessionWindowPlanTests
{
    private const string Events =
        "CREATE TABLE events (name STRING, v INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts) WITH ('connector' = 'datagen')";

    private static SqlSession Session() => new(new SqlRequest { Catalog = { new CatalogEntry { Sql = Events } } });

    private static PlanNode Bind(string query) => Session().Binder().Bind(SqlParser.ParseQuery(query));

    private static WindowAggregateNode WindowAggregate(PlanNode root) =>
        root is WindowAggregateNode w ? w : WindowAggregate(Assert.Single(root.Inputs));

    public static TheoryData<string> Tvfs => new()
    {
        "SELECT name, window_start, window_end, window_time, COUNT(*) AS n, SUM(v) AS total FROM TABLE(SESSION(TABLE events PARTITION BY name, DESCRIPTOR(ts), INTERVAL '5' MINUTES)) GROUP BY window_start, window_end, window_time, name",
        "SELECT name, window_start, window_end, window_time, COUNT(*) AS n, SUM(v) AS total FROM TABLE(SESSION(DATA => TABLE events PARTITION BY name, TIMECOL => DESCRIPTOR(ts), GAP => INTERVAL '5' MINUTES)) GROUP BY name, window_start, window_end, window_time",
    };

    [Theory]
    [MemberData(nameof(Tvfs))]
    public void The_window_tvf_partitioned_by_its_keys_is_a_session_window_aggregate(string query)
    {
        var root = Bind(query);

        var window = WindowAggregate(root);
        Assert.Equal(new WindowDefinition(WindowKind.Session, 0, 0, 5 * 60_000, 0), window.Window);
        Assert.Equal(["name", "window_start", "window_end", "window_time", "n", "total"], root.Fields.Select(f => f.Name));
        Assert.False(root.IsChangelog);

        var plan = new PhysicalPlanner(Session()).Plan(root, (_, input) => input);
        Assert.Contains(plan.Nodes, n => n.Kind == "WindowAggregate" && n.Name.Contains("window=[SESSION]", StringComparison.Ordinal));
    }

    [Fact]
    public void A_session_over_the_whole_table_needs_no_partition()
    {
        var window = WindowAggregate(Bind("SELECT window_start, window_end, COUNT(*) FROM TABLE(SESSION(TABLE events, DESCRIPTOR(ts), INTERVAL '30' SECONDS)) GROUP BY window_start, window_end"));

        Assert.Empty(window.GroupKeys);
        Assert.Equal(30_000, window.Window.Gap);
    }

    [Fact]
    public void The_legacy_group_window_reads_its_start_end_and_rowtime()
    {
        var root = Bind("SELECT name, SESSION_START(ts, INTERVAL '10' SECOND) AS s, SESSION_END(ts, INTERVAL '10' SECOND) AS e, SESSION_ROWTIME(ts, INTERVAL '10' SECOND) AS r, MAX(v) FROM events GROUP BY SESSION(ts, INTERVAL '10' SECOND), name");

        var window = WindowAggregate(root);
        Assert.Equal(new WindowDefinition(WindowKind.Session, 0, 0, 10_000, 0), window.Window);
        Assert.Single(window.GroupKeys);
        Assert.Equal(["name", "s", "e", "r", "EXPR$4"], root.Fields.Select(f => f.Name));
        Assert.True(root.Fields[3].Type.IsTimeAttribute);
    }

    public static TheoryData<string, string> Refusals => new()
    {
        { "SELECT window_start, COUNT(*) FROM TABLE(SESSION(TABLE events, DESCRIPTOR(ts), INTERVAL '1' MINUTE, INTERVAL '5' MINUTES)) GROUP BY window_start, window_end", "SESSION takes 3 arguments at most (DATA, TIMECOL, GAP), got 4" },
        { "SELECT window_start, COUNT(*) FROM TABLE(SESSION(TABLE events, DESCRIPTOR(ts))) GROUP BY window_start, window_end", "SESSION is missing its GAP argument" },
        { "SELECT window_start, COUNT(*) FROM TABLE(SESSION(TABLE events, DESCRIPTOR(ts), SIZE => INTERVAL '1' MINUTE)) GROUP BY window_start, window_end", "'SIZE' is not one of them" },
        { "SELECT window_start, COUNT(*) FROM TABLE(SESSION(TABLE events PARTITION BY name, DESCRIPTOR(ts), INTERVAL '1' MINUTE)) GROUP BY window_start, window_end", "a SESSION window partitioned by name must be grouped by it too: GROUP BY window_start, window_end, name" },
        { "SELECT window_start, COUNT(*) FROM TABLE(TUMBLE(TABLE events PARTITION BY name, DESCRIPTOR(ts), INTERVAL '1' MINUTE)) GROUP BY window_start, window_end", "PARTITION BY in the table argument belongs to SESSION windows" },
        { "SELECT window_start, COUNT(*) FROM TABLE(SESSION(TABLE events PARTITION BY nope, DESCRIPTOR(ts), INTERVAL '1' MINUTE)) GROUP BY window_start, window_end", "nope" },
        { "SELECT window_start, COUNT(*) FROM TABLE(SESSION(TABLE events, DESCRIPTOR(ts), INTERVAL '0' SECOND)) GROUP BY window_start, window_end", "must be positive" },
        { "SELECT COUNT(*) FROM events GROUP BY SESSION(ts, INTERVAL '1' MINUTE, INTERVAL '5' MINUTE)", "the group window SESSION takes 2 arguments: the time attribute and the gap" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public void Wrong_session_windows_are_refused_by_name(string query, string message)
    {
        var error = Assert.Throws<SqlValidationException>(() => Bind(query));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }
}
