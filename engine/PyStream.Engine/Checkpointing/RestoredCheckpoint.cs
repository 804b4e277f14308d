using Microsoft.Extensions.Logging;
using PyStream.Engine.Keys;
using PyStream.Engine.State;

namespace PyStream.Engine.Checkpointing;

/// <summary>A verified checkpoint or savepoint that a job run starts from.</summary>
public sealed class RestoredCheckpoint
{
    private readonly Dictionary<string, Dictionary<string, byte[]>> _operatorFiles = new(StringComparer.Ordinal);

    private RestoredCheckpoint(string directory, CheckpointMetadata metadata)
    {
        Directory = directory;
        Metadata = metadata;
    }

    public string Directory { get; }

    public CheckpointMetadata Metadata { get; }

    public long CheckpointId => Metadata.CheckpointId;

    /// <summary>Reads and verifies one checkpoint or savepoint directory.</summary>
    public static RestoredCheckpoint Load(string directory) => new(directory, CheckpointMetadata.Read(directory));

    /// <summary>
    /// The first of <paramref name="candidates"/> (best first) that passes its checks; each corrupt one
    /// is reported on <paramref name="log"/>, and so is the older one taken instead, so a fallback is never silent.
    /// </summary>
    public static RestoredCheckpoint? FirstIntact(IEnumerable<string> candidates, ILogger log)
    {
        string? passedOver = null;
        foreach (var candidate in candidates)
        {
            try
            {
                var restored = Load(candidate);
                if (passedOver is not null)
                    log.RestoringFromOlderCheckpoint(restored.Directory, restored.CheckpointId, passedOver);
                return restored;
            }
            catch (CorruptCheckpointException error)
            {
                log.SkippedCorruptCheckpoint(error.Message, error);
                passedOver ??= candidate;
            }
        }

        return null;
    }

    /// <summary>
    /// Checks that every operator with state exists in the new job (by state key), unless
    /// state that no longer maps is explicitly allowed, and that key groups still line up.
    /// </summary>
    public void CheckCompatible(IReadOnlyCollection<string> operatorKeys, int maxParallelism, bool allowNonRestoredState)
    {
        if (Metadata.MaxParallelism != maxParallelism)
        {
            throw new PyStreamException(
                $"'{Directory}' was taken with max parallelism {Metadata.MaxParallelism}, this job has {maxParallelism}; "
                + "key groups cannot be redistributed across a different max parallelism (set_max_parallelism to the old value)");
        }

        var unmapped = Metadata.Tasks.SelectMany(t => t.StatefulOperators).Distinct().Where(k => !operatorKeys.Contains(k)).Order(StringComparer.Ordinal).ToList();
        if (unmapped.Count > 0 && !allowNonRestoredState)
        {
            throw new PyStreamException(
                $"'{Directory}' holds state of operators this job does not have (uids: {string.Join(", ", unmapped)}); "
                + "give those operators the same uid(), or allow non-restored state (./pystream run -n, or execution.savepoint.ignore-unclaimed-state: true)");
        }
    }

    /// <summary>What subtask <paramref name="subtask"/> of a chain restores.</summary>
    public TaskRestore ForTask(IReadOnlyList<string> operatorKeys, int subtask, int parallelism, int maxParallelism) =>
        new(this, operatorKeys, subtask, parallelism, KeyGroupRange.Of(maxParallelism, parallelism, subtask), maxParallelism);

    internal Dictionary<string, byte[]> OperatorStates(TaskStateHandle task)
    {
        var file = task.OperatorState!;
        lock (_operatorFiles)
        {
            if (!_operatorFiles.TryGetValue(file.Path, out var states))
                _operatorFiles[file.Path] = states = OperatorStateFile.Read(Path.Combine(Directory, file.Path));
            return states;
        }
    }
}

/// <summary>An operator's state as one old subtask wrote it.</summary>
public sealed record OperatorStateBlob(int Subtask, byte[] Data);

/// <summary>
/// The state one new subtask gets: operator blobs of every old subtask (operators keep what
/// is theirs), keyed entries of its key groups, and broadcast state once.
/// </summary>
public sealed class TaskRestore
{
    private readonly RestoredCheckpoint _checkpoint;
    private readonly IReadOnlyList<string> _operatorKeys;
    private readonly Dictionary<string, int> _firstWith = new(StringComparer.Ordinal);

    internal TaskRestore(RestoredCheckpoint checkpoint, IReadOnlyList<string> operatorKeys, int subtask, int parallelism, KeyGroupRange range, int maxParallelism)
    {
        _checkpoint = checkpoint;
        _operatorKeys = operatorKeys;
        Subtask = subtask;
        Parallelism = parallelism;
        KeyGroups = range;
        MaxParallelism = maxParallelism;
    }

    public int Subtask { get; }

    public int Parallelism { get; }

    public int MaxParallelism { get; }

    public KeyGroupRange KeyGroups { get; }

    public string Directory => _checkpoint.Directory;

    /// <summary>The id of the checkpoint restored from; the job's next checkpoint has a greater one.</summary>
    public long CheckpointId => _checkpoint.CheckpointId;

    public bool Owns(ReadOnlySpan<byte> partitionKey) => KeyGroups.Contains(Keys.KeyGroups.KeyGroupOf(partitionKey, MaxParallelism));

    /// <summary>Every old subtask's state of one operator, in old subtask order.</summary>
    public IReadOnlyList<OperatorStateBlob> OperatorState(string operatorKey) =>
        _checkpoint.Metadata.Tasks
            .Where(t => t.OperatorState is not null && t.Operators.Contains(operatorKey))
            .Select(t => (Task: t, States: _checkpoint.OperatorStates(t)))
            .Where(x => x.States.ContainsKey(operatorKey))
            .OrderBy(x => x.Task.Subtask)
            .Select(x => new OperatorStateBlob(x.Task.Subtask, x.States[operatorKey]))
            .ToList();

    /// <summary>Old tasks whose keyed state this subtask may need: they own some of its key groups or broadcast state.</summary>
    public IEnumerable<TaskStateHandle> KeyedSources =>
        _checkpoint.Metadata.Tasks.Where(t => (t.KeyedState is not null || t.Incremental is not null) && t.Operators.Any(_operatorKeys.Contains));

    /// <summary>Whether this subtask restores an entry: its operator is here and the key group is ours (broadcast: from the first old subtask only).</summary>
    public bool Wants(TaskStateHandle source, string stateId, int keyGroup) =>
        _operatorKeys.Any(k => StateKeys.BelongsTo(stateId, k))
        && (keyGroup < 0 ? source.Subtask == FirstSubtaskWith(stateId) : KeyGroups.Contains(keyGroup));

    /// <summary>Old tasks whose keyed state this subtask reads: those that own some of its key groups, and the first with broadcast state.</summary>
    public IEnumerable<TaskStateHandle> RelevantKeyedSources =>
        KeyedSources.Where(t => new KeyGroupRange(t.KeyGroupStart, t.KeyGroupEnd).Intersects(KeyGroups) || (t.HasBroadcastState && t.Subtask == 0));

    /// <summary>Keyed entries from full (canonical) snapshots.</summary>
    public IEnumerable<StateEntry> FullEntries() =>
        RelevantKeyedSources.SelectMany(source => source.Incremental is not null
            ? throw new PyStreamException($"'{Directory}' holds RocksDB incremental state; restore it with the rocksdb state backend, or take a savepoint to change backends")
            : FullEntries(source));

    /// <summary>The entries of one old task's canonical snapshot that this subtask takes.</summary>
    public IEnumerable<StateEntry> FullEntries(TaskStateHandle source) =>
        KeyedStateFile.Read(Path.Combine(Directory, source.KeyedState!.Path)).Where(e => Wants(source, e.StateId, e.KeyGroup));

    private int FirstSubtaskWith(string stateId)
    {
        if (!_firstWith.TryGetValue(stateId, out var first))
            _firstWith[stateId] = first = KeyedSources.Where(t => t.Operators.Any(k => StateKeys.BelongsTo(stateId, k))).Min(t => t.Subtask);
        return first;
    }
}
