using PyStream.Engine.Settings;

namespace PyStream.Network.Channels;

/// <summary>
/// Memory of the network channels, counted in buffers (one buffer: one batch of at most the
/// consumer's batch limit), under Flink's keys and with Flink's defaults.
/// </summary>
/// <param name="BuffersPerChannel">Exclusive credits of each remote input channel (Flink's <c>buffers-per-channel</c>).</param>
/// <param name="FloatingBuffersPerGate">Credits an input gate's channels share, granted to a channel whose producer has a backlog.</param>
/// <param name="MaxBuffersPerChannel">Serialized batches and events a producer's subpartition may queue before its writer blocks.</param>
/// <param name="PartitionRequestTimeout">How long a consumer's request waits for its producer to register the partition.</param>
public sealed record NetworkSettings(int BuffersPerChannel = 2, int FloatingBuffersPerGate = 8, int MaxBuffersPerChannel = 10,
    TimeSpan PartitionRequestTimeout = default)
{
    public const string BuffersPerChannelKey = "taskmanager.network.memory.buffers-per-channel";
    public const string FloatingBuffersPerGateKey = "taskmanager.network.memory.floating-buffers-per-gate";
    public const string MaxBuffersPerChannelKey = "taskmanager.network.memory.max-buffers-per-channel";
    public const string PartitionRequestTimeoutKey = "taskmanager.network.partition-request-timeout";

    /// <summary>The largest message a channel accepts: a bigger batch is refused with a clear error rather than buffered.</summary>
    public const int MaxFrameBytes = 64 << 20;

    public TimeSpan RequestTimeout => PartitionRequestTimeout == default ? TimeSpan.FromSeconds(10) : PartitionRequestTimeout;

    public static NetworkSettings From(IReadOnlyDictionary<string, string> configuration)
    {
        var defaults = new NetworkSettings();
        return new NetworkSettings(
            Int(configuration, BuffersPerChannelKey, defaults.BuffersPerChannel, minimum: 1),
            Int(configuration, FloatingBuffersPerGateKey, defaults.FloatingBuffersPerGate, minimum: 0),
            Int(configuration, MaxBuffersPerChannelKey, defaults.MaxBuffersPerChannel, minimum: 1),
            SettingValues.Get(configuration, PartitionRequestTimeoutKey) is { } timeout ? Durations.Parse(timeout, PartitionRequestTimeoutKey) : default);
    }

    private static int Int(IReadOnlyDictionary<string, string> configuration, string key, int fallback, int minimum) =>
        SettingValues.Get(configuration, key) is { } text ? SettingValues.Int(text, key, minimum) : fallback;
}
