using PyStream.Engine.Checkpointing;
using PyStream.Engine.Runtime;

namespace PyStream.Gateway.Api;

/// <summary>Flink's checkpoint resources of a job: statistics, one checkpoint's details, the configuration.</summary>
internal static class CheckpointResources
{
    /// <summary><c>/jobs/{id}/checkpoints</c>: counts over every checkpoint, the latest ones, and the newest (<c>web.checkpoints.history</c>).</summary>
    public static Dictionary<string, object?> Statistics(JobExecution execution)
    {
        var history = execution.CheckpointHistory;
        var (checkpoint, savepoint, failed) = history.Latest;
        var restore = execution.LatestRestore;
        return new Dictionary<string, object?>
        {
            ["counts"] = new Dictionary<string, int>
            {
                ["completed"] = history.CompletedCount,
                ["failed"] = history.FailedCount,
                ["total"] = history.CompletedCount + history.FailedCount,
                ["restored"] = restore is null ? 0 : 1,
            },
            ["latest"] = new Dictionary<string, object?>
            {
                ["completed"] = checkpoint is null ? null : Summary(checkpoint),
                ["savepoint"] = savepoint is null ? null : Summary(savepoint),
                ["failed"] = failed is null ? null : Summary(failed),
                ["restored"] = restore is { } r
                    ? new Dictionary<string, object> { ["id"] = r.Checkpoint.CheckpointId, ["restore_timestamp"] = r.At.ToUnixTimeMilliseconds(), ["external_path"] = r.Checkpoint.Directory }
                    : null,
            },
            ["history"] = history.Entries.Reverse().Take(history.Capacity).Select(Summary),
        };
    }

    /// <summary><c>/jobs/{id}/checkpoints/details/{cpid}</c>: a retained checkpoint and, per vertex, what each of its subtasks did.</summary>
    public static Dictionary<string, object?>? Details(JobExecution execution, long checkpointId)
    {
        if (execution.CheckpointHistory.Entries.LastOrDefault(c => c.Id == checkpointId) is not { } checkpoint)
            return null;
        var subtasks = checkpoint.Subtasks ?? [];
        var details = Summary(checkpoint);
        details["latest_ack_timestamp"] = subtasks.Count > 0 ? subtasks.Max(s => s.AcknowledgedAt) : null;
        details["num_subtasks"] = execution.Graph.Chains.Sum(c => c.Parallelism);
        details["num_acknowledged_subtasks"] = subtasks.Count;
        details["tasks"] = execution.Graph.Chains.ToDictionary(c => c.Index.ToString(System.Globalization.CultureInfo.InvariantCulture), chain =>
        {
            var acknowledged = subtasks.Where(s => s.ChainIndex == chain.Index).ToList();
            return new Dictionary<string, object?>
            {
                ["id"] = chain.Index,
                ["name"] = chain.Name,
                ["num_subtasks"] = chain.Parallelism,
                ["num_acknowledged_subtasks"] = acknowledged.Count,
                ["latest_ack_timestamp"] = acknowledged.Count > 0 ? acknowledged.Max(s => s.AcknowledgedAt) : null,
                ["state_size"] = acknowledged.Sum(s => s.StateSizeBytes),
                ["subtasks"] = acknowledged.Select(s => new Dictionary<string, object>
                {
                    ["index"] = s.Subtask,
                    ["status"] = "completed",
                    ["ack_timestamp"] = s.AcknowledgedAt,
                    ["end_to_end_duration"] = s.AcknowledgedAt - checkpoint.TriggeredAt,
                    ["state_size"] = s.StateSizeBytes,
                    ["checkpoint"] = new Dictionary<string, long> { ["sync"] = s.SyncDurationMs, ["async"] = s.AsyncDurationMs },
                    ["alignment"] = new Dictionary<string, long> { ["duration"] = s.AlignmentDurationMs },
                }),
            };
        });
        return details;
    }

    /// <summary><c>/jobs/{id}/checkpoints/config</c>: how the job checkpoints, in Flink's field names (durations in ms).</summary>
    public static Dictionary<string, object?> Config(JobExecution execution)
    {
        var options = execution.Checkpointing;
        static long Ms(TimeSpan span) => (long)span.TotalMilliseconds;
        return new Dictionary<string, object?>
        {
            ["mode"] = options.Mode == CheckpointingMode.ExactlyOnce ? "exactly_once" : "at_least_once",
            ["interval"] = options.Interval is { } interval ? Ms(interval) : null,
            ["timeout"] = Ms(options.Timeout),
            ["min_pause"] = Ms(options.MinPause),
            ["max_concurrent"] = options.MaxConcurrent,
            ["tolerable_failed_checkpoints"] = options.TolerableFailures,
            ["externalization"] = new Dictionary<string, bool>
            {
                ["enabled"] = options.Retention != CheckpointRetention.NoExternalizedCheckpoints,
                ["delete_on_cancellation"] = options.Retention != CheckpointRetention.RetainOnCancellation,
            },
            ["checkpoint_storage"] = options.Directory,
            ["savepoint_directory"] = options.SavepointDirectory,
            ["num_retained"] = options.Retained,
            ["incremental"] = options.Incremental,
        };
    }

    private static Dictionary<string, object?> Summary(CheckpointStats c) => new()
    {
        ["id"] = c.Id,
        ["status"] = c.Failure is null ? "COMPLETED" : "FAILED",
        ["is_savepoint"] = c.Kind != SnapshotKind.Checkpoint,
        ["trigger_timestamp"] = c.TriggeredAt,
        ["end_to_end_duration"] = c.DurationMs,
        ["state_size"] = c.SizeBytes,
        ["failure_message"] = c.Failure,
    };
}
