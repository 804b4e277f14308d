using Grpc.Core;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using PyStream.Gateway.Cluster;

namespace PyStream.Gateway.Tests.Cluster;

public sealed class WorkerRegistryTests : IDisposable
{
    private static readonly HeartbeatSettings Heartbeats = new(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5));

    private readonly FakeTimeProvider _time = new(DateTimeOffset.UnixEpoch);
    private readonly WorkerRegistry _registry;

    public WorkerRegistryTests() => _registry = new WorkerRegistry(Heartbeats, _time, NullLogger<WorkerRegistry>.Instance, version: "1.2.0");

    public void Dispose() => _registry.Dispose();

    private static WorkerOffer Offer(string instance = "a", int slots = 2, string version = "1.2.0") =>
        new(version, slots, "host-" + instance, $"127.0.0.1:{7000 + instance[0]}", instance, new WorkerHardware(4, 8L << 30, 6L << 30, 0));

    [Fact]
    public void A_registered_worker_is_listed_with_its_slots_and_the_registration_as_its_first_heartbeat()
    {
        _time.Advance(TimeSpan.FromSeconds(3));
        var worker = _registry.Register(Offer());
        Assert.Same(worker, Assert.Single(_registry.All));
        Assert.Same(worker, _registry.Find(worker.Id));
        Assert.StartsWith("127.0.0.1:7097-", worker.Id, StringComparison.Ordinal);
        Assert.Equal((2, 2), (worker.Offer.Slots, worker.FreeSlots));
        Assert.Equal(DateTimeOffset.UnixEpoch.AddSeconds(3), worker.LastHeartbeat);
    }

    [Fact]
    public void A_worker_whose_heartbeats_stop_is_lost_after_the_timeout_and_one_that_beats_stays()
    {
        var silent = _registry.Register(Offer("a"));
        var beating = _registry.Register(Offer("b"));
        // The expiry check runs every heartbeat interval (1 s); the silent worker's last beat is at 0 s.
        for (var second = 1; second <= 5; second++)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            Assert.True(_registry.Heartbeat(beating.Id, freeMemoryBytes: second));
        }

        Assert.Equal(2, _registry.All.Count); // 5 s of silence is the timeout, not past it
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(_registry.Heartbeat(beating.Id, freeMemoryBytes: 6));
        Assert.Equal([beating.Id], _registry.All.Select(w => w.Id));
        Assert.Null(_registry.Find(silent.Id));
        Assert.Equal(6, beating.FreeMemoryBytes);
        Assert.Equal(DateTimeOffset.UnixEpoch.AddSeconds(6), beating.LastHeartbeat);
    }

    [Fact]
    public void A_worker_of_another_version_is_refused_with_both_versions_named()
    {
        var refusal = Assert.Throws<WorkerRefusedException>(() => _registry.Register(Offer(version: "1.3.0")));
        Assert.Equal(StatusCode.FailedPrecondition, refusal.Code);
        Assert.Equal("the worker runs PyStream 1.3.0 and this coordinator PyStream 1.2.0: run the same release on both", refusal.Message);
        Assert.Contains("(no version given)", Assert.Throws<WorkerRefusedException>(() => _registry.Register(Offer(version: ""))).Message, StringComparison.Ordinal);
        Assert.Empty(_registry.All);
    }

    [Fact]
    public void A_worker_offering_no_slots_is_refused()
    {
        var refusal = Assert.Throws<WorkerRefusedException>(() => _registry.Register(Offer(slots: 0)));
        Assert.Equal((StatusCode.InvalidArgument, "a worker must offer at least 1 slot, not 0"), (refusal.Code, refusal.Message));
    }

    [Fact]
    public void A_lost_worker_must_register_again_and_then_counts_once()
    {
        var first = _registry.Register(Offer("a"));
        _time.Advance(TimeSpan.FromSeconds(7));
        Assert.Empty(_registry.All);
        Assert.False(_registry.Heartbeat(first.Id, 0)); // the worker learns it must register again

        var again = _registry.Register(Offer("a"));
        Assert.NotEqual(first.Id, again.Id);
        Assert.Equal([again.Id], _registry.All.Select(w => w.Id));
        Assert.True(_registry.Heartbeat(again.Id, 0));
    }

    [Fact]
    public void The_same_process_registering_while_still_listed_replaces_its_old_registration()
    {
        var first = _registry.Register(Offer("a"));
        var other = _registry.Register(Offer("b"));
        var again = _registry.Register(Offer("a"));
        Assert.Equal(new[] { other.Id, again.Id }.Order(StringComparer.Ordinal), _registry.All.Select(w => w.Id).Order(StringComparer.Ordinal));
        Assert.False(_registry.Heartbeat(first.Id, 0));
        _registry.Remove(first.Id, "its old heartbeat stream closed"); // late news of the old registration changes nothing
        Assert.Equal(2, _registry.All.Count);
    }

    [Fact]
    public void A_dropped_connection_removes_the_worker_at_once()
    {
        var worker = _registry.Register(Offer());
        _registry.Remove(worker.Id, "its connection dropped");
        Assert.Empty(_registry.All);
        _registry.Remove(worker.Id, "again"); // nothing to remove
    }
}
