using PyStream.Engine.Records;
using PyStream.Sql.Rendering;
using PyStream.Sql.Types;

namespace PyStream.Sql.Tests.Rendering;

/// <summary>Expected texts are Java's toString of Flink's default external classes, worked out by hand.</summary>
public sealed class JavaTextTests
{
    private const long Micros20240101At10 = (19723 * 86_400L + 10 * 3600L) * 1_000_000L;

    private static string One(object? value, SqlType type) => JavaText.RowToString(RowKind.Insert, [value], [type]);

    [Fact]
    public void A_row_is_its_kind_and_its_fields_in_brackets()
    {
        Assert.Equal("+I[acc-1, 210, 3]", JavaText.RowToString(RowKind.Insert, ["acc-1", 210L, 3], [SqlType.String, SqlType.BigInt, SqlType.Int]));
        Assert.Equal("-U[null, true]", JavaText.RowToString(RowKind.UpdateBefore, [null, true], [SqlType.String, SqlType.Boolean]));
        Assert.Equal("+U[]", JavaText.RowToString(RowKind.UpdateAfter, [], []));
        Assert.Equal("-D[1.0E-5]", JavaText.RowToString(RowKind.Delete, [1e-5], [SqlType.Double]));
    }

    [Fact]
    public void Timestamps_are_local_date_times_and_instants()
    {
        Assert.Equal("+I[2024-01-01T10:00]", One(Micros20240101At10, SqlType.Timestamp(3)));
        Assert.Equal("+I[2024-01-01T10:00:01]", One(Micros20240101At10 + 1_000_000, SqlType.Timestamp(3)));
        Assert.Equal("+I[2024-01-01T10:00:00.123]", One(Micros20240101At10 + 123_000, SqlType.Timestamp(3)));
        Assert.Equal("+I[2024-01-01T10:00:00.000100]", One(Micros20240101At10 + 100, SqlType.Timestamp(6)));
        Assert.Equal("+I[2024-01-01T10:00:00Z]", One(Micros20240101At10, SqlType.TimestampLtz(3)));
        Assert.Equal("+I[2024-01-01T10:00:00.500Z]", One(Micros20240101At10 + 500_000, SqlType.TimestampLtz(3)));
    }

    [Fact]
    public void Dates_and_times_are_java_time_values()
    {
        Assert.Equal("+I[2024-01-01]", One(19723, SqlType.Date));
        Assert.Equal("+I[10:00]", One(36_000_000, SqlType.Time(0)));
        Assert.Equal("+I[10:00:00.120]", One(36_000_120, SqlType.Time(3)));
    }

    [Fact]
    public void Decimals_are_big_decimals()
    {
        Assert.Equal("+I[1.50]", One(1.5m, SqlType.Decimal(10, 2)));
        Assert.Equal("+I[0E-10]", One(0m, SqlType.Decimal(20, 10)));
        Assert.Equal("+I[1.2E-7]", One(0.00000012m, SqlType.Decimal(10, 8)));
        Assert.Equal("+I[-0.000001]", One(-0.000001m, SqlType.Decimal(10, 6)));
        Assert.Equal("+I[42]", One(42m, SqlType.Decimal(5, 0)));
    }

    [Fact]
    public void Intervals_are_periods_and_durations()
    {
        Assert.Equal("+I[P1Y2M]", One(14, SqlType.IntervalYearMonth));
        Assert.Equal("+I[P1Y]", One(12, SqlType.IntervalYearMonth));
        Assert.Equal("+I[P-1Y-2M]", One(-14, SqlType.IntervalYearMonth));
        Assert.Equal("+I[P0D]", One(0, SqlType.IntervalYearMonth));
        Assert.Equal("+I[PT1H]", One(3_600_000L, SqlType.IntervalDayTime));
        Assert.Equal("+I[PT0S]", One(0L, SqlType.IntervalDayTime));
        Assert.Equal("+I[PT1.5S]", One(1500L, SqlType.IntervalDayTime));
        Assert.Equal("+I[PT-0.5S]", One(-500L, SqlType.IntervalDayTime));
        Assert.Equal("+I[PT25H1M1.001S]", One(90_061_001L, SqlType.IntervalDayTime));
    }

    [Fact]
    public void Bytes_collections_and_nested_rows_use_java_collection_texts()
    {
        Assert.Equal("+I[[10, -1]]", One(new byte[] { 10, 0xff }, SqlType.Bytes));
        Assert.Equal("+I[[1, null]]", One(new object?[] { 1, null }, SqlType.Array(SqlType.Int)));
        Assert.Equal("+I[{a=1}]", One(new Dictionary<object, object?> { ["a"] = 1 }, SqlType.Map(SqlType.String, SqlType.Int)));
        var row = SqlType.Row([new SqlField("i", SqlType.Int), new SqlField("s", SqlType.String)]);
        Assert.Equal("+I[+I[1, abc]]", One(new object?[] { 1, "abc" }, row));
        Assert.Equal("+I[0.1]", One(0.1f, SqlType.Float));
    }

    [Fact]
    public void A_row_needs_a_type_for_every_value() =>
        Assert.Throws<ArgumentException>(() => JavaText.RowToString(RowKind.Insert, [1, 2], [SqlType.Int]));
}
