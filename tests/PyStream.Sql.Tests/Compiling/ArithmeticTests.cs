using System.Globalization;
using PyStream.Sql.Types;
using static PyStream.Sql.Tests.Compiling.Exprs;

namespace PyStream.Sql.Tests.Compiling;

/// <summary>Arithmetic as Flink's generated Java: wrapping integers, integer division, DECIMAL scales, IEEE doubles.</summary>
public sealed class ArithmeticTests
{
    private static string Text(object? value) => Convert.ToString(value, CultureInfo.InvariantCulture)!;

    [Fact]
    public void Integers_wrap_and_divide_like_java()
    {
        Assert.Equal(int.MinValue, Eval("+", Int(int.MaxValue), Int(1)));
        Assert.Equal(3, Eval("/", Int(7), Int(2)));
        Assert.Equal(-3, Eval("/", Int(-7), Int(2)));
        Assert.Equal(int.MinValue, Eval("/", Int(int.MinValue), Int(-1)));
        Assert.Equal(-1, Eval("MOD", Int(-7), Int(3)));
        Assert.Equal(0, Eval("MOD", Int(int.MinValue), Int(-1)));
        Assert.Equal(3_000_000_000L, Eval("*", Long(3), Int(1_000_000_000)));
        Assert.Equal((sbyte)-128, Eval("+", new Expressions.Literal((sbyte)127, SqlType.TinyInt.NotNull), new Expressions.Literal((sbyte)1, SqlType.TinyInt.NotNull)));
        Assert.Equal(-5, Eval("NEGATE", Int(5)));
    }

    [Fact]
    public void Integer_division_by_zero_fails_the_job()
    {
        var error = Assert.Throws<SqlRuntimeException>(() => Eval("/", Int(1), Int(0)));
        Assert.Equal("/ by zero", error.Message);
        Assert.Throws<SqlRuntimeException>(() => Eval("MOD", Long(1), Long(0)));
    }

    [Fact]
    public void Doubles_follow_ieee()
    {
        Assert.Equal(double.PositiveInfinity, Eval("/", Dbl(1), Int(0)));
        Assert.Equal(3.5, Eval("/", Int(7), Dbl(2)));
        Assert.Equal(0.1 + 0.2, Eval("+", Dbl(0.1), Dbl(0.2)));
    }

    [Fact]
    public void Decimals_keep_their_result_scale()
    {
        // DECIMAL(3, 2) + DECIMAL(3, 2) = DECIMAL(4, 2)
        Assert.Equal("3.75", Text(Eval("+", Dec("1.50", 3, 2), Dec("2.25", 3, 2))));
        // DECIMAL(3, 2) * INT = DECIMAL(13, 2)
        Assert.Equal("4.50", Text(Eval("*", Dec("1.50", 3, 2), Int(3))));
        // DECIMAL(2, 1) / DECIMAL(2, 1): scale max(6, 1 + 2 + 1) = 6; 1/3 rounded half-up
        Assert.Equal("0.333333", Text(Eval("/", Dec("1.0", 2, 1), Dec("3.0", 2, 1))));
        Assert.Equal("0.666667", Text(Eval("/", Dec("2.0", 2, 1), Dec("3.0", 2, 1))));
        Assert.Equal("1.5", Text(Eval("MOD", Dec("7.5", 2, 1), Int(2))));
        Assert.Equal(4.0, Eval("+", Dec("1.5", 2, 1), Dbl(2.5)));
    }

    [Fact]
    public void Null_operands_give_null()
    {
        Assert.Null(Eval("+", Int(1), Null(SqlType.Int)));
        Assert.Null(Eval("*", Null(SqlType.Decimal(5, 2)), Dec("1.0", 2, 1)));
    }

    [Fact]
    public void Date_times_move_by_intervals()
    {
        // 2024-01-31 10:00 + 1 month = 2024-02-29 10:00 (leap year, the day is clamped)
        Assert.Equal(ValueParsingMicros("2024-02-29 10:00:00"), Eval("+", Ts("2024-01-31 10:00:00"), Months(1)));
        Assert.Equal(ValueParsingMicros("2024-01-01 09:59:58.500"), Eval("-", Ts("2024-01-01 10:00:00"), DayTime(1_500)));
        // DATE + 2 days
        Assert.Equal((int)(new DateTime(2024, 3, 2) - DateTime.UnixEpoch).TotalDays, Eval("+", Date("2024-02-29"), DayTime(2 * 86_400_000L)));
        Assert.Equal(3 * 86_400_000L, Eval("+", DayTime(86_400_000L), DayTime(2 * 86_400_000L)));
        Assert.Equal(6_000L, Eval("*", DayTime(2_000), Int(3)));
    }

    private static long ValueParsingMicros(string text) => (long)(DateTime.Parse(text, CultureInfo.InvariantCulture) - DateTime.UnixEpoch).Ticks / 10;
}
