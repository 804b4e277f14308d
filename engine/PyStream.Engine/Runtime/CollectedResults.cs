using System.Collections.Concurrent;

namespace PyStream.Engine.Runtime;

/// <summary>Batches that collect sinks received, by collect id, until the client takes them.</summary>
public sealed class CollectedResults
{
    private readonly ConcurrentDictionary<string, ConcurrentQueue<BytesBatch>> _queues = new(StringComparer.Ordinal);

    public void Add(string collectId, BytesBatch batch) =>
        _queues.GetOrAdd(collectId, _ => new ConcurrentQueue<BytesBatch>()).Enqueue(batch);

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
