using System.Globalization;
using PyStream.Sql.Types;
using static PyStream.Sql.Tests.Compiling.Exprs;

namespace PyStream.Sql.Tests.Functions;

/// <summary>CAST and TRY_CAST with Flink 1.15+'s results.</summary>
public sealed class CastTests
{
    private static object? ToString(Expressions.BoundExpr x) => Eval(Cast(x, SqlType.String));

    [Theory]
    [InlineData(1.0E-5, "1.0E-5")]
    [InlineData(2.5, "2.5")]
    [InlineData(1.0E7, "1.0E7")]
    [InlineData(1234567.0, "1234567.0")]
    [InlineData(0.001, "0.001")]
    [InlineData(-0.0001234, "-1.234E-4")]
    [InlineData(100.0, "100.0")]
    [InlineData(1.0 / 3, "0.3333333333333333")]
    [InlineData(1.5E300, "1.5E300")]
    public void Doubles_print_like_java(double value, string expected) => Assert.Equal(expected, ToString(Dbl(value)));

    [Fact]
    public void Values_print_as_flink_prints_them()
    {
        Assert.Equal("1.50", ToString(Dec("1.50", 3, 2)));
        Assert.Equal("TRUE", ToString(Bool(true)));
        Assert.Equal("-42", ToString(Int(-42)));
        Assert.Equal("2024-01-01 10:00:00.000", ToString(Ts("2024-01-01 10:00:00", 3)));
        Assert.Equal("2024-01-01 10:00:00.123400", ToString(Ts("2024-01-01 10:00:00.1234", 6)));
        Assert.Equal("2024-02-29", ToString(Date("2024-02-29")));
        Assert.Equal("+1 02:03:04.000", ToString(DayTime(((24 + 2) * 60 + 3) * 60_000L + 4_000)));
        Assert.Equal("+1-02", ToString(Months(14)));
        Assert.Equal("[1, 2]", ToString(Call("ARRAY", Int(1), Int(2))));
        Assert.Equal("{a=1}", ToString(Call("MAP", Str("a"), Int(1))));
        Assert.Equal("(1, x)", ToString(Call("ROW", Int(1), Str("x"))));
    }

    [Fact]
    public void Strings_parse_or_fail_naming_the_value()
    {
        Assert.Equal(42, Eval(Cast(Str(" 42 "), SqlType.Int)));
        Assert.Equal(1, Eval(Cast(Str("1.9"), SqlType.Int)));
        Assert.Equal(2.5, Eval(Cast(Str("2.5"), SqlType.Double)));
        Assert.Equal(true, Eval(Cast(Str("yes"), SqlType.Boolean)));
        Assert.Equal(false, Eval(Cast(Str("FALSE"), SqlType.Boolean)));
        var error = Assert.Throws<SqlRuntimeException>(() => Eval(Cast(Str("abc"), SqlType.Int)));
        Assert.Contains("'abc'", error.Message, StringComparison.Ordinal);
        Assert.Contains("INT", error.Message, StringComparison.Ordinal);
        Assert.Throws<SqlRuntimeException>(() => Eval(Cast(Str("3000000000"), SqlType.Int)));
    }

    [Fact]
    public void Try_cast_gives_null_instead_of_failing()
    {
        Assert.Null(Eval(TryCast(Str("abc"), SqlType.Int)));
        Assert.Equal(7, Eval(TryCast(Str("7"), SqlType.Int)));
        Assert.Null(Eval(TryCast(Str("2024-13-01"), SqlType.Date)));
    }

    [Fact]
    public void Strings_become_date_times()
    {
        Assert.Equal(19_782, Eval(Cast(Str("2024-02-29"), SqlType.Date))); // 54 years of days since 1970 to 2024-02-29
        Assert.Equal((10 * 3600 + 30 * 60 + 5) * 1000 + 250, Eval(Cast(Str("10:30:05.25"), SqlType.Time(3))));
        Assert.Equal(19_782L * 86_400_000_000 + 3_600_000_000, Eval(Cast(Str("2024-02-29 01:00:00"), SqlType.Timestamp(3))));
        Assert.Equal(19_782L * 86_400_000_000 + 123_000, Eval(Cast(Str("2024-02-29T00:00:00.123456"), SqlType.Timestamp(3))));
    }

    [Fact]
    public void Numbers_convert_like_java_casts()
    {
        Assert.Equal("3.14", Convert.ToString(Eval(Cast(Dbl(3.14159), SqlType.Decimal(5, 2))), CultureInfo.InvariantCulture));
        Assert.Equal("2.35", Convert.ToString(Eval(Cast(Dec("2.345", 4, 3), SqlType.Decimal(3, 2))), CultureInfo.InvariantCulture));
        // 123.45 does not fit DECIMAL(4, 2): Flink gives NULL
        Assert.Null(Eval(Cast(Dec("123.45", 5, 2), SqlType.Decimal(4, 2))));
        Assert.Equal(3, Eval(Cast(Dec("3.99", 3, 2), SqlType.Int)));
        Assert.Equal(-3, Eval(Cast(Dbl(-3.99), SqlType.Int)));
        Assert.Equal(int.MaxValue, Eval(Cast(Dbl(1e20), SqlType.Int)));
        Assert.Equal((short)-25_536, Eval(Cast(Int(40_000), SqlType.SmallInt)));
        Assert.Equal(true, Eval(Cast(Int(2), SqlType.Boolean)));
        Assert.Equal(1, Eval(Cast(Bool(true), SqlType.Int)));
    }

    [Fact]
    public void Char_and_varchar_lengths_pad_and_cut()
    {
        Assert.Equal("ab ", Eval(Cast(Str("ab"), SqlType.Char(3))));
        Assert.Equal("abc", Eval(Cast(Str("abcdef"), SqlType.Varchar(3))));
        Assert.Equal("12", Eval(Cast(Int(12345), SqlType.Varchar(2))));
    }

    [Fact]
    public void Timestamp_and_local_timestamp_convert_through_the_session_zone()
    {
        var zone = TimeZoneInfo.CreateCustomTimeZone("UTC+2", TimeSpan.FromHours(2), "UTC+2", "UTC+2");
        var context = new SqlContext(zone, TimeProvider.System);
        var wall = Ts("2024-01-01 10:00:00");
        var instant = Eval(Cast(wall, SqlType.TimestampLtz(3)), context);
        Assert.Equal((long)wall.Value! - 2 * 3_600_000_000L, instant);
        var back = new Expressions.Literal(instant, SqlType.TimestampLtz(3).NotNull);
        Assert.Equal("2024-01-01 10:00:00.000", Eval(Cast(back, SqlType.String), context));
        Assert.Equal("2024-01-01 08:00:00.000", Eval(Cast(back, SqlType.String), Utc));
        Assert.Equal((long)wall.Value!, Eval(Cast(back, SqlType.Timestamp(3)), context));
    }

    [Fact]
    public void Nested_values_cast_only_when_their_elements_need_no_conversion()
    {
        var array = Call("ARRAY", Int(1), Int(2));
        Assert.Equal(new object?[] { 1, 2 }, Eval(Cast(array, SqlType.Array(SqlType.Int))));
        Assert.Throws<SqlValidationException>(() => Eval(Cast(array, SqlType.Array(SqlType.String))));
    }

    [Fact]
    public void Cast_of_null_is_null()
    {
        Assert.Null(Eval(Cast(Null(SqlType.String), SqlType.Int)));
        Assert.Null(Eval(Cast(NullOf, SqlType.Int)));
    }
}
