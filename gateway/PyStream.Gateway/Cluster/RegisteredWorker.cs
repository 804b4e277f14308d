namespace PyStream.Gateway.Cluster;

/// <summary>A worker the coordinator admitted: what it offered, and when it last beat.</summary>
public sealed class RegisteredWorker
{
    private long _lastHeartbeatTicks;
    private long _freeMemoryBytes;

    internal RegisteredWorker(string id, WorkerOffer offer, DateTimeOffset registeredAt)
    {
        Id = id;
        Offer = offer;
        RegisteredAt = registeredAt;
        _lastHeartbeatTicks = registeredAt.UtcTicks;
        _freeMemoryBytes = offer.Hardware.FreeMemoryBytes;
    }

    /// <summary>Flink's resource id of the worker: unique per registration.</summary>
    public string Id { get; }

    public WorkerOffer Offer { get; }

    public DateTimeOffset RegisteredAt { get; }

    /// <summary>Registration counts as the first heartbeat.</summary>
    public DateTimeOffset LastHeartbeat => new(Interlocked.Read(ref _lastHeartbeatTicks), TimeSpan.Zero);

    public long FreeMemoryBytes => Interlocked.Read(ref _freeMemoryBytes);

    /// <summary>Slots taken by subtasks of jobs' attempts.</summary>
    public int UsedSlots
    {
        get
        {
            lock (_allocated)
                return _allocated.Count;
        }
    }

    public int FreeSlots => Offer.Slots - UsedSlots;

    /// <summary>Each taken slot and the job whose attempt holds it, by slot index.</summary>
    public IReadOnlyList<(int Slot, string JobId)> AllocatedSlots
    {
        get
        {
            lock (_allocated)
                return [.. _allocated.OrderBy(a => a.Key).Select(a => (a.Key, a.Value))];
        }
    }

    private readonly Dictionary<int, string> _allocated = [];

    /// <summary>The free slots' indexes, lowest first.</summary>
    internal List<int> FreeSlotIndexes()
    {
        lock (_allocated)
            return [.. Enumerable.Range(0, Offer.Slots).Where(i => !_allocated.ContainsKey(i))];
    }

    internal void Allocate(int slot, string jobId)
    {
        lock (_allocated)
            _allocated.Add(slot, jobId);
    }

    internal void Free(int slot)
    {
        lock (_allocated)
            _allocated.Remove(slot);
    }

    internal void Beat(DateTimeOffset at, long freeMemoryBytes)
    {
        Interlocked.Exchange(ref _lastHeartbeatTicks, at.UtcTicks);
        Interlocked.Exchange(ref _freeMemoryBytes, freeMemoryBytes);
    }
}
