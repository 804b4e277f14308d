namespace PyStream.Gateway.Cluster;

/// <summary>
/// Flink's <c>heartbeat.interval</c> (how often a worker beats) and <c>heartbeat.timeout</c> (the
/// silence after which the coordinator declares it lost), with Flink's defaults: 10 s and 50 s.
/// </summary>
public sealed record HeartbeatSettings(TimeSpan Interval, TimeSpan Timeout)
{
    public static readonly HeartbeatSettings Default = new(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(50));
}
