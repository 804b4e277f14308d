namespace PyStream.Engine.Checkpointing;

/// <summary>
/// One checkpoint or savepoint as monitoring shows it. <see cref="SizeBytes"/> is what it
/// wrote: its own files plus shared files no earlier checkpoint of the job had.
/// <see cref="Subtasks"/> are the subtasks that acknowledged it (all of them once it completed,
/// except finished ones, whose final state stands in).
/// </summary>
public sealed record CheckpointStats(long Id, SnapshotKind Kind, long TriggeredAt, long DurationMs, long SizeBytes, string? Directory, string? Failure,
    IReadOnlyList<SubtaskCheckpointStats>? Subtasks = null);

/// <summary>Every checkpoint a job attempted, completed or failed, across its restarts.</summary>
public sealed class CheckpointHistory
{
    private readonly List<CheckpointStats> _entries = [];
    private readonly HashSet<string> _sharedSeen = new(StringComparer.Ordinal);
    private readonly object _lock = new();

    public IReadOnlyList<CheckpointStats> Entries
    {
        get
        {
            lock (_lock)
                return [.. _entries];
        }
    }

    internal void Add(CheckpointStats stats)
    {
        lock (_lock)
            _entries.Add(stats);
    }

    internal long NewBytes(string directory, CheckpointMetadata metadata)
    {
        lock (_lock)
        {
            return metadata.Tasks.SelectMany(t => t.Files())
                .Where(f => !f.Path.StartsWith("..", StringComparison.Ordinal) || _sharedSeen.Add(Path.GetFullPath(Path.Combine(directory, f.Path))))
                .Sum(f => f.Size);
        }
    }
}
