using System.Collections.Concurrent;
using PyStream.Engine.Records;

namespace PyStream.Engine.Runtime;

/// <summary>Batches that collect sinks received, by collect id, until the client takes them.</summary>
public sealed class CollectedResults
{
    private readonly ConcurrentDictionary<string, ConcurrentQueue<BytesBatch>> _queues = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string CollectId, int Subtask), long> _publishedUpTo = new();

    /// <summary>Raised after a batch was added, on the sink's thread (a gateway forwards results to its client).</summary>
    public event Action<string>? Added;

    public void Add(string collectId, BytesBatch batch)
    {
        _queues.GetOrAdd(collectId, _ => new ConcurrentQueue<BytesBatch>()).Enqueue(batch);
        Added?.Invoke(collectId);
    }

    /// <summary>
    /// Remembers that a collect sink subtask handed out everything up to a checkpoint. It
    /// outlives a restart, so a restored sink does not hand out a result a second time.
    /// </summary>
    public void MarkPublished(string collectId, int subtask, long checkpointId) =>
        _publishedUpTo.AddOrUpdate((collectId, subtask), checkpointId, (_, old) => Math.Max(old, checkpointId));

    public long PublishedUpTo(string collectId, int subtask) =>
        _publishedUpTo.TryGetValue((collectId, subtask), out var id) ? id : long.MinValue;

    /// <summary>Takes every batch received so far for that id, in arrival order.</summary>
    public IReadOnlyList<BytesBatch> Drain(string collectId)
    {
        var taken = new List<BytesBatch>();
        if (_queues.TryGetValue(collectId, out var queue))
        {
            while (queue.TryDequeue(out var batch))
                taken.Add(batch);
        }

        return taken;
    }
}
