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

    /// <summary>Slots taken by subtasks. Nothing is placed on workers yet (docs/cluster.md, "What exists"): always 0.</summary>
    public int UsedSlots => 0;

    public int FreeSlots => Offer.Slots - UsedSlots;

    internal void Beat(DateTimeOffset at, long freeMemoryBytes)
    {
        Interlocked.Exchange(ref _lastHeartbeatTicks, at.UtcTicks);
        Interlocked.Exchange(ref _freeMemoryBytes, freeMemoryBytes);
    }
}
