using PyStream.Engine.Settings;

namespace PyStream.Engine.Tests.Settings;

public sealed class DurationsTests
{
    private const string Key = "some.duration";

    [Theory]
    [InlineData("2 d", 2 * 86_400_000L)]
    [InlineData("1day", 86_400_000L)]
    [InlineData("3 days", 3 * 86_400_000L)]
    [InlineData("1 h", 3_600_000L)]
    [InlineData("2 hour", 7_200_000L)]
    [InlineData("2 hours", 7_200_000L)]
    [InlineData("1 min", 60_000L)]
    [InlineData("2 m", 120_000L)]
    [InlineData("1 minute", 60_000L)]
    [InlineData("5 minutes", 300_000L)]
    [InlineData("10 s", 10_000L)]
    [InlineData("10s", 10_000L)]
    [InlineData("1 sec", 1_000L)]
    [InlineData("2 secs", 2_000L)]
    [InlineData("1 second", 1_000L)]
    [InlineData("3 seconds", 3_000L)]
    [InlineData("500 ms", 500L)]
    [InlineData("500 milli", 500L)]
    [InlineData("500 millis", 500L)]
    [InlineData("1 millisecond", 1L)]
    [InlineData("7 milliseconds", 7L)]
    [InlineData("2500 µs", 2L)]
    [InlineData("3000 us", 3L)]
    [InlineData("4000 micro", 4L)]
    [InlineData("5000 micros", 5L)]
    [InlineData("1000 microsecond", 1L)]
    [InlineData("6000 microseconds", 6L)]
    [InlineData("2000000 ns", 2L)]
    [InlineData("1000000 nano", 1L)]
    [InlineData("3000000 nanos", 3L)]
    [InlineData("1000000 nanosecond", 1L)]
    [InlineData("9000000 nanoseconds", 9L)]
    [InlineData("1500", 1_500L)]
    [InlineData("0", 0L)]
    [InlineData("  10 S  ", 10_000L)]
    [InlineData("1 MIN", 60_000L)]
    public void EveryUnitFlinkAcceptsIsRead(string text, long millis) =>
        Assert.Equal(millis, Durations.ToMillis(Durations.Parse(text, Key)));

    [Fact]
    public void SubMillisecondUnitsKeepTheirPrecision()
    {
        Assert.Equal(TimeSpan.FromTicks(15), Durations.Parse("1500 ns", Key));
        Assert.Equal(TimeSpan.FromTicks(250 * 10), Durations.Parse("250 us", Key));
    }

    [Theory]
    [InlineData("soon")]
    [InlineData("")]
    [InlineData("-5")]
    [InlineData("1.5 s")]
    [InlineData("10 fortnights")]
    [InlineData("10 mins")]
    [InlineData("s")]
    [InlineData("99999999999999999999 d")]
    [InlineData("9999999999 d")]
    public void ARefusalNamesTheKeyAndTheValue(string text)
    {
        var error = Assert.Throws<PyStreamException>(() => Durations.Parse(text, Key));
        Assert.Contains(Key, error.Message, StringComparison.Ordinal);
        Assert.Contains($"'{text}'", error.Message, StringComparison.Ordinal);
    }
}
