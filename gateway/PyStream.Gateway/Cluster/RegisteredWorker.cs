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
                return [.. _allocated.OrderBy(a => a.Key).Select(a => (a.Key, a.Value.JobId))];
        }
    }

    // Each taken slot's job, and whether that job shares its workers with other jobs (pystream.cluster.shared-workers).
    private readonly Dictionary<int, (string JobId, bool SharesWorkers)> _allocated = [];

    /// <summary>
    /// Whether subtasks of job <paramref name="jobId"/> may run here: the worker runs nothing of another job, or this
    /// job and every job it runs share workers. The worker embeds one CPython: jobs on it share that interpreter.
    /// </summary>
    internal bool MayHost(string jobId, bool sharesWorkers)
    {
        lock (_allocated)
            return _allocated.Values.All(a => a.JobId == jobId || (sharesWorkers && a.SharesWorkers));
    }

    /// <summary>The slots job <paramref name="jobId"/> holds here.</summary>
    internal int SlotsOf(string jobId)
    {
        lock (_allocated)
            return _allocated.Values.Count(a => a.JobId == jobId);
    }

    /// <summary>The free slots' indexes, lowest first.</summary>
    internal List<int> FreeSlotIndexes()
    {
        lock (_allocated)
            return [.. Enumerable.Range(0, Offer.Slots).Where(i => !_allocated.ContainsKey(i))];
    }

    internal void Allocate(int slot, string jobId, bool sharesWorkers)
    {
        lock (_allocated)
            _allocated.Add(slot, (jobId, sharesWorkers));
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
