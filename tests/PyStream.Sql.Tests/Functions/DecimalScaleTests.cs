using System.Globalization;
using PyStream.Sql.Compiling;
using PyStream.Sql.Expressions;
using PyStream.Sql.Functions;
using PyStream.Sql.Types;

namespace PyStream.Sql.Tests.Functions;

public sealed class DecimalScaleTests
{
    [Theory]
    [InlineData("10", 2, "10.00")]
    [InlineData("2.5", 2, "2.50")]
    [InlineData("-7", 3, "-7.000")]
    [InlineData("1.005", 2, "1.01")]
    [InlineData("0", 1, "0.0")]
    public void Set_scale_keeps_the_value_with_exactly_that_many_fraction_digits(string value, int scale, string expected)
    {
        var scaled = Arithmetic.SetScale(decimal.Parse(value, CultureInfo.InvariantCulture), scale);
        Assert.Equal(expected, scaled.ToString(CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Set_scale_keeps_the_value_when_its_trailing_zeros_do_not_fit()
    {
        Assert.Equal(decimal.MaxValue, Arithmetic.SetScale(decimal.MaxValue, 2));
        // 12 integer digits and 18 fractional ones are 30: the value is kept, written at scale 18.
        var value = Arithmetic.SetScale(100000000000.5m, 18);
        Assert.Equal(100000000000.5m, value);
        Assert.Equal("100000000000.500000000000000000", ValueFormatting.Format(value, 18));
    }

    [Fact]
    public void Decimal_types_go_to_38_digits_with_at_most_28_fractional_ones()
    {
        Assert.Equal("DECIMAL(38, 2)", SqlType.Decimal(38, 2).ToString());
        Assert.Throws<SqlTypeException>(() => SqlType.Decimal(39, 2));
        Assert.Contains("scale above 28", Assert.Throws<SqlTypeException>(() => SqlType.Decimal(38, 30)).Message, StringComparison.Ordinal);
        // Flink: DECIMAL(10, 10) / DECIMAL(20, 0) is DECIMAL(31, 31); the scale stops at 28 here.
        Assert.Equal("DECIMAL(28, 28)", FunctionLibrary.InferType("/", [new Literal(null, SqlType.Decimal(10, 10)), new Literal(null, SqlType.Decimal(20, 0))]).AsNullable().ToString());
    }

    [Fact]
    public void Overflow_of_the_type_is_null_and_past_csharp_decimal_a_clear_error()
    {
        // DECIMAL(10, 2) + DECIMAL(10, 2) is DECIMAL(11, 2): 9 integer digits.
        Assert.Null(Arithmetic.Add(99999999.99m, 99999999.99m * 10, 11, 2));
        Assert.Equal(199999999.98m, Arithmetic.Add(99999999.99m, 99999999.99m, 11, 2));
        // DECIMAL(38, 0) holds 10^37, System.Decimal does not: the job fails, naming the limit.
        var error = Assert.Throws<SqlRuntimeException>(() => Arithmetic.Multiply(decimal.MaxValue, 10m, 38, 0));
        Assert.Contains("28 digits", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Cast_of_an_integer_to_decimal_keeps_its_value()
    {
        var cast = new CallExpr("CAST", [new Literal(10, SqlType.Int.NotNull)], SqlType.Decimal(10, 2).NotNull);
        var value = CalcProgram.Evaluate(cast, new SqlContext(TimeZoneInfo.Utc, TimeProvider.System));
        Assert.Equal("10.00", Assert.IsType<decimal>(value).ToString(CultureInfo.InvariantCulture));
    }
}
