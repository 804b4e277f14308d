using PyStream.Sql.Rendering;
using PyStream.Sql.Types;

namespace PyStream.Sql.Tests.Rendering;

/// <summary>Expected texts follow Flink's CAST-to-STRING rules in printing mode, worked out by hand.</summary>
public sealed class ValueTextTests
{
    // 2024-01-01 is day 19723 after 1970-01-01 (54 years, 13 of them leap years: 54 * 365 + 13).
    private const int Day20240101 = 19723;
    private const long Micros20240101At10 = (Day20240101 * 86_400L + 10 * 3600L) * 1_000_000L;

    private static string Show(object? value, SqlType type) => ValueText.Display(value, type, SqlContext.Utc);

    [Fact]
    public void Null_shows_as_the_tableau_marker()
    {
        Assert.Equal("<NULL>", Show(null, SqlType.Int));
        Assert.Equal(ValueText.Null, Show(null, SqlType.String));
    }

    [Fact]
    public void Booleans_are_upper_case()
    {
        Assert.Equal("TRUE", Show(true, SqlType.Boolean));
        Assert.Equal("FALSE", Show(false, SqlType.Boolean));
    }

    [Fact]
    public void Integers_and_strings_are_their_own_text()
    {
        Assert.Equal("-128", Show((sbyte)-128, SqlType.TinyInt));
        Assert.Equal("300", Show((short)300, SqlType.SmallInt));
        Assert.Equal("-2147483648", Show(int.MinValue, SqlType.Int));
        Assert.Equal("9223372036854775807", Show(long.MaxValue, SqlType.BigInt));
        Assert.Equal("", Show("", SqlType.String));
        Assert.Equal("这是", Show("这是", SqlType.Varchar(10)));
    }

    [Theory]
    [InlineData(1.0, "1.0")]
    [InlineData(0.1, "0.1")]
    [InlineData(100.0, "100.0")]
    [InlineData(123.456, "123.456")]
    [InlineData(0.001, "0.001")]
    [InlineData(0.0001, "1.0E-4")]
    [InlineData(1e-5, "1.0E-5")]
    [InlineData(1234567.0, "1234567.0")]
    [InlineData(1e7, "1.0E7")]
    [InlineData(2.5e7, "2.5E7")]
    [InlineData(-1.25e-10, "-1.25E-10")]
    [InlineData(0.0, "0.0")]
    [InlineData(-0.0, "-0.0")]
    [InlineData(double.NaN, "NaN")]
    [InlineData(double.PositiveInfinity, "Infinity")]
    [InlineData(double.NegativeInfinity, "-Infinity")]
    public void Doubles_print_as_java_does(double value, string expected) => Assert.Equal(expected, Show(value, SqlType.Double));

    [Fact]
    public void Floats_print_their_own_shortest_digits()
    {
        Assert.Equal("0.1", Show(0.1f, SqlType.Float));
        Assert.Equal("1.0E10", Show(1e10f, SqlType.Float));
        Assert.Equal("3.4028235E38", Show(float.MaxValue, SqlType.Float));
    }

    [Fact]
    public void Decimals_show_every_digit_of_their_scale()
    {
        Assert.Equal("1.50", Show(1.5m, SqlType.Decimal(10, 2)));
        Assert.Equal("-0.50", Show(-0.5m, SqlType.Decimal(10, 2)));
        Assert.Equal("12", Show(12m, SqlType.Decimal(5, 0)));
        Assert.Equal("0.0000000000", Show(0m, SqlType.Decimal(20, 10)));
    }

    [Fact]
    public void Bytes_are_a_hex_literal()
    {
        Assert.Equal("x'0aff'", Show(new byte[] { 0x0a, 0xff }, SqlType.Bytes));
        Assert.Equal("x''", Show(Array.Empty<byte>(), SqlType.Bytes));
    }

    [Fact]
    public void Dates_are_iso()
    {
        Assert.Equal("2024-01-01", Show(Day20240101, SqlType.Date));
        Assert.Equal("1970-01-01", Show(0, SqlType.Date));
        Assert.Equal("1969-12-31", Show(-1, SqlType.Date));
    }

    [Fact]
    public void Times_end_their_fraction_at_the_last_non_zero_digit()
    {
        Assert.Equal("10:00:00", Show(36_000_000, SqlType.Time(0)));
        Assert.Equal("10:00:00.0", Show(36_000_000, SqlType.Time(3)));
        Assert.Equal("10:00:00.12", Show(36_000_120, SqlType.Time(3)));
        Assert.Equal("10:00:00.005", Show(36_000_005, SqlType.Time(3)));
        Assert.Equal("23:59:59.9", Show(86_399_900, SqlType.Time(1)));
    }

    [Fact]
    public void Timestamps_show_at_least_their_precision_in_fraction_digits()
    {
        Assert.Equal("2024-01-01 10:00:00.000", Show(Micros20240101At10, SqlType.Timestamp(3)));
        Assert.Equal("2024-01-01 10:00:00", Show(Micros20240101At10, SqlType.Timestamp(0)));
        Assert.Equal("2024-01-01 10:00:00.123000", Show(Micros20240101At10 + 123_000, SqlType.Timestamp(6)));
        Assert.Equal("2024-01-01 10:00:00.123456", Show(Micros20240101At10 + 123_456, SqlType.Timestamp(3)));
        Assert.Equal("2024-01-01 10:00:00.000100000", Show(Micros20240101At10 + 100, SqlType.Timestamp(9)));
        Assert.Equal("1969-12-31 23:59:59.999", Show(-1000L, SqlType.Timestamp(3)));
    }

    [Fact]
    public void Local_zoned_timestamps_show_on_the_session_clock()
    {
        var plusEight = TimeZoneInfo.CreateCustomTimeZone("plus-eight", TimeSpan.FromHours(8), "plus-eight", "plus-eight");
        var context = new SqlContext(plusEight, TimeProvider.System);
        Assert.Equal("2024-01-01 18:00:00.000", ValueText.Display(Micros20240101At10, SqlType.TimestampLtz(3), context));
        Assert.Equal("2024-01-01 10:00:00.000", Show(Micros20240101At10, SqlType.TimestampLtz(3)));
    }

    [Fact]
    public void Intervals_cast_as_flink_formats_them()
    {
        Assert.Equal("+1 00:00:00.000", Show(86_400_000L, SqlType.IntervalDayTime));
        Assert.Equal("-0 01:02:03.004", Show(-3_723_004L, SqlType.IntervalDayTime));
        Assert.Equal("+1-02", Show(14, SqlType.IntervalYearMonth));
        Assert.Equal("-0-03", Show(-3, SqlType.IntervalYearMonth));
    }

    [Fact]
    public void Collections_and_rows_nest_with_lower_case_nulls()
    {
        Assert.Equal("[1, 2, null]", Show(new object?[] { 1, 2, null }, SqlType.Array(SqlType.Int)));
        Assert.Equal("[]", Show(Array.Empty<object?>(), SqlType.Array(SqlType.Int)));
        Assert.Equal("{a=1, b=null}", Show(new Dictionary<object, object?> { ["a"] = 1, ["b"] = null }, SqlType.Map(SqlType.String, SqlType.Int)));
        var row = SqlType.Row([new SqlField("f", SqlType.Boolean), new SqlField("s", SqlType.String), new SqlField("b", SqlType.Bytes)]);
        Assert.Equal("(TRUE, null, x'01')", Show(new object?[] { true, null, new byte[] { 1 } }, row));
        Assert.Equal("{a=2, b=1}", Show(new object?[] { "a", "b", "a" }, SqlType.Multiset(SqlType.String)));
    }
}
