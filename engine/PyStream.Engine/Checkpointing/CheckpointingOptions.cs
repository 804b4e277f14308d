using System.Text.RegularExpressions;
using PyStream.Engine.Settings;

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
    public const string ForcedUnalignedKey = "execution.checkpointing.unaligned.forced";
    public const string AlignedTimeoutKey = "execution.checkpointing.aligned-checkpoint-timeout";
    public const string DirectoryKey = "state.checkpoints.dir";
    public const string RetainedKey = "state.checkpoints.num-retained";
    public const string IncrementalKey = "state.backend.incremental";
    public const string SavepointDirectoryKey = "execution.checkpointing.savepoint-dir";
    public const string RestorePathKey = "execution.savepoint.path";
    public const string AllowNonRestoredKey = "execution.savepoint.ignore-unclaimed-state";
    public const string HistoryKey = "web.checkpoints.history";

    /// <summary>Null: no periodic checkpoints (savepoints still work).</summary>
    public TimeSpan? Interval { get; init; }

    public CheckpointingMode Mode { get; init; } = CheckpointingMode.ExactlyOnce;

    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(10);

    public TimeSpan MinPause { get; init; }

    /// <summary>Read for the API's getter only: it switches aligned checkpoints to unaligned ones, which PyStream never takes.</summary>
    public TimeSpan AlignedTimeout { get; init; }

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

    /// <summary>How many recent checkpoints the job's statistics keep (Flink's <c>web.checkpoints.history</c>, default 10).</summary>
    public int History { get; init; } = 10;

    // Flink's CheckpointCoordinatorConfiguration.MINIMAL_CHECKPOINT_TIME.
    private static readonly TimeSpan MinimalCheckpointTime = TimeSpan.FromMilliseconds(10);

    public static CheckpointingOptions From(IReadOnlyDictionary<string, string> configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        string? Get(string key) => SettingValues.Get(configuration, key);
        TimeSpan Duration(string key, TimeSpan fallback) => Get(key) is { } text ? Durations.Parse(text, key) : fallback;
        bool Flag(string key) => Get(key) is { } text && SettingValues.Bool(text, key);
        int Int(string key, int minimum, int fallback) => Get(key) is { } text ? SettingValues.Int(text, key, minimum) : fallback;

        foreach (var unaligned in (string[])[UnalignedKey, ForcedUnalignedKey])
        {
            if (Flag(unaligned))
                throw new PyStreamException($"{unaligned}: '{Get(unaligned)}' asks for unaligned checkpoints, which PyStream does not support; use aligned (exactly-once) or at-least-once checkpoints");
        }

        var options = new CheckpointingOptions
        {
            Interval = Get(IntervalKey) is { } interval ? Durations.Parse(interval, IntervalKey) : null,
            Mode = Get(ModeKey) is { } mode ? SettingValues.Enum<CheckpointingMode>(mode, ModeKey) : CheckpointingMode.ExactlyOnce,
            Timeout = Duration(TimeoutKey, TimeSpan.FromMinutes(10)),
            MinPause = Duration(MinPauseKey, TimeSpan.Zero),
            AlignedTimeout = Duration(AlignedTimeoutKey, TimeSpan.Zero),
            MaxConcurrent = Int(MaxConcurrentKey, 1, 1),
            TolerableFailures = Int(TolerableFailuresKey, 0, 0),
            Retention = Get(RetentionKey) is { } retention ? SettingValues.Enum<CheckpointRetention>(retention, RetentionKey) : CheckpointRetention.NoExternalizedCheckpoints,
            Directory = Get(DirectoryKey) is { } directory ? LocalPath(directory) : Path.Combine(Path.GetTempPath(), "pystream-checkpoints"),
            Retained = Int(RetainedKey, 1, 1),
            Incremental = Flag(IncrementalKey),
            SavepointDirectory = Get(SavepointDirectoryKey) is { } savepoints ? LocalPath(savepoints) : null,
            RestorePath = Get(RestorePathKey) is { } restore ? LocalPath(restore) : null,
            AllowNonRestoredState = Flag(AllowNonRestoredKey),
            History = Int(HistoryKey, 1, 10),
        };
        if (options.Interval is { } every && every < MinimalCheckpointTime)
            throw new PyStreamException($"{IntervalKey}: '{Get(IntervalKey)}' is shorter than the minimum of 10 ms");
        if (options.Timeout < MinimalCheckpointTime)
            throw new PyStreamException($"{TimeoutKey}: '{Get(TimeoutKey)}' is shorter than the minimum of 10 ms");
        return options;
    }

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
}
