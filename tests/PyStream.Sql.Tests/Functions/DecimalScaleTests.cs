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
        Assert.Equal(expected, scaled?.ToString(CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Set_scale_is_null_when_the_digits_do_not_fit()
    {
        Assert.Null(Arithmetic.SetScale(decimal.MaxValue, 2));
    }

    [Fact]
    public void Cast_of_an_integer_to_decimal_keeps_its_value()
    {
        var cast = new CallExpr("CAST", [new Literal(10, SqlType.Int.NotNull)], SqlType.Decimal(10, 2).NotNull);
        var value = CalcProgram.Evaluate(cast, new SqlContext(TimeZoneInfo.Utc, TimeProvider.System));
        Assert.Equal("10.00", Assert.IsType<decimal>(value).ToString(CultureInfo.InvariantCulture));
    }
}
