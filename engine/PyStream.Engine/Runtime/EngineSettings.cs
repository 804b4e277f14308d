using System.Globalization;
using PyStream.Engine.Checkpointing;
using PyStream.Engine.Settings;

namespace PyStream.Engine.Runtime;

/// <summary>
/// A job's configuration as the engine reads it, for the Python API's getters: aliases resolved,
/// durations in whole milliseconds, enum values and flags in Flink's spelling, a configured restart
/// strategy with its defaults filled in. Other keys keep their text. Refuses what a job start refuses.
/// </summary>
public static class EngineSettings
{
    private const string StateBackendKey = "state.backend.type";
    private const string RestartPrefix = "restart-strategy";

    public static IReadOnlyDictionary<string, string> Read(IReadOnlyDictionary<string, string> configuration)
    {
        var resolved = ConfigurationAliases.Resolve(configuration);
        var checkpointing = CheckpointingOptions.From(resolved);
        var bufferTimeout = BufferTimeout.From(resolved);
        var debloatTarget = BufferDebloat.From(resolved);
        var read = resolved.ToDictionary(kv => kv.Key, kv => kv.Value);
        void Write(string key, string value)
        {
            if (read.ContainsKey(key))
                read[key] = value;
        }

        string Millis(TimeSpan duration) => Durations.ToMillis(duration).ToString(CultureInfo.InvariantCulture);
        string Int(int value) => value.ToString(CultureInfo.InvariantCulture);
        string Flag(bool value) => value ? "true" : "false";

        Write(CheckpointingOptions.IntervalKey, Millis(checkpointing.Interval ?? TimeSpan.Zero));
        Write(CheckpointingOptions.ModeKey, SettingValues.FlinkName(checkpointing.Mode));
        Write(CheckpointingOptions.TimeoutKey, Millis(checkpointing.Timeout));
        Write(CheckpointingOptions.MinPauseKey, Millis(checkpointing.MinPause));
        Write(CheckpointingOptions.AlignedTimeoutKey, Millis(checkpointing.AlignedTimeout));
        Write(CheckpointingOptions.MaxConcurrentKey, Int(checkpointing.MaxConcurrent));
        Write(CheckpointingOptions.TolerableFailuresKey, Int(checkpointing.TolerableFailures));
        Write(CheckpointingOptions.RetentionKey, SettingValues.FlinkName(checkpointing.Retention));
        Write(CheckpointingOptions.RetainedKey, Int(checkpointing.Retained));
        Write(CheckpointingOptions.IncrementalKey, Flag(checkpointing.Incremental));
        Write(CheckpointingOptions.AllowNonRestoredKey, Flag(checkpointing.AllowNonRestoredState));
        Write(CheckpointingOptions.UnalignedKey, "false");
        Write(CheckpointingOptions.ForcedUnalignedKey, "false");
        Write(BufferTimeout.EnabledKey, Flag(bufferTimeout is not null));
        Write(BufferTimeout.IntervalKey, Millis(bufferTimeout ?? BufferTimeout.Interval(resolved)));
        Write(BufferDebloat.EnabledKey, Flag(debloatTarget is not null));
        Write(BufferDebloat.TargetKey, Millis(debloatTarget ?? BufferDebloat.Target(resolved)));
        if (SettingValues.Get(read, StateBackendKey) is { } backend)
            read[StateBackendKey] = backend.ToLowerInvariant();
        if (SettingValues.Get(read, RestartStrategy.TypeKey) is not null)
        {
            var strategy = RestartStrategy.From(resolved, checkpointing.Interval is not null);
            foreach (var key in read.Keys.Where(k => k.StartsWith(RestartPrefix, StringComparison.Ordinal)).ToList())
                read.Remove(key);
            foreach (var (key, value) in strategy.Settings)
                read[key] = value;
        }

        return read;
    }
}
