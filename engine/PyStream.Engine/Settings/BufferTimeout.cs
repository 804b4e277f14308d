namespace PyStream.Engine.Settings;

/// <summary>
/// Flink's <c>execution.buffer-timeout</c>: how long records may wait in a partly filled output
/// batch before it is sent on. Zero sends every batch the producer emitted at once; disabled
/// (<c>execution.buffer-timeout.enabled: false</c>, PyFlink's <c>set_buffer_timeout(-1)</c>) sends a batch only when full.
/// </summary>
public static class BufferTimeout
{
    public const string IntervalKey = "execution.buffer-timeout.interval";
    public const string EnabledKey = "execution.buffer-timeout.enabled";

    public static readonly TimeSpan Default = TimeSpan.FromMilliseconds(100);

    /// <summary>The configured timeout; null when batches leave only when full.</summary>
    public static TimeSpan? From(IReadOnlyDictionary<string, string> configuration)
    {
        var interval = Interval(configuration);
        var enabled = SettingValues.Get(configuration, EnabledKey) is not { } flag || SettingValues.Bool(flag, EnabledKey);
        return enabled ? interval : null;
    }

    /// <summary>The configured interval (the default when none is), whether or not the timeout is enabled.</summary>
    public static TimeSpan Interval(IReadOnlyDictionary<string, string> configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return SettingValues.Get(configuration, IntervalKey) is { } text ? Durations.Parse(text, IntervalKey) : Default;
    }
}
