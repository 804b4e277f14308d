using PyStream.Sql.Ast;
using PyStream.Sql.Planning;
using PyStream.Sql.Types;

namespace PyStream.Sql.Tests.Planning;

public sealed class TypedLiteralTests
{
    private const long Jan1st2024Micros = 1_704_067_200_000_000;

    [Theory]
    [InlineData("2024-01-01 10:00:00", 0, 0)]
    [InlineData("2024-01-01 10:00:00.5", 1, 500_000)]
    [InlineData("2024-01-01 10:00:00.123", 3, 123_000)]
    [InlineData("2024-01-01 10:00:00.123456", 6, 123_456)]
    public void A_timestamp_literal_keeps_its_fraction_and_has_that_precision(string text, int precision, long fractionMicros)
    {
        var literal = LiteralValues.Typed(new TypedLiteral(TypedLiteralKind.Timestamp, text));
        Assert.Equal(SqlType.Timestamp(precision).NotNull, literal.Type);
        Assert.Equal(Jan1st2024Micros + (10L * 3600 * 1_000_000) + fractionMicros, literal.Value);
    }

    [Fact]
    public void A_time_literal_keeps_its_milliseconds()
    {
        var literal = LiteralValues.Typed(new TypedLiteral(TypedLiteralKind.Time, "10:00:00.25"));
        Assert.Equal(SqlType.Time(2).NotNull, literal.Type);
        Assert.Equal((10 * 3600 * 1000) + 250, literal.Value);
    }
}
