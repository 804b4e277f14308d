using k8s;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using PyStream.Gateway.HighAvailability;

namespace PyStream.Gateway.Tests.HighAvailability;

/// <summary>
/// The Lease election against <see cref="FakeLeaseApiServer"/> (a fake API server on loopback, not
/// Kubernetes) through the real KubernetesClient, with Flink's timings (lease duration 15 s, renew
/// deadline 15 s, retry period 5 s) on a fake clock.
/// </summary>
public sealed class KubernetesLeaseElectionTests : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20); // real time, for calls over loopback
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private FakeLeaseApiServer? _server;

    private FakeLeaseApiServer Server => _server!;

    public async Task InitializeAsync() => _server = await FakeLeaseApiServer.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();

    private KubernetesLeaseElection Candidate(string identity) =>
        new(new Kubernetes(new KubernetesClientConfiguration { Host = Server.Url }),
            new KubernetesLeaseSettings("pystream-ns", "pystream-leader", identity), _time, NullLogger.Instance);

    [Fact]
    public async Task One_of_two_candidates_holds_the_lease_and_the_other_takes_it_once_it_expired()
    {
        var a = Candidate("coordinator-a");
        var b = Candidate("coordinator-b");
        Assert.Equal(LeaseAttempt.Held, await a.TryAcquireOrRenewAsync(default));
        Assert.Equal(("coordinator-a", "0"), (Server.Spec("holderIdentity"), Server.Spec("leaseTransitions")));
        Assert.Equal("15", Server.Spec("leaseDurationSeconds"));
        Assert.Equal(LeaseAttempt.HeldByAnother, await b.TryAcquireOrRenewAsync(default));

        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(LeaseAttempt.Held, await a.TryAcquireOrRenewAsync(default)); // renewed
        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(LeaseAttempt.HeldByAnother, await b.TryAcquireOrRenewAsync(default)); // b sees the renewal now

        // a stops renewing (killed): b waits a full lease duration from when it saw the Lease change.
        _time.Advance(TimeSpan.FromSeconds(14));
        Assert.Equal(LeaseAttempt.HeldByAnother, await b.TryAcquireOrRenewAsync(default));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(LeaseAttempt.Held, await b.TryAcquireOrRenewAsync(default));
        Assert.Equal(("coordinator-b", "1"), (Server.Spec("holderIdentity"), Server.Spec("leaseTransitions")));
        Assert.Equal(LeaseAttempt.HeldByAnother, await a.TryAcquireOrRenewAsync(default)); // a, back, finds b leading
    }

    [Fact]
    public async Task A_write_based_on_an_old_version_is_refused_and_leaves_the_other_writer_holding_the_lease()
    {
        var a = Candidate("coordinator-a");
        var b = Candidate("coordinator-b");
        Assert.Equal(LeaseAttempt.Held, await a.TryAcquireOrRenewAsync(default));
        Assert.Equal(LeaseAttempt.HeldByAnother, await b.TryAcquireOrRenewAsync(default));
        _time.Advance(TimeSpan.FromSeconds(16));

        // b read the expired Lease; before its write arrives, a third coordinator takes it: b's write carries the old version.
        Server.BeforeReplace = () => Server.TakeOver("coordinator-c");
        Assert.Equal(LeaseAttempt.Failed, await b.TryAcquireOrRenewAsync(default));
        Server.BeforeReplace = null;
        Assert.Equal("coordinator-c", Server.Spec("holderIdentity"));
        Assert.Equal(LeaseAttempt.HeldByAnother, await b.TryAcquireOrRenewAsync(default));
    }

    [Fact]
    public async Task Two_candidates_racing_for_a_new_lease_make_one_leader()
    {
        var attempts = await Task.WhenAll(Candidate("coordinator-a").TryAcquireOrRenewAsync(default), Candidate("coordinator-b").TryAcquireOrRenewAsync(default));
        Assert.Single(attempts, LeaseAttempt.Held);
    }

    [Fact]
    public async Task A_leader_that_finds_another_holder_stops_at_once()
    {
        var contender = new RecordingContender();
        using var stop = new CancellationTokenSource();
        var running = Candidate("coordinator-a").RunAsync(contender, stop.Token);
        await contender.Granted.Task.WaitAsync(Bound);

        Server.TakeOver("coordinator-b");
        var taken = _time.GetUtcNow();
        await AdvanceUntil(contender.Revoked.Task);
        Assert.True(_time.GetUtcNow() - taken < KubernetesLeaseSettings.DefaultRenewDeadline, "revoked at a next read, not after the renew deadline");
        await stop.CancelAsync();
        await running.WaitAsync(Bound);
        Assert.Equal("coordinator-b", Server.Spec("holderIdentity")); // it gives up only what it holds
    }

    [Fact]
    public async Task A_leader_that_cannot_renew_for_the_renew_deadline_stops()
    {
        var contender = new RecordingContender();
        using var stop = new CancellationTokenSource();
        var running = Candidate("coordinator-a").RunAsync(contender, stop.Token);
        await contender.Granted.Task.WaitAsync(Bound);
        var renewed = _time.GetUtcNow();

        Server.Unavailable = true;
        await AdvanceUntil(contender.Revoked.Task);
        Assert.InRange(_time.GetUtcNow() - renewed, KubernetesLeaseSettings.DefaultRenewDeadline,
            KubernetesLeaseSettings.DefaultRenewDeadline + KubernetesLeaseSettings.DefaultRetryPeriod);
        await stop.CancelAsync();
        await running.WaitAsync(Bound);
    }

    [Fact]
    public async Task A_standby_waits_and_takes_over_when_the_leader_stops_and_releases_the_lease()
    {
        var leader = new RecordingContender();
        var standby = new RecordingContender();
        using var stopLeader = new CancellationTokenSource();
        using var stopStandby = new CancellationTokenSource();
        var leading = Candidate("coordinator-a").RunAsync(leader, stopLeader.Token);
        await leader.Granted.Task.WaitAsync(Bound);
        var waiting = Candidate("coordinator-b").RunAsync(standby, stopStandby.Token);
        var requests = Server.Requests;
        await AdvanceUntil(() => Server.Requests >= requests + 4); // both read the Lease again, twice or more
        Assert.False(standby.Granted.Task.IsCompleted);

        await stopLeader.CancelAsync();
        await leading.WaitAsync(Bound);
        Assert.True(leader.Revoked.Task.IsCompleted);
        Assert.Equal("", Server.Spec("holderIdentity") ?? "");
        var released = _time.GetUtcNow();
        await AdvanceUntil(standby.Granted.Task);
        Assert.True(_time.GetUtcNow() - released < KubernetesLeaseSettings.DefaultLeaseDuration, "taken at a next try, not after the lease duration");
        Assert.Equal("coordinator-b", Server.Spec("holderIdentity"));
        await stopStandby.CancelAsync();
        await waiting.WaitAsync(Bound);
    }

    private Task AdvanceUntil(Task done) => AdvanceUntil(() => done.IsCompleted);

    /// <summary>Moves the fake clock on by one second at a time until <paramref name="done"/> (bounded in real time).</summary>
    private async Task AdvanceUntil(Func<bool> done)
    {
        var deadline = DateTime.UtcNow + Bound;
        while (!done())
        {
            Assert.True(DateTime.UtcNow < deadline, "the election did not get there in time");
            var before = Server.Requests;
            _time.Advance(TimeSpan.FromSeconds(1));
            // Let a loop woken by the clock make its calls before the clock moves again.
            for (var i = 0; i < 20 && Server.Requests == before && !done(); i++)
                await Task.Delay(5);
        }
    }

    private sealed class RecordingContender : ILeaderContender
    {
        public TaskCompletionSource Granted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Revoked { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void GrantLeadership() => Granted.TrySetResult();

        public void RevokeLeadership() => Revoked.TrySetResult();
    }
}
