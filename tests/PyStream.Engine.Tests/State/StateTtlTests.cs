using PyStream.Engine.State;

namespace PyStream.Engine.Tests.State;

public sealed class StateTtlTests
{
    private static byte[] Stamped(long stamp, params byte[] value) => [.. BitConverter.GetBytes(stamp).Reverse(), .. value];

    [Fact]
    public void BackgroundCleanupTakesFlinksDefaultsUnlessStrategiesAreGiven()
    {
        Assert.Equal(new StateTtl(1000, false, 5, 1000), StateTtl.Parse("s", 1000, "background"));
        Assert.Equal(new StateTtl(1000, true, 10, 50), StateTtl.Parse("s", 1000, "full_snapshot;incremental:10:1;compaction:50;background"));
        Assert.Equal(new StateTtl(1000, true, 0, 0), StateTtl.Parse("s", 1000, "full_snapshot"));
    }

    [Theory]
    [InlineData(1000, "incremental:0:1", "unknown TTL cleanup strategy 'incremental:0:1'")]
    [InlineData(1000, "sweep", "unknown TTL cleanup strategy 'sweep'")]
    [InlineData(0, "", "a TTL must be positive, not 0 ms")]
    public void BadSettingsAreRefusedNamingTheState(long ttl, string cleanup, string message)
    {
        var error = Assert.Throws<PyStreamException>(() => StateTtl.Parse("7/seen", ttl, cleanup));
        Assert.Equal($"state '7/seen': {message}", error.Message);
    }

    [Fact]
    public void AValueExpiresWhenItsStampPlusTheTtlIsReached()
    {
        var ttl = StateTtl.Parse("s", 100, "");
        var value = Stamped(1_000, 42);

        Assert.Same(value, ttl.Live(StateShape.Value, value, 1_099));
        Assert.Null(ttl.Live(StateShape.Value, value, 1_100));
        Assert.Null(ttl.Live(StateShape.Map, value, 5_000));
    }

    [Fact]
    public void AFullSnapshotLeavesOutWhatExpiredOnlyWhenThatCleanupIsOn()
    {
        var ttls = new StateTtls();
        ttls.Declare("7/snapshot", 100, "full_snapshot");
        ttls.Declare("7/kept", 100, "background");
        var old = Stamped(0, 1);

        Assert.Null(ttls.ForSnapshot("7/snapshot", old, now: 100));
        Assert.Same(old, ttls.ForSnapshot("7/kept", old, now: 100));
        Assert.Same(old, ttls.ForSnapshot("7/undeclared", old, now: 100));
    }
}
