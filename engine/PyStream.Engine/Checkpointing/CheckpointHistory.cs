namespace PyStream.Engine.Checkpointing;

/// <summary>
/// One checkpoint or savepoint as monitoring shows it. <see cref="SizeBytes"/> is what it
/// wrote: its own files plus shared files no earlier checkpoint of the job had.
/// <see cref="Subtasks"/> are the subtasks that acknowledged it (all of them once it completed,
/// except finished ones, whose final state stands in).
/// </summary>
public sealed record CheckpointStats(long Id, SnapshotKind Kind, long TriggeredAt, long DurationMs, long SizeBytes, string? Directory, string? Failure,
    IReadOnlyList<SubtaskCheckpointStats>? Subtasks = null);

/// <summary>
/// The checkpoints a job attempted, across its restarts, as Flink's checkpoint statistics keep
/// them: counts of every one, the latest of each kind, and the newest <see cref="Capacity"/>
/// entries (older completed savepoints stay too: they are few, and clients list them).
/// </summary>
public sealed class CheckpointHistory(int capacity = 10)
{
    private readonly List<CheckpointStats> _entries = [];
    private readonly HashSet<string> _sharedSeen = new(StringComparer.Ordinal);
    private readonly object _lock = new();
    private int _completed;
    private int _failed;
    private CheckpointStats? _latestCheckpoint;
    private CheckpointStats? _latestSavepoint;
    private CheckpointStats? _latestFailed;

    public int Capacity { get; } = capacity > 0 ? capacity : throw new ArgumentOutOfRangeException(nameof(capacity), "the history keeps at least one checkpoint");

    /// <summary>The retained entries, oldest first.</summary>
    public IReadOnlyList<CheckpointStats> Entries
    {
        get
        {
            lock (_lock)
                return [.. _entries];
        }
    }

    public int CompletedCount
    {
        get
        {
            lock (_lock)
                return _completed;
        }
    }

    public int FailedCount
    {
        get
        {
            lock (_lock)
                return _failed;
        }
    }

    /// <summary>The latest completed periodic checkpoint, savepoint and failed attempt (each may have left <see cref="Entries"/>).</summary>
    public (CheckpointStats? Checkpoint, CheckpointStats? Savepoint, CheckpointStats? Failed) Latest
    {
        get
        {
            lock (_lock)
                return (_latestCheckpoint, _latestSavepoint, _latestFailed);
        }
    }

    internal void Add(CheckpointStats stats)
    {
        lock (_lock)
        {
            _entries.Add(stats);
            if (stats.Failure is not null)
            {
                _failed++;
                _latestFailed = stats;
            }
            else
            {
                _completed++;
                if (stats.Kind == SnapshotKind.Checkpoint)
                    _latestCheckpoint = stats;
                else
                    _latestSavepoint = stats;
            }

            // Entries older than the newest Capacity are only completed savepoints: the one that just left the window goes unless it is one.
            for (var i = 0; i < _entries.Count - Capacity; i++)
            {
                if (_entries[i].Kind == SnapshotKind.Checkpoint || _entries[i].Failure is not null)
                {
                    _entries.RemoveAt(i);
                    break;
                }
            }
        }
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
