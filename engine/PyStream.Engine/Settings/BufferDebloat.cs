namespace PyStream.Engine.Settings;

/// <summary>
/// Flink's buffer debloating (<c>taskmanager.network.memory.buffer-debloat.*</c>): the records
/// in flight to a task are kept to about what it handles in the target time, so a checkpoint
/// barrier (a savepoint, a cancel's last checkpoint) waits no longer than that behind them.
/// On by default here, where Flink's default is off: a slow Python function behind a
/// <c>key_by</c> is the everyday case, and a fast task keeps full batches anyway.
/// </summary>
public static class BufferDebloat
{
    public const string EnabledKey = "taskmanager.network.memory.buffer-debloat.enabled";
    public const string TargetKey = "taskmanager.network.memory.buffer-debloat.target";

    /// <summary>Flink's default target.</summary>
    public static readonly TimeSpan DefaultTarget = TimeSpan.FromSeconds(1);

    /// <summary>The configured target; null when debloating is off.</summary>
    public static TimeSpan? From(IReadOnlyDictionary<string, string> configuration)
    {
        var enabled = SettingValues.Get(configuration, EnabledKey) is not { } flag || SettingValues.Bool(flag, EnabledKey);
        return enabled ? Target(configuration) : null;
    }

    /// <summary>The configured target (the default when none is), whether or not debloating is on.</summary>
    public static TimeSpan Target(IReadOnlyDictionary<string, string> configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (SettingValues.Get(configuration, TargetKey) is not { } text)
            return DefaultTarget;
        var target = Durations.Parse(text, TargetKey);
        return target > TimeSpan.Zero ? target : throw new PyStreamException($"{TargetKey}: '{text}' is not a positive duration");
    }
}
