using System.Security.Cryptography;
using Grpc.Core;
using PyStream.Engine;

namespace PyStream.Gateway.Cluster;

/// <summary>
/// The coordinator's workers (Flink's ResourceManager view of its TaskManagers). A worker is
/// admitted when its PyStream version is the coordinator's; it stays while its heartbeats arrive
/// within <see cref="HeartbeatSettings.Timeout"/> and its heartbeat stream is open. Overdue
/// workers are found by a timer on the injected <see cref="TimeProvider"/>, every heartbeat
/// interval, so a silent worker is gone at most one interval after its timeout.
/// </summary>
public sealed class WorkerRegistry : IDisposable
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, RegisteredWorker> _workers = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ITimer _expiry;

    public WorkerRegistry(HeartbeatSettings heartbeats, TimeProvider time, ILogger<WorkerRegistry> logger, string version = PyStreamVersion.Current)
    {
        ArgumentNullException.ThrowIfNull(heartbeats);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        Heartbeats = heartbeats;
        Version = version;
        _time = time;
        _logger = logger;
        _expiry = time.CreateTimer(_ => RemoveOverdue(), null, heartbeats.Interval, heartbeats.Interval);
    }

    public HeartbeatSettings Heartbeats { get; }

    /// <summary>A worker left (lost, stopped, or replaced by its own new registration), with the reason; raised outside the registry's lock.</summary>
    public event Action<RegisteredWorker, string>? Lost;

    /// <summary>The coordinator's PyStream version, which every worker must have.</summary>
    public string Version { get; }

    public IReadOnlyList<RegisteredWorker> All
    {
        get
        {
            lock (_lock)
                return _workers.Values.OrderBy(w => w.RegisteredAt).ThenBy(w => w.Id, StringComparer.Ordinal).ToList();
        }
    }

    public RegisteredWorker? Find(string id)
    {
        lock (_lock)
            return _workers.GetValueOrDefault(id);
    }

    /// <summary>Admits a worker, or throws <see cref="WorkerRefusedException"/> saying why not.</summary>
    public RegisteredWorker Register(WorkerOffer offer)
    {
        ArgumentNullException.ThrowIfNull(offer);
        if (Refusal(offer) is { } refusal)
        {
            _logger.WorkerRefused(offer.HostName, refusal.Message);
            throw refusal;
        }

        var worker = new RegisteredWorker($"{offer.DataAddress}-{RandomNumberGenerator.GetHexString(6, lowercase: true)}", offer, _time.GetUtcNow());
        RegisteredWorker? earlier;
        lock (_lock)
        {
            // The same process again (its heartbeat stream broke, or it missed its beats but lives):
            // it replaces its old registration rather than counting twice.
            earlier = _workers.Values.FirstOrDefault(w => w.Offer.InstanceId == offer.InstanceId);
            if (earlier is not null)
                _workers.Remove(earlier.Id);
            _workers.Add(worker.Id, worker);
        }

        if (earlier is not null)
        {
            _logger.WorkerRegisteredAgain(earlier.Id, worker.Id);
            Lost?.Invoke(earlier, $"it registered again as {worker.Id}");
        }

        _logger.WorkerRegistered(worker.Id, offer.HostName, offer.Slots, offer.DataAddress);
        return worker;
    }

    /// <summary>Records a heartbeat; false when no worker has this id (never registered, or declared lost): it must register again.</summary>
    public bool Heartbeat(string id, long freeMemoryBytes)
    {
        var worker = Find(id);
        worker?.Beat(_time.GetUtcNow(), freeMemoryBytes);
        return worker is not null;
    }

    /// <summary>Declares a worker lost (its connection dropped, or it stopped); nothing when it is already gone.</summary>
    public void Remove(string id, string reason)
    {
        RegisteredWorker? worker;
        lock (_lock)
        {
            if (!_workers.Remove(id, out worker))
                return;
        }

        _logger.WorkerLost(worker.Id, reason, worker.Offer.Slots);
        Lost?.Invoke(worker, reason);
    }

    /// <summary>Declares lost every worker whose last heartbeat is older than the timeout.</summary>
    public void RemoveOverdue()
    {
        var now = _time.GetUtcNow();
        foreach (var worker in All.Where(w => now - w.LastHeartbeat > Heartbeats.Timeout))
            Remove(worker.Id, $"no heartbeat for {(now - worker.LastHeartbeat).TotalMilliseconds:F0} ms (heartbeat.timeout is {Heartbeats.Timeout.TotalMilliseconds:F0} ms)");
    }

    public void Dispose() => _expiry.Dispose();

    private WorkerRefusedException? Refusal(WorkerOffer offer)
    {
        if (offer.PyStreamVersion != Version)
        {
            return new WorkerRefusedException(StatusCode.FailedPrecondition,
                $"the worker runs PyStream {Describe(offer.PyStreamVersion)} and this coordinator PyStream {Version}: run the same release on both");
        }

        if (offer.Slots < 1)
            return new WorkerRefusedException(StatusCode.InvalidArgument, $"a worker must offer at least 1 slot, not {offer.Slots}");
        if (string.IsNullOrWhiteSpace(offer.InstanceId))
            return new WorkerRefusedException(StatusCode.InvalidArgument, "the worker sent no instance id");
        return null;
    }

    private static string Describe(string version) => string.IsNullOrEmpty(version) ? "(no version given)" : version;
}
