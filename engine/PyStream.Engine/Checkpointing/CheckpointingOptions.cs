using System.Globalization;
using System.Text.RegularExpressions;

namespace PyStream.Engine.Checkpointing;

public enum CheckpointingMode
{
    ExactlyOnce,
    AtLeastOnce,
}

/// <summary>What happens to a job's checkpoints when it is cancelled (Flink's externalized checkpoint retention).</summary>
public enum CheckpointRetention
{
    /// <summary>Kept only while the job runs (a crash leaves them for a resume); removed when it ends in any way.</summary>
    NoExternalizedCheckpoints,
    /// <summary>Removed when the job is cancelled or finishes; kept when it fails.</summary>
    DeleteOnCancellation,

    /// <summary>Kept when the job is cancelled or fails; removed when it finishes.</summary>
    RetainOnCancellation,
}

/// <summary>A job's checkpointing settings, read from Flink's configuration keys.</summary>
public sealed record CheckpointingOptions
{
    public const string IntervalKey = "execution.checkpointing.interval";
    public const string ModeKey = "execution.checkpointing.mode";
    public const string TimeoutKey = "execution.checkpointing.timeout";
    public const string MinPauseKey = "execution.checkpointing.min-pause";
    public const string MaxConcurrentKey = "execution.checkpointing.max-concurrent-checkpoints";
    public const string TolerableFailuresKey = "execution.checkpointing.tolerable-failed-checkpoints";
    public const string RetentionKey = "execution.checkpointing.externalized-checkpoint-retention";
    public const string UnalignedKey = "execution.checkpointing.unaligned";
    public const string DirectoryKey = "state.checkpoints.dir";
    public const string RetainedKey = "state.checkpoints.num-retained";
    public const string IncrementalKey = "state.backend.incremental";
    public const string SavepointDirectoryKey = "execution.checkpointing.savepoint-dir";
    public const string RestorePathKey = "execution.savepoint.path";
    public const string AllowNonRestoredKey = "execution.savepoint.ignore-unclaimed-state";

    /// <summary>Null: no periodic checkpoints (savepoints still work).</summary>
    public TimeSpan? Interval { get; init; }

    public CheckpointingMode Mode { get; init; } = CheckpointingMode.ExactlyOnce;

    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(10);

    public TimeSpan MinPause { get; init; }

    public int MaxConcurrent { get; init; } = 1;

    public int TolerableFailures { get; init; }

    public CheckpointRetention Retention { get; init; } = CheckpointRetention.NoExternalizedCheckpoints;

    /// <summary>Where checkpoints go: <c>{Directory}/{job id}/chk-{n}</c>.</summary>
    public string Directory { get; init; } = Path.Combine(Path.GetTempPath(), "pystream-checkpoints");

    public int Retained { get; init; } = 1;

    /// <summary>RocksDB state is checkpointed by hard-linking its new files only.</summary>
    public bool Incremental { get; init; }

    public string? SavepointDirectory { get; init; }

    public string? RestorePath { get; init; }

    public bool AllowNonRestoredState { get; init; }

    public static CheckpointingOptions From(IReadOnlyDictionary<string, string> configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        string? Get(string key) => Setting(configuration, key);

        if (Get(UnalignedKey) is { } unaligned && bool.Parse(unaligned))
            throw new PyStreamException("unaligned checkpoints are not supported by PyStream; use aligned (exactly-once) or at-least-once checkpoints");
        var options = new CheckpointingOptions
        {
            Interval = Get(IntervalKey) is { } interval ? Durations.Parse(interval, IntervalKey) : null,
            Mode = Get(ModeKey) is { } mode ? ParseEnum<CheckpointingMode>(mode, ModeKey) : CheckpointingMode.ExactlyOnce,
            Timeout = Get(TimeoutKey) is { } timeout ? Durations.Parse(timeout, TimeoutKey) : TimeSpan.FromMinutes(10),
            MinPause = Get(MinPauseKey) is { } pause ? Durations.Parse(pause, MinPauseKey) : TimeSpan.Zero,
            MaxConcurrent = Get(MaxConcurrentKey) is { } concurrent ? ParseInt(concurrent, MaxConcurrentKey, 1) : 1,
            TolerableFailures = Get(TolerableFailuresKey) is { } tolerable ? ParseInt(tolerable, TolerableFailuresKey, 0) : 0,
            Retention = Get(RetentionKey) is { } retention ? ParseEnum<CheckpointRetention>(retention, RetentionKey) : CheckpointRetention.NoExternalizedCheckpoints,
            Directory = Get(DirectoryKey) is { } directory ? LocalPath(directory) : Path.Combine(Path.GetTempPath(), "pystream-checkpoints"),
            Retained = Get(RetainedKey) is { } retained ? ParseInt(retained, RetainedKey, 1) : 1,
            Incremental = Get(IncrementalKey) is { } incremental && bool.Parse(incremental),
            SavepointDirectory = Get(SavepointDirectoryKey) is { } savepoints ? LocalPath(savepoints) : null,
            RestorePath = Get(RestorePathKey) is { } restore ? LocalPath(restore) : null,
            AllowNonRestoredState = Get(AllowNonRestoredKey) is { } allow && bool.Parse(allow),
        };
        if (options.Interval is { } every && every < TimeSpan.FromMilliseconds(10))
            throw new PyStreamException($"{IntervalKey} must be at least 10 ms, got {every.TotalMilliseconds} ms");
        return options;
    }

    /// <summary>A configured value, trimmed; null when absent or blank.</summary>
    internal static string? Setting(IReadOnlyDictionary<string, string> configuration, string key) =>
        configuration.TryGetValue(key, out var value) && value.Trim().Length > 0 ? value.Trim() : null;

    /// <summary>A local path from a Flink file URI (<c>file:///x</c>, <c>file:/x</c>) or a plain path.</summary>
    public static string LocalPath(string uri)
    {
        if (uri.StartsWith("file://", StringComparison.Ordinal))
            uri = uri["file://".Length..];
        else if (uri.StartsWith("file:", StringComparison.Ordinal))
            uri = uri["file:".Length..];
        else if (Regex.IsMatch(uri, "^[a-z][a-z0-9+.-]*://", RegexOptions.IgnoreCase))
            throw new PyStreamException($"'{uri}': only local file system paths are supported for checkpoints and savepoints");
        return Path.GetFullPath(uri);
    }

    private static T ParseEnum<T>(string text, string key)
        where T : struct, Enum =>
        Enum.TryParse<T>(text.Replace("_", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal), ignoreCase: true, out var value)
            ? value
            : throw new PyStreamException($"{key}: '{text}' is not one of {string.Join(", ", Enum.GetNames<T>())}");

    internal static int ParseInt(string text, string key, int minimum) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= minimum
            ? value
            : throw new PyStreamException($"{key} must be an integer >= {minimum}, got '{text}'");
}

/// <summary>Flink's duration syntax: a number of milliseconds, or a number with a unit (<c>10 s</c>, <c>500ms</c>, <c>1 min</c>).</summary>
public static partial class Durations
{
    public static TimeSpan Parse(string text, string key)
    {
        var match = DurationPattern().Match(text.Trim());
        if (!match.Success)
            throw new PyStreamException($"{key}: '{text}' is not a duration (e.g. 1000, 500 ms, 10 s, 1 min)");
        var amount = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        var unit = match.Groups[2].Value.ToLowerInvariant();
        var duration = unit switch
        {
            "" or "ms" or "milli" or "millis" or "millisecond" or "milliseconds" => TimeSpan.FromMilliseconds(amount),
            "s" or "sec" or "secs" or "second" or "seconds" => TimeSpan.FromSeconds(amount),
            "m" or "min" or "mins" or "minute" or "minutes" => TimeSpan.FromMinutes(amount),
            "h" or "hour" or "hours" => TimeSpan.FromHours(amount),
            "d" or "day" or "days" => TimeSpan.FromDays(amount),
            _ => throw new PyStreamException($"{key}: unknown time unit '{unit}' in '{text}'"),
        };
        return duration;
    }

    [GeneratedRegex(@"^(\d+(?:\.\d+)?)\s*([a-zA-Z]*)$")]
    private static partial Regex DurationPattern();
}
