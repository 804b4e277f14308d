using PyStream.Sql.Types;
using static PyStream.Sql.Tests.Compiling.Exprs;

namespace PyStream.Sql.Tests.Compiling;

/// <summary>Three-valued logic and the branching forms, which must not compute what they do not take.</summary>
public sealed class LogicTests
{
    private static Expressions.Literal B(bool? value) => value is { } b ? Bool(b) : Null(SqlType.Boolean);

    [Theory]
    [InlineData(true, true, true)]
    [InlineData(true, false, false)]
    [InlineData(true, null, null)]
    [InlineData(false, true, false)]
    [InlineData(false, false, false)]
    [InlineData(false, null, false)]
    [InlineData(null, true, null)]
    [InlineData(null, false, false)]
    [InlineData(null, null, null)]
    public void And_is_false_when_either_is_false_else_null_when_either_is_null(bool? a, bool? b, bool? expected) =>
        Assert.Equal(expected, Eval("AND", B(a), B(b)));

    [Theory]
    [InlineData(true, true, true)]
    [InlineData(true, false, true)]
    [InlineData(true, null, true)]
    [InlineData(false, true, true)]
    [InlineData(false, false, false)]
    [InlineData(false, null, null)]
    [InlineData(null, true, true)]
    [InlineData(null, false, null)]
    [InlineData(null, null, null)]
    public void Or_is_true_when_either_is_true_else_null_when_either_is_null(bool? a, bool? b, bool? expected) =>
        Assert.Equal(expected, Eval("OR", B(a), B(b)));

    [Fact]
    public void An_untyped_null_is_a_boolean_null_in_logic()
    {
        Assert.Equal(false, Eval("AND", Bool(false), NullOf));
        Assert.Null(Eval("OR", NullOf, Bool(false)));
        Assert.Null(Eval("NOT", NullOf));
        Assert.Equal(false, Eval("IS TRUE", NullOf));
        Assert.Equal(2, Eval("CASE", NullOf, Int(1), Int(2)));
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(null, null)]
    public void Not_keeps_null(bool? a, bool? expected) => Assert.Equal(expected, Eval("NOT", B(a)));

    [Theory]
    [InlineData("IS TRUE", true, true)]
    [InlineData("IS TRUE", null, false)]
    [InlineData("IS NOT TRUE", null, true)]
    [InlineData("IS NOT TRUE", false, true)]
    [InlineData("IS FALSE", false, true)]
    [InlineData("IS FALSE", null, false)]
    [InlineData("IS NOT FALSE", null, true)]
    [InlineData("IS NOT FALSE", false, false)]
    [InlineData("IS NULL", null, true)]
    [InlineData("IS NOT NULL", null, false)]
    [InlineData("IS NULL", false, false)]
    public void Is_tests_never_give_null(string test, bool? a, bool expected) => Assert.Equal(expected, Eval(test, B(a)));

    [Fact]
    public void Comparisons_with_null_are_null_and_distinct_from_treats_null_as_a_value()
    {
        Assert.Null(Eval("=", Int(1), Null(SqlType.Int)));
        Assert.Equal(true, Eval("=", Int(1), Dec("1.00", 3, 2)));
        Assert.Equal(true, Eval("<", Int(2), Dbl(2.5)));
        Assert.Equal(true, Eval("<", Str("B"), Str("a")));
        Assert.Equal(false, Eval("IS DISTINCT FROM", Null(SqlType.Int), Null(SqlType.Int)));
        Assert.Equal(true, Eval("IS DISTINCT FROM", Int(1), Null(SqlType.Int)));
        Assert.Equal(false, Eval("IS NOT DISTINCT FROM", Int(1), Null(SqlType.Int)));
        Assert.Equal(true, Eval("IS NOT DISTINCT FROM", Int(3), Long(3)));
    }

    [Fact]
    public void In_is_null_when_nothing_matches_and_the_list_has_a_null()
    {
        Assert.Equal(true, Eval("IN", Int(2), Int(1), Int(2), Int(3)));
        Assert.Equal(false, Eval("IN", Int(5), Int(1), Int(2), Int(3)));
        Assert.Null(Eval("IN", Int(5), Int(1), Int(2), Null(SqlType.Int)));
        Assert.Equal(true, Eval("IN", Int(1), Int(1), Int(2), Null(SqlType.Int)));
        Assert.Null(Eval("IN", Null(SqlType.Int), Int(1), Int(2), Int(3)));
        Assert.Equal(true, Eval("IN", Str("b"), Str("a"), Str("b")));
        Assert.Equal(true, Eval("IN", Long(2), Int(1), Int(2), Int(3)));
    }

    [Fact]
    public void Case_takes_the_first_true_condition_and_a_null_condition_is_not_true()
    {
        var expr = Call("CASE", B(null), Int(1), B(false), Int(2), B(true), Int(3), Int(4));
        Assert.Equal(3, Eval(expr));
        Assert.Null(Eval(Call("CASE", B(false), Int(1), Null(SqlType.Int))));
        // The result type is DECIMAL(12, 2): the INT branch comes out with two decimals.
        Assert.Equal("7.00", ((decimal)Eval(Call("CASE", B(true), Int(7), Dec("1.50", 3, 2)))!).ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Branches_not_taken_are_not_computed()
    {
        var divideByZero = Call("/", Int(1), Int(0));
        Assert.Equal(2, Eval(Call("CASE", B(false), divideByZero, Int(2))));
        Assert.Equal(1, Eval(Call("COALESCE", Int(1), divideByZero)));
        Assert.Equal(false, Eval(Call("AND", B(false), Call("=", divideByZero, Int(1)))));
        Assert.Equal(true, Eval(Call("OR", B(true), Call("=", divideByZero, Int(1)))));
        Assert.Throws<SqlRuntimeException>(() => Eval(Call("CASE", B(true), divideByZero, Int(2))));
    }

    [Fact]
    public void Null_functions()
    {
        Assert.Equal(2, Eval("COALESCE", Null(SqlType.Int), Int(2), Int(3)));
        Assert.Null(Eval("COALESCE", Null(SqlType.Int), Null(SqlType.Int)));
        Assert.Equal(5, Eval("IFNULL", Null(SqlType.Int), Int(5)));
        Assert.Null(Eval("NULLIF", Int(5), Int(5)));
        Assert.Equal(5, Eval("NULLIF", Int(5), Int(6)));
        Assert.Equal(5, Eval("NULLIF", Int(5), Null(SqlType.Int)));
        Assert.Equal("b", Eval("IF", B(null), Str("a"), Str("b")));
    }
}
