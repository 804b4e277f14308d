using PyStream.Engine.Checkpointing;
using PyStream.Engine.Settings;

namespace PyStream.Engine.Tests.Checkpointing;

public sealed class RestartStrategyTests
{
    private static readonly DateTimeOffset T0 = new(2024, 5, 1, 12, 0, 0, TimeSpan.Zero);

    // As a job reads its configuration: older key names resolved first.
    private static RestartStrategy Strategy(bool checkpointing, params (string Key, string Value)[] settings) =>
        RestartStrategy.From(ConfigurationAliases.Resolve(settings.ToDictionary(s => s.Key, s => s.Value)), checkpointing);

    [Fact]
    public void WithoutConfigurationAJobWithCheckpointsBacksOffExponentiallyAndOneWithoutDoesNotRestart()
    {
        Assert.Null(Strategy(checkpointing: false).OnFailure(T0));
        var exponential = Strategy(true, ("restart-strategy.exponential-delay.jitter-factor", "0"));
        Assert.Equal(TimeSpan.FromSeconds(1), exponential.OnFailure(T0));
        Assert.Equal(TimeSpan.FromSeconds(1.5), exponential.OnFailure(T0.AddSeconds(2)));
        Assert.Equal(TimeSpan.FromSeconds(2.25), exponential.OnFailure(T0.AddSeconds(4)));
    }

    [Fact]
    public void ExponentialDelayIsCappedAndResetsAfterAQuietPeriod()
    {
        var strategy = Strategy(true,
            ("restart-strategy.type", "exponential-delay"),
            ("restart-strategy.exponential-delay.initial-backoff", "100 ms"),
            ("restart-strategy.exponential-delay.max-backoff", "300 ms"),
            ("restart-strategy.exponential-delay.backoff-multiplier", "2"),
            ("restart-strategy.exponential-delay.reset-backoff-threshold", "1 min"),
            ("restart-strategy.exponential-delay.jitter-factor", "0"));

        var delays = Enumerable.Range(0, 4).Select(i => strategy.OnFailure(T0.AddSeconds(i))!.Value.TotalMilliseconds).ToList();
        Assert.Equal([100, 200, 300, 300], delays);
        Assert.Equal(TimeSpan.FromMilliseconds(100), strategy.OnFailure(T0.AddMinutes(5)));
    }

    [Fact]
    public void FixedDelayGivesUpAfterItsAttempts()
    {
        var strategy = Strategy(false, ("restart-strategy.type", "fixed-delay"), ("restart-strategy.fixed-delay.attempts", "2"), ("restart-strategy.fixed-delay.delay", "250"));

        Assert.Equal(TimeSpan.FromMilliseconds(250), strategy.OnFailure(T0));
        Assert.Equal(TimeSpan.FromMilliseconds(250), strategy.OnFailure(T0));
        Assert.Null(strategy.OnFailure(T0));
    }

    [Fact]
    public void FailureRateCountsOnlyFailuresWithinItsInterval()
    {
        var strategy = Strategy(false,
            ("restart-strategy", "failure-rate"),
            ("restart-strategy.failure-rate.max-failures-per-interval", "2"),
            ("restart-strategy.failure-rate.failure-rate-interval", "10 s"),
            ("restart-strategy.failure-rate.delay", "0"));

        Assert.NotNull(strategy.OnFailure(T0));
        Assert.NotNull(strategy.OnFailure(T0.AddSeconds(1)));
        Assert.NotNull(strategy.OnFailure(T0.AddSeconds(12))); // the first two are out of the interval by now
        Assert.NotNull(strategy.OnFailure(T0.AddSeconds(13)));
        Assert.Null(strategy.OnFailure(T0.AddSeconds(14)));
    }

    [Fact]
    public void AnUnknownStrategyOrDurationIsAClearError()
    {
        var unknown = Assert.Throws<PyStreamException>(() => Strategy(false, ("restart-strategy.type", "sometimes")));
        Assert.Contains("restart-strategy.type: 'sometimes' is not a restart strategy", unknown.Message, StringComparison.Ordinal);
        var duration = Assert.Throws<PyStreamException>(() => Strategy(false, ("restart-strategy.type", "fixed-delay"), ("restart-strategy.fixed-delay.delay", "soon")));
        Assert.Contains("restart-strategy.fixed-delay.delay: 'soon' is not a duration", duration.Message, StringComparison.Ordinal);
    }
}
