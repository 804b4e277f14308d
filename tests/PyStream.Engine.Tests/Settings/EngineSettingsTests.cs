using PyStream.Engine.Checkpointing;
using PyStream.Engine.Runtime;
using PyStream.Engine.Settings;

namespace PyStream.Engine.Tests.Settings;

public sealed class EngineSettingsTests
{
    private static Dictionary<string, string> Config(params (string Key, string Value)[] settings) =>
        settings.ToDictionary(s => s.Key, s => s.Value);

    [Fact]
    public void CheckpointOptionsReadFlinksTextAndAliases()
    {
        var options = CheckpointingOptions.From(ConfigurationAliases.Resolve(Config(
            ("execution.checkpointing.interval", "10 s"),
            ("execution.checkpointing.mode", "at-least-once"),
            ("execution.checkpointing.timeout", "2 min"),
            ("execution.checkpointing.min-pause", "500000 us"),
            ("execution.checkpointing.externalized-checkpoint-retention", "retain_on_cancellation"),
            ("execution.checkpointing.num-retained", "3"),
            ("state.checkpoints.num-retained", "1"),
            ("execution.checkpointing.incremental", "TRUE"))));
        Assert.Equal(TimeSpan.FromSeconds(10), options.Interval);
        Assert.Equal(CheckpointingMode.AtLeastOnce, options.Mode);
        Assert.Equal(TimeSpan.FromMinutes(2), options.Timeout);
        Assert.Equal(TimeSpan.FromMilliseconds(500), options.MinPause);
        Assert.Equal(CheckpointRetention.RetainOnCancellation, options.Retention);
        Assert.Equal(3, options.Retained); // the newer name wins over the engine's key
        Assert.True(options.Incremental);
    }

    [Theory]
    [InlineData("execution.checkpointing.interval", "5 ms")]
    [InlineData("execution.checkpointing.interval", "soon")]
    [InlineData("execution.checkpointing.timeout", "9")]
    [InlineData("execution.checkpointing.mode", "twice")]
    [InlineData("execution.checkpointing.max-concurrent-checkpoints", "0")]
    [InlineData("execution.checkpointing.tolerable-failed-checkpoints", "-1")]
    [InlineData("execution.checkpointing.externalized-checkpoint-retention", "sometimes")]
    [InlineData("execution.checkpointing.unaligned", "yes")]
    [InlineData("execution.checkpointing.unaligned", "true")]
    [InlineData("execution.checkpointing.unaligned.forced", "true")]
    [InlineData("state.backend.incremental", "1")]
    [InlineData("execution.buffer-timeout.interval", "-1")]
    [InlineData("execution.buffer-timeout.enabled", "no")]
    public void ACheckpointOrBufferRefusalNamesTheKeyAndTheValue(string key, string value)
    {
        var error = Assert.Throws<PyStreamException>(() => EngineSettings.Read(Config((key, value))));
        Assert.Contains(key, error.Message, StringComparison.Ordinal);
        Assert.Contains(value, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("restart-strategy.type", "sometimes", "restart-strategy.type", "sometimes")]
    [InlineData("restart-strategy", "sometimes", "restart-strategy.type", "sometimes")]
    [InlineData("restart-strategy.fixed-delay.attempts", "-1", "restart-strategy.type", "fixed-delay")]
    [InlineData("restart-strategy.fixed-delay.delay", "1.5 s", "restart-strategy.type", "fixeddelay")]
    [InlineData("restart-strategy.failure-rate.max-failures-per-interval", "0", "restart-strategy.type", "failure-rate")]
    [InlineData("restart-strategy.failure-rate.failure-rate-interval", "0 s", "restart-strategy.type", "failure-rate")]
    [InlineData("restart-strategy.exponential-delay.initial-backoff", "0", "restart-strategy.type", "exponential-delay")]
    [InlineData("restart-strategy.exponential-delay.initial-backoff", "2 min", "restart-strategy.type", "exponential-delay")]
    [InlineData("restart-strategy.exponential-delay.backoff-multiplier", "1", "restart-strategy.type", "exponential-delay")]
    [InlineData("restart-strategy.exponential-delay.backoff-multiplier", "twice", "restart-strategy.type", "exponential-delay")]
    [InlineData("restart-strategy.exponential-delay.jitter-factor", "1.5", "restart-strategy.type", "exponential-delay")]
    public void ARestartStrategyRefusalNamesTheKeyAndTheValue(string key, string value, string typeKey, string type)
    {
        var configuration = Config((key, value));
        configuration.TryAdd(typeKey, type);
        var error = Assert.Throws<PyStreamException>(() => RestartStrategy.From(ConfigurationAliases.Resolve(configuration), checkpointing: false));
        Assert.Contains(key == "restart-strategy" ? typeKey : key, error.Message, StringComparison.Ordinal);
        Assert.Contains($"'{value}'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheApisReadingHasMillisFlinksSpellingAndARestartStrategysDefaults()
    {
        var read = EngineSettings.Read(Config(
            ("execution.checkpointing.interval", "1 min"),
            ("execution.checkpointing.mode", "at_least_once"),
            ("execution.checkpointing.externalized-checkpoint-retention", "delete-on-cancellation"),
            ("state.savepoints.dir", "file:/tmp/sp"),
            ("state.backend", "RocksDB"),
            ("restart-strategy", "failurerate"),
            ("restart-strategy.failure-rate.delay", "3 s"),
            ("execution.buffer-timeout", "2 s"),
            ("pipeline.name", "kept as given")));
        Assert.Equal("60000", read["execution.checkpointing.interval"]);
        Assert.Equal("AT_LEAST_ONCE", read["execution.checkpointing.mode"]);
        Assert.Equal("DELETE_ON_CANCELLATION", read["execution.checkpointing.externalized-checkpoint-retention"]);
        Assert.Equal("file:/tmp/sp", read["execution.checkpointing.savepoint-dir"]);
        Assert.Equal("rocksdb", read["state.backend.type"]);
        Assert.Equal("failure-rate", read["restart-strategy.type"]);
        Assert.Equal("1", read["restart-strategy.failure-rate.max-failures-per-interval"]);
        Assert.Equal("60000", read["restart-strategy.failure-rate.failure-rate-interval"]);
        Assert.Equal("3000", read["restart-strategy.failure-rate.delay"]);
        Assert.False(read.ContainsKey("restart-strategy"));
        Assert.Equal("2000", read["execution.buffer-timeout.interval"]);
        Assert.Equal("kept as given", read["pipeline.name"]);
    }

    [Fact]
    public void PythonCallsTakeAtMostPyFlinksBundleSize()
    {
        Assert.Equal(100_000, PythonCalls.MaxRecords(Config()));
        Assert.Equal(500, PythonCalls.MaxRecords(Config(("python.fn-execution.bundle.size", "500"))));
        var error = Assert.Throws<PyStreamException>(() => PythonCalls.MaxRecords(Config(("python.fn-execution.bundle.size", "0"))));
        Assert.Equal("python.fn-execution.bundle.size: '0' is not an integer >= 1", error.Message);
    }

    [Fact]
    public void BufferTimeoutDefaultsToFlinks100MsAndCanBeOffOrZero()
    {
        Assert.Equal(TimeSpan.FromMilliseconds(100), BufferTimeout.From(Config()));
        Assert.Equal(TimeSpan.Zero, BufferTimeout.From(Config(("execution.buffer-timeout.interval", "0"))));
        Assert.Null(BufferTimeout.From(Config(("execution.buffer-timeout.enabled", "false"), ("execution.buffer-timeout.interval", "5 ms"))));
        Assert.Equal(TimeSpan.FromSeconds(1), BufferTimeout.From(ConfigurationAliases.Resolve(Config(("execution.buffer-timeout", "1 s")))));

        // Switched off, the interval the user gave is still what the getters read.
        var off = EngineSettings.Read(Config(("execution.buffer-timeout.enabled", "false"), ("execution.buffer-timeout.interval", "5 ms")));
        Assert.Equal(("false", "5"), (off["execution.buffer-timeout.enabled"], off["execution.buffer-timeout.interval"]));
    }
}
