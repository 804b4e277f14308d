using PyStream.Sql.Expressions;
using PyStream.Sql.Parsing;
using PyStream.Sql.Planning;
using PyStream.Sql.Protocol;
using PyStream.Sql.Types;

namespace PyStream.Sql.Tests.Planning;

/// <summary>Joins bound to the logical Join: equi keys, residual condition, output schema, name resolution across both sides, and the refusals.</summary>
public sealed class JoinPlanTests
{
    private static readonly string[] Tables =
    [
        "CREATE TABLE orders (id INT NOT NULL, customer BIGINT, amount DOUBLE, ts TIMESTAMP(3), WATERMARK FOR ts AS ts) WITH ('connector' = 'datagen')",
        "CREATE TABLE customers (customer BIGINT, name STRING, ts TIMESTAMP(3), WATERMARK FOR ts AS ts) WITH ('connector' = 'datagen')",
        "CREATE TABLE ids (id INT, label STRING) WITH ('connector' = 'datagen')",
        "CREATE TABLE wide (id BIGINT, label STRING) WITH ('connector' = 'datagen')",
    ];

    private static SqlSession Session() => new(new SqlRequest { Catalog = { Tables.Select(t => new CatalogEntry { Sql = t }) } });

    private static PlanNode Bind(string query) => Session().Binder().Bind(SqlParser.ParseQuery(query));

    private static JoinNode JoinOf(PlanNode node) => node as JoinNode ?? JoinOf(Assert.Single(node.Inputs, i => i is not ScanNode));

    [Fact]
    public void An_equi_condition_gives_the_keys_and_the_rest_the_residual()
    {
        var join = JoinOf(Bind("SELECT * FROM orders o JOIN customers c ON o.customer = c.customer AND o.amount > 10"));

        Assert.Equal(JoinType.Inner, join.Type);
        Assert.Equal([1], join.LeftKeys);
        Assert.Equal([0], join.RightKeys);
        var residual = Assert.IsType<CallExpr>(join.Residual);
        Assert.Equal(">", residual.Function);
        Assert.Equal(new InputRef(2, SqlType.Double), residual.Operands[0]);
        Assert.Null(join.Interval);
        Assert.False(join.IsChangelog);
    }

    [Fact]
    public void The_output_is_the_left_columns_then_the_right_ones_nullable_on_the_padded_side()
    {
        var root = Bind("SELECT * FROM orders o LEFT JOIN customers c ON o.customer = c.customer");

        Assert.Equal(["id", "customer", "amount", "ts", "customer0", "name", "ts0"], root.Fields.Select(f => f.Name));
        Assert.False(root.Fields[0].Type.Nullable);
        Assert.All(root.Fields.Skip(4), f => Assert.True(f.Type.Nullable));
        // A regular join does not keep its inputs' time attributes in order: they are plain timestamps after it.
        Assert.All(root.Fields, f => Assert.False(f.Type.IsTimeAttribute));
        Assert.True(root.IsChangelog);

        var right = Bind("SELECT o.id FROM orders o RIGHT JOIN customers c ON o.customer = c.customer");
        Assert.True(right.Fields[0].Type.Nullable);
        Assert.Equal(JoinType.Full, JoinOf(Bind("SELECT * FROM orders o FULL OUTER JOIN customers c ON o.customer = c.customer")).Type);
    }

    [Fact]
    public void Using_merges_its_columns_first_and_keeps_each_side_by_qualifier()
    {
        var root = Bind("SELECT * FROM orders o JOIN customers c USING (customer)");
        Assert.Equal(["customer", "id", "amount", "ts", "name", "ts0"], root.Fields.Select(f => f.Name));
        var join = JoinOf(root);
        Assert.Equal([1], join.LeftKeys);
        Assert.Equal([0], join.RightKeys);

        var sides = Bind("SELECT customer, o.customer AS l, c.customer AS r FROM orders o FULL JOIN customers c USING (customer)");
        Assert.Equal(["customer", "l", "r"], sides.Fields.Select(f => f.Name));
    }

    [Fact]
    public void Keys_of_two_types_are_compared_in_their_common_type()
    {
        var root = Bind("SELECT i.label, w.label FROM ids i JOIN wide w ON i.id = w.id");
        var join = JoinOf(root);

        Assert.Equal(SqlTypeKind.BigInt, join.Left.Fields[join.LeftKeys[0]].Type.Kind);
        Assert.Equal(SqlTypeKind.BigInt, join.Right.Fields[join.RightKeys[0]].Type.Kind);
        Assert.Equal(2, root.Fields.Count);
    }

    [Fact]
    public void A_comma_join_filtered_on_equal_columns_is_an_equi_join()
    {
        var join = JoinOf(Bind("SELECT o.id, c.name FROM orders o, customers c WHERE o.customer = c.customer AND c.name <> 'x'"));

        Assert.Equal([1], join.LeftKeys);
        Assert.Equal([0], join.RightKeys);
        Assert.NotNull(join.Residual);

        var cross = JoinOf(Bind("SELECT * FROM ids CROSS JOIN wide"));
        Assert.Empty(cross.LeftKeys);
        Assert.Null(cross.Residual);
    }

    [Fact]
    public void Time_bounds_between_two_rowtimes_make_an_interval_join_that_keeps_them()
    {
        var root = Bind("SELECT * FROM orders o JOIN customers c ON o.customer = c.customer AND o.ts BETWEEN c.ts - INTERVAL '5' SECOND AND c.ts + INTERVAL '10' SECOND");
        var join = JoinOf(root);

        Assert.Equal(new IntervalBounds(3, 2, -5_000, 10_000, false), join.Interval);
        Assert.True(root.Fields[3].Type.IsTimeAttribute);
        Assert.True(root.Fields[6].Type.IsTimeAttribute);

        var strict = JoinOf(Bind("SELECT * FROM orders o, customers c WHERE o.customer = c.customer AND c.ts > o.ts - INTERVAL '1' MINUTE AND c.ts < o.ts"));
        Assert.Equal(new IntervalBounds(3, 2, 1, 59_999, false), strict.Interval);
        Assert.True(JoinOf(Bind("SELECT * FROM orders o LEFT JOIN customers c ON o.customer = c.customer AND o.ts BETWEEN c.ts - INTERVAL '5' SECOND AND c.ts")) is { Interval: not null, IsChangelog: false });
    }

    [Fact]
    public void One_time_bound_or_bounds_on_plain_timestamps_are_a_regular_join()
    {
        Assert.Null(JoinOf(Bind("SELECT * FROM orders o JOIN customers c ON o.customer = c.customer AND o.ts >= c.ts")).Interval);
        Assert.Null(JoinOf(Bind("SELECT * FROM (SELECT id, CAST(ts AS TIMESTAMP(3)) AS t FROM orders) o JOIN (SELECT customer, CAST(ts AS TIMESTAMP(3)) AS t FROM customers) c ON o.id = c.customer AND o.t BETWEEN c.t - INTERVAL '1' SECOND AND c.t")).Interval);
    }

    public static TheoryData<string, string> Refusals => new()
    {
        { "SELECT customer FROM orders o JOIN customers c ON o.customer = c.customer", "Column 'customer' is ambiguous" },
        { "SELECT o.nope FROM orders o JOIN customers c ON o.customer = c.customer", "Column 'o.nope' not found in any table" },
        { "SELECT * FROM orders o JOIN customers o ON o.customer = o.customer", "Duplicate relation name 'o' in FROM clause" },
        { "SELECT * FROM orders o JOIN customers c ON o.amount", "ON clause must be a condition" },
        { "SELECT * FROM orders o JOIN customers c USING (amount)", "Column 'amount' not found in right table" },
        { "SELECT * FROM orders o JOIN ids i USING (label)", "Column 'label' not found in left table" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public void Wrong_joins_are_refused_by_name(string query, string message)
    {
        var error = Assert.Throws<SqlValidationException>(() => Bind(query));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }
}
