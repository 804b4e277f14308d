using PyStream.Sql.Ast;
using PyStream.Sql.Parsing;
using static PyStream.Sql.Tests.Parsing.AstBuilders;

namespace PyStream.Sql.Tests.Parsing;

public class ExpressionParserTests
{
    private static SqlExpr Parse(string sql) => SqlParser.ParseExpression(sql);

    [Fact]
    public void Multiplication_binds_tighter_than_addition()
    {
        Assert.Equal(Plus(Id("a"), Times(Id("b"), Id("c"))), Parse("a + b * c"));
        Assert.Equal(Times(Plus(Id("a"), Id("b")), Id("c")), Parse("(a + b) * c"));
    }

    [Fact]
    public void Binary_operators_associate_to_the_left()
    {
        Assert.Equal(Bin(BinaryOperator.Minus, Bin(BinaryOperator.Minus, Id("a"), Id("b")), Id("c")), Parse("a - b - c"));
        Assert.Equal(Bin(BinaryOperator.Divide, Bin(BinaryOperator.Divide, Int(8), Int(4)), Int(2)), Parse("8 / 4 / 2"));
        Assert.Equal(Or(Or(Id("a"), Id("b")), Id("c")), Parse("a OR b OR c"));
    }

    [Fact]
    public void Concatenation_binds_like_multiplication_as_in_Calcite()
    {
        Assert.Equal(Plus(Id("a"), Bin(BinaryOperator.Concat, Id("b"), Id("c"))), Parse("a + b || c"));
    }

    [Fact]
    public void And_binds_tighter_than_or_and_not_binds_looser_than_comparison()
    {
        Assert.Equal(Or(Id("a"), And(Id("b"), Id("c"))), Parse("a OR b AND c"));
        Assert.Equal(And(Not(Eq(Id("a"), Int(1))), Id("b")), Parse("NOT a = 1 AND b"));
        Assert.Equal(Or(And(Eq(Id("x"), Int(1)), Eq(Id("y"), Int(2))), Not(Id("z"))), Parse("x = 1 and y = 2 or not z"));
    }

    [Fact]
    public void Unary_minus_binds_tighter_than_multiplication()
    {
        Assert.Equal(Times(new UnaryExpr(UnaryOperator.Negate, Id("a")), Id("b")), Parse("-a * b"));
        Assert.Equal(Bin(BinaryOperator.Minus, Int(1), new UnaryExpr(UnaryOperator.Negate, Int(2))), Parse("1 - -2"));
    }

    [Fact]
    public void Comparisons_sit_between_arithmetic_and_logic()
    {
        Assert.Equal(
            And(Bin(BinaryOperator.LessOrEqual, Plus(Id("a"), Int(1)), Id("b")), Bin(BinaryOperator.NotEquals, Id("c"), Id("d"))),
            Parse("a + 1 <= b AND c != d"));
        Assert.Equal(Bin(BinaryOperator.NotEquals, Id("c"), Id("d")), Parse("c <> d"));
    }

    [Fact]
    public void Is_predicates_apply_to_the_whole_comparison()
    {
        Assert.Equal(new IsExpr(Eq(Id("a"), Id("b")), IsTest.Null, Negated: false), Parse("a = b IS NULL"));
        Assert.Equal(new IsExpr(Id("a"), IsTest.Unknown, Negated: true), Parse("a IS NOT UNKNOWN"));
        Assert.Equal(new IsExpr(Id("a"), IsTest.True, Negated: false), Parse("a IS TRUE"));
        Assert.Equal(Bin(BinaryOperator.IsNotDistinctFrom, Id("a"), Plus(Id("b"), Int(1))), Parse("a IS NOT DISTINCT FROM b + 1"));
    }

    [Fact]
    public void Between_takes_its_and_before_the_logical_and()
    {
        Assert.Equal(
            And(new BetweenExpr(Id("x"), Int(1), Plus(Int(2), Int(3)), Negated: true, Symmetric: true), Id("y")),
            Parse("x NOT BETWEEN SYMMETRIC 1 AND 2 + 3 AND y"));
    }

    [Fact]
    public void In_like_and_similar()
    {
        Assert.Equal(new InListExpr(Id("a"), [Int(1), Int(2)], Negated: true), Parse("a NOT IN (1, 2)"));
        Assert.Equal(
            new InQueryExpr(Id("a"), Select([Item(Id("b"))], [Table("t")]), Negated: false),
            Parse("a IN (SELECT b FROM t)"));
        Assert.Equal(new LikeExpr(Id("s"), Str("a!%%"), Str("!"), Negated: false, Similar: false), Parse("s LIKE 'a!%%' ESCAPE '!'"));
        Assert.Equal(new LikeExpr(Id("s"), Str("(a|b)%"), null, Negated: true, Similar: true), Parse("s NOT SIMILAR TO '(a|b)%'"));
    }

    [Fact]
    public void Literals()
    {
        Assert.Equal(new NumericLiteral("1.5E-3", NumericKind.Approximate), Parse("1.5e-3"));
        Assert.Equal(new NumericLiteral("4.20", NumericKind.Decimal), Parse("4.20"));
        Assert.Equal(new BooleanLiteral(null), Parse("UNKNOWN"));
        Assert.Equal(new NullLiteral(), Parse("null"));
        Assert.Equal(new TypedLiteral(TypedLiteralKind.Timestamp, "2024-01-01 10:00:00"), Parse("TIMESTAMP '2024-01-01 10:00:00'"));
        Assert.Equal(new TypedLiteral(TypedLiteralKind.Date, "2024-01-01"), Parse("DATE '2024-01-01'"));
        Assert.Equal(new IntervalLiteral("10", false, new IntervalQualifier(TimeUnit.Minute)), Parse("INTERVAL '10' MINUTES"));
        Assert.Equal(
            new IntervalLiteral("1:30", true, new IntervalQualifier(TimeUnit.Hour, 2, TimeUnit.Minute)),
            Parse("INTERVAL -'1:30' HOUR(2) TO MINUTE"));
        Assert.Equal(new BinaryLiteral("0A"), Parse("x'0a'"));
    }

    [Fact]
    public void Names_stars_items_and_fields()
    {
        Assert.Equal(Id("cat", "db", "t", "col"), Parse("cat.db.t.col"));
        Assert.Equal(Id("My Col"), Parse("`My Col`"));
        Assert.Equal(new StarExpr(["t"]), Parse("t.*"));
        Assert.Equal(new ItemExpr(new ItemExpr(Id("m"), Str("k")), Int(1)), Parse("m['k'][1]"));
        Assert.Equal(new FieldExpr(Call("f", Id("x")), "g"), Parse("f(x).g"));
        Assert.Equal(new FieldExpr(new ItemExpr(Id("arr"), Int(1)), "name"), Parse("arr[1].name"));
    }

    [Fact]
    public void Case_forms()
    {
        Assert.Equal(
            new CaseExpr(Id("x"), [new WhenClause(Int(1), Str("one")), new WhenClause(Int(2), Str("two"))], Str("many")),
            Parse("CASE x WHEN 1 THEN 'one' WHEN 2 THEN 'two' ELSE 'many' END"));
        Assert.Equal(
            new CaseExpr(null, [new WhenClause(Bin(BinaryOperator.GreaterThan, Id("x"), Int(0)), Str("pos"))], null),
            Parse("case when x > 0 then 'pos' end"));
    }

    [Fact]
    public void Casts()
    {
        Assert.Equal(new CastExpr(Id("x"), Type(SqlTypeName.Decimal, 10, 2), Try: false), Parse("CAST(x AS DECIMAL(10, 2))"));
        Assert.Equal(new CastExpr(Id("s"), Type(SqlTypeName.Int) with { NotNull = true }, Try: true), Parse("TRY_CAST(s AS INTEGER NOT NULL)"));
    }

    [Fact]
    public void Aggregates_with_distinct_star_and_filter()
    {
        Assert.Equal(Call("COUNT", new StarExpr([])), Parse("COUNT(*)"));
        Assert.Equal(new FunctionCall(["COUNT"], [Id("user_id")], Distinct: true), Parse("COUNT(DISTINCT user_id)"));
        Assert.Equal(
            new FunctionCall(["SUM"], [Id("amount")], Filter: Bin(BinaryOperator.GreaterThan, Id("amount"), Int(0))),
            Parse("SUM(amount) FILTER (WHERE amount > 0)"));
        Assert.Equal(Call("PROCTIME"), Parse("PROCTIME()"));
    }

    [Fact]
    public void Over_windows()
    {
        var expected = new FunctionCall(["SUM"], [Id("amount")], Over: new WindowSpec(
            null,
            [Id("product")],
            [new OrderItem(Id("order_time"))],
            new WindowFrame(
                FrameUnit.Range,
                new FrameBound(FrameBoundKind.Preceding, new IntervalLiteral("1", false, new IntervalQualifier(TimeUnit.Hour))),
                new FrameBound(FrameBoundKind.CurrentRow))));
        Assert.Equal(
            expected,
            Parse("SUM(amount) OVER (PARTITION BY product ORDER BY order_time RANGE BETWEEN INTERVAL '1' HOUR PRECEDING AND CURRENT ROW)"));
        Assert.Equal(
            new FunctionCall(["AVG"], [Id("x")], Over: new WindowSpec("w", [], [], null, ReferenceOnly: true)),
            Parse("AVG(x) OVER w"));
        Assert.Equal(
            new WindowFrame(FrameUnit.Rows, new FrameBound(FrameBoundKind.Preceding, Int(10)), null),
            ((FunctionCall)Parse("COUNT(*) OVER (ORDER BY t ROWS 10 PRECEDING)")).Over!.Frame);
    }

    [Fact]
    public void Special_syntax_functions()
    {
        Assert.Equal(new ExtractExpr(TimeUnit.Year, Id("ts")), Parse("EXTRACT(YEAR FROM ts)"));
        Assert.Equal(new FloorCeilExpr(false, Id("ts"), TimeUnit.Hour), Parse("FLOOR(ts TO HOUR)"));
        Assert.Equal(new FloorCeilExpr(true, Id("ts"), TimeUnit.Day), Parse("CEIL(ts TO DAY)"));
        Assert.Equal(Call("FLOOR", Id("x")), Parse("FLOOR(x)"));
        Assert.Equal(new SubstringExpr(Id("s"), Int(2), Int(3)), Parse("SUBSTRING(s FROM 2 FOR 3)"));
        Assert.Equal(Call("SUBSTRING", Id("s"), Int(2)), Parse("SUBSTRING(s, 2)"));
        Assert.Equal(new PositionExpr(Str("b"), Id("s"), null), Parse("POSITION('b' IN s)"));
        Assert.Equal(new TrimExpr(TrimSide.Leading, Str("x"), Id("s")), Parse("TRIM(LEADING 'x' FROM s)"));
        Assert.Equal(new TrimExpr(TrimSide.Both, null, Id("s")), Parse("TRIM(BOTH FROM s)"));
        Assert.Equal(new TrimExpr(null, Str(" "), Id("s")), Parse("TRIM(' ' FROM s)"));
        Assert.Equal(new TrimExpr(null, null, Id("s")), Parse("TRIM(s)"));
        Assert.Equal(new OverlayExpr(Id("s"), Str("ab"), Int(2), Int(1)), Parse("OVERLAY(s PLACING 'ab' FROM 2 FOR 1)"));
        Assert.Equal(Call("TIMESTAMPADD", new TimeUnitExpr(TimeUnit.Hour), Int(1), Id("ts")), Parse("timestampadd(HOUR, 1, ts)"));
        Assert.Equal(Call("TIMESTAMPDIFF", new TimeUnitExpr(TimeUnit.Day), Id("a"), Id("b")), Parse("TIMESTAMPDIFF(DAY, a, b)"));
        Assert.Equal(new NiladicCall("CURRENT_TIMESTAMP"), Parse("current_timestamp"));
        Assert.Equal(Call("LEFT", Id("s"), Int(2)), Parse("LEFT(s, 2)"));
    }

    [Fact]
    public void Constructors_and_subqueries()
    {
        Assert.Equal(new RowExpr([Id("a"), Int(1)], Explicit: true), Parse("ROW(a, 1)"));
        Assert.Equal(new RowExpr([Id("a"), Int(1)], Explicit: false), Parse("(a, 1)"));
        Assert.Equal(new ArrayExpr([Int(1), Int(2)]), Parse("ARRAY[1, 2]"));
        Assert.Equal(new MapExpr([Str("a"), Int(1)]), Parse("MAP['a', 1]"));
        Assert.Equal(new ExistsExpr(Select([Item(Int(1))], [])), Parse("EXISTS (SELECT 1)"));
        Assert.Equal(new SubqueryExpr(Select([Item(Call("MAX", Id("x")))], [Table("t")])), Parse("(SELECT MAX(x) FROM t)"));
    }

    [Fact]
    public void Positions_point_at_the_first_token_of_each_node()
    {
        var expr = (BinaryExpr)Parse("a +\n  f(b)");
        Assert.Equal(new SourcePosition(1, 1), expr.Position);
        Assert.Equal(new SourcePosition(2, 3), expr.Right.Position);
        Assert.Equal(new SourcePosition(2, 5), ((FunctionCall)expr.Right).Args[0].Position);
    }
}
