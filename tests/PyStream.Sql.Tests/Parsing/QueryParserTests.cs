using PyStream.Sql.Ast;
using PyStream.Sql.Parsing;
using static PyStream.Sql.Tests.Parsing.AstBuilders;

namespace PyStream.Sql.Tests.Parsing;

public class QueryParserTests
{
    private static QueryExpr Parse(string sql) => SqlParser.ParseQuery(sql);

    [Fact]
    public void Select_with_every_clause()
    {
        var expected = new SelectQuery(
            Distinct: true,
            [Item(Id("a"), "x"), Item(Call("COUNT", new StarExpr([])), "n"), Item(new StarExpr(["t"]))],
            [new NamedTableRef(["db", "t"], Alias: new TableAlias("t", []))],
            Bin(BinaryOperator.GreaterThan, Id("b"), Int(0)),
            [Id("a")],
            Bin(BinaryOperator.GreaterThan, Call("COUNT", new StarExpr([])), Int(1)),
            [new NamedWindow("w", new WindowSpec(null, [Id("a")], [], null))]);
        Assert.Equal(
            expected,
            Parse("SELECT DISTINCT a AS x, COUNT(*) n, t.* FROM db.t t WHERE b > 0 GROUP BY a HAVING COUNT(*) > 1 WINDOW w AS (PARTITION BY a)"));
    }

    [Fact]
    public void Order_limit_offset_and_fetch()
    {
        var body = Select([Item(Id("a"))], [Table("t")]);
        Assert.Equal(
            new OrderedQuery(body, [new OrderItem(Id("a"), SortDirection.Descending, NullOrdering.Last), new OrderItem(Id("b"), SortDirection.Ascending)], Int(10), Int(5)),
            Parse("SELECT a FROM t ORDER BY a DESC NULLS LAST, b ASC LIMIT 10 OFFSET 5"));
        Assert.Equal(new OrderedQuery(body, [], Int(3), null), Parse("SELECT a FROM t FETCH FIRST 3 ROWS ONLY"));
    }

    [Fact]
    public void Intersect_binds_tighter_than_union_and_set_operations_associate_left()
    {
        QueryExpr S(string t) => Select([Item(Id("a"))], [Table(t)]);
        Assert.Equal(
            new SetOperation(SetOperator.Union, true, S("x"), new SetOperation(SetOperator.Intersect, false, S("y"), S("z"))),
            Parse("SELECT a FROM x UNION ALL SELECT a FROM y INTERSECT SELECT a FROM z"));
        Assert.Equal(
            new SetOperation(SetOperator.Except, false, new SetOperation(SetOperator.Union, false, S("x"), S("y")), S("z")),
            Parse("SELECT a FROM x UNION SELECT a FROM y EXCEPT SELECT a FROM z"));
        Assert.Equal(
            new SetOperation(SetOperator.Union, false, S("x"), new SetOperation(SetOperator.Union, false, S("y"), S("z"))),
            Parse("SELECT a FROM x UNION (SELECT a FROM y UNION SELECT a FROM z)"));
    }

    [Fact]
    public void With_and_values()
    {
        var cte = new CommonTableExpr("v", ["n"], new ValuesQuery([[Int(1)], [Int(2)]]));
        Assert.Equal(new WithQuery([cte], Select([Item(Id("n"))], [Table("v")])), Parse("WITH v (n) AS (VALUES (1), (2)) SELECT n FROM v"));
        Assert.Equal(new ValuesQuery([[Int(1), Str("a")], [Int(2), Str("b")]]), Parse("VALUES (1, 'a'), (2, 'b')"));
    }

    [Fact]
    public void Grouping_sets_rollup_and_cube()
    {
        var query = (SelectQuery)Parse("SELECT a FROM t GROUP BY GROUPING SETS ((a, b), a, ()), ROLLUP (a, b), CUBE (c)");
        Assert.Equal(
            [
                new GroupingExpr(GroupingKind.GroupingSets, [new RowExpr([Id("a"), Id("b")], false), Id("a"), new RowExpr([], false)]),
                new GroupingExpr(GroupingKind.Rollup, [Id("a"), Id("b")]),
                new GroupingExpr(GroupingKind.Cube, [Id("c")]),
            ],
            query.GroupBy!);
    }

    [Fact]
    public void Joins_of_every_kind()
    {
        var query = (SelectQuery)Parse(
            "SELECT * FROM a JOIN b ON a.id = b.id LEFT OUTER JOIN c USING (id) FULL JOIN d ON TRUE CROSS JOIN e, f");
        var ab = new JoinRef(JoinKind.Inner, Table("a"), Table("b"), Eq(Id("a", "id"), Id("b", "id")));
        var abc = new JoinRef(JoinKind.Left, ab, Table("c"), Using: ["id"]);
        var abcd = new JoinRef(JoinKind.Full, abc, Table("d"), new BooleanLiteral(true));
        Assert.Equal([new JoinRef(JoinKind.Cross, abcd, Table("e")), Table("f")], query.From);
    }

    [Fact]
    public void Lateral_table_functions_and_temporal_joins()
    {
        var query = (SelectQuery)Parse(
            "SELECT * FROM o LEFT JOIN LATERAL TABLE(split(o.s)) AS T(w, n) ON TRUE JOIN r FOR SYSTEM_TIME AS OF o.pt AS r ON o.k = r.k");
        var lateral = new TableFunctionRef(Call("split", Id("o", "s")), Lateral: true, new TableAlias("T", ["w", "n"]));
        var temporal = new NamedTableRef(["r"], Id("o", "pt"), new TableAlias("r", []));
        Assert.Equal(
            [new JoinRef(JoinKind.Inner, new JoinRef(JoinKind.Left, Table("o"), lateral, new BooleanLiteral(true)), temporal, Eq(Id("o", "k"), Id("r", "k")))],
            query.From);
    }

    [Fact]
    public void Window_table_functions_with_positional_and_named_arguments()
    {
        var query = (SelectQuery)Parse(
            "SELECT * FROM TABLE(TUMBLE(TABLE Bid, DESCRIPTOR(bidtime), INTERVAL '10' MINUTES))");
        var tumble = Call(
            "TUMBLE",
            new TableArgument(["Bid"]),
            new DescriptorExpr(["bidtime"]),
            new IntervalLiteral("10", false, new IntervalQualifier(TimeUnit.Minute)));
        Assert.Equal([new TableFunctionRef(tumble, Lateral: false, null)], query.From);

        var named = (SelectQuery)Parse(
            "SELECT * FROM TABLE(HOP(DATA => TABLE Bid, TIMECOL => DESCRIPTOR(bidtime), SLIDE => INTERVAL '5' MINUTES, SIZE => INTERVAL '10' MINUTES))");
        var call = ((TableFunctionRef)named.From[0]).Call;
        Assert.Equal(new NamedArgument("DATA", new TableArgument(["Bid"])), call.Args[0]);
        Assert.Equal(["DATA", "TIMECOL", "SLIDE", "SIZE"], call.Args.Cast<NamedArgument>().Select(a => a.Name));
    }

    [Fact]
    public void Session_windows_take_partition_keys_on_their_table_argument()
    {
        var single = (SelectQuery)Parse("SELECT * FROM TABLE(SESSION(TABLE Bid PARTITION BY item, DESCRIPTOR(ts), INTERVAL '5' MINUTES))");
        Assert.Equal(new TableArgument(["Bid"], [Id("item")]), ((TableFunctionRef)single.From[0]).Call.Args[0]);
        var several = (SelectQuery)Parse("SELECT * FROM TABLE(SESSION(TABLE Bid PARTITION BY (item, shop), DESCRIPTOR(ts), INTERVAL '5' MINUTES))");
        Assert.Equal(new TableArgument(["Bid"], [Id("item"), Id("shop")]), ((TableFunctionRef)several.From[0]).Call.Args[0]);
    }

    [Fact]
    public void Subqueries_in_from_and_unnest()
    {
        var query = (SelectQuery)Parse("SELECT * FROM (SELECT a FROM t) AS s (x), UNNEST(arr) WITH ORDINALITY AS u (v, i)");
        Assert.Equal(
            [
                new DerivedTableRef(Select([Item(Id("a"))], [Table("t")]), Lateral: false, new TableAlias("s", ["x"])),
                new UnnestRef([Id("arr")], WithOrdinality: true, new TableAlias("u", ["v", "i"])),
            ],
            query.From);
    }
}
