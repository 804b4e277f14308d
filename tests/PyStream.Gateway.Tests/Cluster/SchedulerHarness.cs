using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using PyStream.Gateway.Cluster;

namespace PyStream.Gateway.Tests.Cluster;

/// <summary>
/// A coordinator's scheduler on a fake clock, with workers as registry entries and their deployment streams as
/// sessions. Worker "a" listens on port 7097, "b" on 7098, ...: their ids sort, and so are placed, in that order.
/// </summary>
internal sealed class SchedulerHarness : IDisposable
{
    public SchedulerHarness(int slots, string[] workers, IWorkerAssignment? assignment = null)
    {
        // Heartbeats far apart: the workers here never beat, and the fake clock must not time them out.
        Registry = new WorkerRegistry(new HeartbeatSettings(TimeSpan.FromHours(1), TimeSpan.FromHours(2)), Time, NullLogger<WorkerRegistry>.Instance, version: "1");
        Scheduler = new ClusterScheduler(Registry, Time, NullLogger<ClusterScheduler>.Instance, assignment: assignment);
        foreach (var instance in workers)
            Join(instance, slots);
    }

    public FakeTimeProvider Time { get; } = new(DateTimeOffset.UnixEpoch);

    public WorkerRegistry Registry { get; }

    public ClusterScheduler Scheduler { get; }

    public List<WorkerSession> Sessions { get; } = [];

    /// <summary>Registers worker <paramref name="instance"/> with <paramref name="slots"/> slots and opens its deployment stream.</summary>
    public WorkerSession Join(string instance, int slots)
    {
        var worker = Registry.Register(new WorkerOffer("1", slots, instance, $"127.0.0.1:{7000 + instance[0]}", instance, new WorkerHardware(2, 1 << 30, 1 << 30, 0)));
        var session = Scheduler.Open(worker);
        Sessions.Add(session);
        return session;
    }

    public void Dispose() => Registry.Dispose();
}
