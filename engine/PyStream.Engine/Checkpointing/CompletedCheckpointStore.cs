using Microsoft.Extensions.Logging;

namespace PyStream.Engine.Checkpointing;

/// <summary>
/// The retained completed checkpoints of one job, oldest first. Adding one beyond the number
/// to retain deletes the oldest, with the shared files no retained checkpoint still uses.
/// </summary>
internal sealed class CompletedCheckpointStore(string jobDirectory, int retained)
{
    private readonly List<(string Directory, CheckpointMetadata Metadata)> _checkpoints = [];
    private readonly object _lock = new();

    public string JobDirectory { get; } = jobDirectory;

    public IReadOnlyList<(string Directory, CheckpointMetadata Metadata)> Snapshot()
    {
        lock (_lock)
            return [.. _checkpoints];
    }

    public void Add(string directory, CheckpointMetadata metadata)
    {
        List<(string Directory, CheckpointMetadata Metadata)> subsumed;
        HashSet<string> stillUsed;
        lock (_lock)
        {
            _checkpoints.Add((directory, metadata));
            subsumed = _checkpoints.Take(Math.Max(0, _checkpoints.Count - retained)).ToList();
            _checkpoints.RemoveRange(0, subsumed.Count);
            stillUsed = _checkpoints.SelectMany(SharedFiles).ToHashSet(StringComparer.Ordinal);
        }

        foreach (var old in subsumed)
        {
            foreach (var shared in SharedFiles(old).Where(f => !stillUsed.Contains(f)))
                File.Delete(shared);
            Directory.Delete(old.Directory, recursive: true);
        }
    }

    /// <summary>The newest checkpoint that passes its checks; corrupt ones are reported and skipped.</summary>
    public RestoredCheckpoint? LatestValid(ILogger log) =>
        RestoredCheckpoint.FirstIntact(Snapshot().Select(c => c.Directory).Reverse(), log);

    /// <summary>The job ended in a way that keeps no checkpoint: remove its whole directory.</summary>
    public void DiscardAll()
    {
        lock (_lock)
            _checkpoints.Clear();
        if (Directory.Exists(JobDirectory))
            Directory.Delete(JobDirectory, recursive: true);
    }

    private static IEnumerable<string> SharedFiles((string Directory, CheckpointMetadata Metadata) checkpoint) =>
        checkpoint.Metadata.Tasks
            .Where(t => t.Incremental is not null)
            .SelectMany(t => t.Incremental!.Files)
            .Where(f => f.Path.StartsWith("..", StringComparison.Ordinal))
            .Select(f => Path.GetFullPath(Path.Combine(checkpoint.Directory, f.Path)));
}
