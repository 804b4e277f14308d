using PyStream.Gateway.Cluster;

namespace PyStream.Gateway.Api;

/// <summary>
/// The workers in REST under Flink's names: <c>/taskmanagers</c> (its <c>TaskManagerInfo</c> fields)
/// and <c>/taskmanagers/{id}</c>. As in Flink, <c>timeSinceLastHeartbeat</c> is the time of the last
/// heartbeat (milliseconds since the epoch), not a duration.
/// </summary>
public static class ClusterResources
{
    public static void Map(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGet("/taskmanagers", (WorkerRegistry workers) =>
            Results.Json(new { taskmanagers = workers.All.Select(Info) }));
        app.MapGet("/taskmanagers/{id}", (string id, WorkerRegistry workers) =>
            workers.Find(id) is { } worker ? Results.Json(Details(worker)) : RestApi.Error(StatusCodes.Status404NotFound, $"no worker (taskmanager) with id '{id}'"));
    }

    /// <summary>The three numbers <c>/overview</c> adds to its job counts.</summary>
    public static IEnumerable<KeyValuePair<string, object>> Overview(WorkerRegistry workers)
    {
        ArgumentNullException.ThrowIfNull(workers);
        var all = workers.All;
        yield return new("taskmanagers", all.Count);
        yield return new("slots-total", all.Sum(w => w.Offer.Slots));
        yield return new("slots-available", all.Sum(w => w.FreeSlots));
    }

    private static Dictionary<string, object?> Info(RegisteredWorker worker)
    {
        var offer = worker.Offer;
        return new Dictionary<string, object?>
        {
            ["id"] = worker.Id,
            ["path"] = $"grpc://{offer.DataAddress}",
            ["dataPort"] = DataPort(offer.DataAddress),
            ["jmxPort"] = -1,
            ["timeSinceLastHeartbeat"] = worker.LastHeartbeat.ToUnixTimeMilliseconds(),
            ["slotsNumber"] = offer.Slots,
            ["freeSlots"] = worker.FreeSlots,
            ["hardware"] = new Dictionary<string, long>
            {
                ["cpuCores"] = offer.Hardware.CpuCores,
                ["physicalMemory"] = offer.Hardware.PhysicalMemoryBytes,
                ["freeMemory"] = worker.FreeMemoryBytes,
                ["managedMemory"] = offer.Hardware.ManagedMemoryBytes,
            },
            ["blocked"] = false,
            ["hostName"] = offer.HostName,
            ["pystreamVersion"] = offer.PyStreamVersion,
            ["registeredAt"] = worker.RegisteredAt.ToUnixTimeMilliseconds(),
        };
    }

    private static Dictionary<string, object?> Details(RegisteredWorker worker)
    {
        var details = Info(worker);
        details["allocatedSlots"] = worker.AllocatedSlots.Select(a => new Dictionary<string, object> { ["index"] = a.Slot, ["jobId"] = a.JobId });
        return details;
    }

    private static int DataPort(string address) =>
        int.TryParse(address.AsSpan(address.LastIndexOf(':') + 1), out var port) ? port : -1;
}
