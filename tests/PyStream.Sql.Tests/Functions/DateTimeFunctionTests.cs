using PyStream.Sql.Types;
using static PyStream.Sql.Tests.Compiling.Exprs;

namespace PyStream.Sql.Tests.Functions;

/// <summary>Date and time functions; 2024-03-15 is a Friday, the fixed clock reads 2024-03-15 10:30:45.123 UTC.</summary>
public sealed class DateTimeFunctionTests
{
    private static readonly Expressions.Literal Friday = Ts("2024-03-15 10:30:45.123");

    private static string Print(object? timestamp) => PyStream.Sql.Functions.ValueFormatting.FormatTimestamp((long)timestamp!, 3);

    [Theory]
    [InlineData("YEAR", 2024)]
    [InlineData("QUARTER", 1)]
    [InlineData("MONTH", 3)]
    [InlineData("WEEK", 11)]
    [InlineData("DAY", 15)]
    [InlineData("DOY", 75)]
    [InlineData("DOW", 6)]
    [InlineData("HOUR", 10)]
    [InlineData("MINUTE", 30)]
    [InlineData("SECOND", 45)]
    [InlineData("MILLISECOND", 45_123)]
    [InlineData("EPOCH", 1_710_498_645)]
    public void Extract_reads_one_field(string unit, long expected) => Assert.Equal(expected, Eval("EXTRACT", Unit(unit), Friday));

    [Fact]
    public void Field_functions_are_extract()
    {
        Assert.Equal(2024L, Eval("YEAR", Date("2024-03-15")));
        Assert.Equal(6L, Eval("DAYOFWEEK", Friday));
        Assert.Equal(75L, Eval("DAYOFYEAR", Friday));
        Assert.Equal(15L, Eval("DAYOFMONTH", Friday));
        Assert.Equal(10L, Eval("HOUR", Friday));
        Assert.Equal(2L, Eval("EXTRACT", Unit("DAY"), DayTime(2 * 86_400_000L + 5)));
    }

    [Fact]
    public void Floor_and_ceil_to_a_unit()
    {
        Assert.Equal("2024-03-15 10:00:00.000", Print(Eval("FLOOR", Friday, Unit("HOUR"))));
        Assert.Equal("2024-03-15 11:00:00.000", Print(Eval("CEIL", Friday, Unit("HOUR"))));
        Assert.Equal("2024-03-01 00:00:00.000", Print(Eval("FLOOR", Friday, Unit("MONTH"))));
        Assert.Equal("2024-04-01 00:00:00.000", Print(Eval("CEIL", Friday, Unit("MONTH"))));
        Assert.Equal("2024-03-10 00:00:00.000", Print(Eval("FLOOR", Friday, Unit("WEEK"))));
        Assert.Equal("2024-03-15 10:30:45.000", Print(Eval("FLOOR", Friday, Unit("SECOND"))));
        Assert.Equal("2024-03-15 10:00:00.000", Print(Eval("CEIL", Ts("2024-03-15 10:00:00"), Unit("HOUR"))));
    }

    [Fact]
    public void Timestampadd_and_timestampdiff()
    {
        Assert.Equal("2024-03-16 10:30:45.123", Print(Eval("TIMESTAMPADD", Unit("DAY"), Int(1), Friday)));
        Assert.Equal("2023-03-15 10:30:45.123", Print(Eval("TIMESTAMPADD", Unit("YEAR"), Int(-1), Friday)));
        Assert.Equal(3, Eval("TIMESTAMPDIFF", Unit("HOUR"), Ts("2024-01-01 00:00:00"), Ts("2024-01-01 03:59:00")));
        Assert.Equal(-3, Eval("TIMESTAMPDIFF", Unit("HOUR"), Ts("2024-01-01 03:59:00"), Ts("2024-01-01 00:00:00")));
        Assert.Equal(1, Eval("TIMESTAMPDIFF", Unit("MONTH"), Ts("2024-01-31 00:00:00"), Ts("2024-03-01 00:00:00")));
        Assert.Equal(0, Eval("TIMESTAMPDIFF", Unit("MONTH"), Ts("2024-01-31 00:00:00"), Ts("2024-02-29 00:00:00")));
        Assert.Equal(2, Eval("TIMESTAMPDIFF", Unit("DAY"), Date("2024-02-28"), Date("2024-03-01")));
    }

    [Fact]
    public void Formats_are_java_simple_date_format_patterns()
    {
        Assert.Equal("2024-03-15 10:30:45", Eval("DATE_FORMAT", Friday, Str("yyyy-MM-dd HH:mm:ss")));
        Assert.Equal("15/03/24 10:30:45.123 AM", Eval("DATE_FORMAT", Friday, Str("dd/MM/yy hh:mm:ss.SSS a")));
        Assert.Equal("Fri, 15 Mar 2024 o'clock '", Eval("DATE_FORMAT", Friday, Str("EEE, d MMM yyyy 'o''clock' ''")));
        Assert.Throws<SqlRuntimeException>(() => Eval("DATE_FORMAT", Friday, Str("yyyy x")));
        Assert.Equal("2024", Eval("DATE_FORMAT", Str("2024-03-15 10:30:45"), Str("yyyy")));
    }

    [Fact]
    public void Parsing_functions_give_null_for_a_mismatch()
    {
        Assert.Equal("2024-03-15 10:30:45.000", Print(Eval("TO_TIMESTAMP", Str("2024-03-15 10:30:45"))));
        Assert.Equal("2024-03-15 00:00:00.000", Print(Eval("TO_TIMESTAMP", Str("15.03.2024"), Str("dd.MM.yyyy"))));
        Assert.Equal("2024-03-15 10:30:00.000", Print(Eval("TO_TIMESTAMP", Str("20240315 1030"), Str("yyyyMMdd HHmm"))));
        Assert.Null(Eval("TO_TIMESTAMP", Str("garbage")));
        Assert.Equal(19_797, Eval("TO_DATE", Str("2024-03-15")));
        Assert.Equal(1_710_498_645L, Eval("UNIX_TIMESTAMP", Str("2024-03-15 10:30:45")));
        Assert.Equal("2024-03-15 10:30:45", Eval("FROM_UNIXTIME", Long(1_710_498_645)));
        Assert.Equal(1_710_498_645_000_000L, Eval("TO_TIMESTAMP_LTZ", Long(1_710_498_645), Int(0)));
        Assert.Equal(1_710_498_645_123_000L, Eval("TO_TIMESTAMP_LTZ", Long(1_710_498_645_123)));
    }

    [Fact]
    public void Clock_functions_read_the_context_clock_and_zone()
    {
        Assert.Equal(1_710_498_645_123_000L, Eval("CURRENT_TIMESTAMP"));
        Assert.Equal(1_710_498_645L, Eval("UNIX_TIMESTAMP"));
        Assert.Equal(19_797, Eval("CURRENT_DATE"));
        Assert.Equal((10 * 3600 + 30 * 60 + 45) * 1000, Eval("CURRENT_TIME"));
        var tokyo = new SqlContext(TimeZoneInfo.CreateCustomTimeZone("UTC+9", TimeSpan.FromHours(9), "UTC+9", "UTC+9"), Utc.Clock);
        Assert.Equal("2024-03-15 19:30:45.123", Print(Eval(Call("LOCALTIMESTAMP"), tokyo)));
        Assert.Equal(1_710_498_645_123_000L, Eval(Call("NOW"), tokyo));
    }

    [Fact]
    public void Null_in_null_out()
    {
        Assert.Null(Eval("EXTRACT", Unit("YEAR"), Null(SqlType.Timestamp(3))));
        Assert.Null(Eval("DATE_FORMAT", Null(SqlType.Timestamp(3)), Str("yyyy")));
    }
}
