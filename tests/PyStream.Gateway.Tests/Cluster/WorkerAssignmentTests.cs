using Microsoft.Extensions.Logging.Abstractions;
using PyStream.Cluster.Protocol;
using PyStream.Engine;
using PyStream.Gateway.Cluster;

namespace PyStream.Gateway.Tests.Cluster;

/// <summary>The scheduler's seam for local workers: an attempt takes slots only of the workers its assignment gives it.</summary>
public sealed class WorkerAssignmentTests : IDisposable
{
    private readonly OnlyOneWorker _assignment = new();
    private readonly SchedulerHarness _harness;

    public WorkerAssignmentTests() => _harness = new SchedulerHarness(slots: 4, ["a", "b"], _assignment);

    public void Dispose() => _harness.Dispose();

    [Fact]
    public void An_attempt_waits_until_its_workers_are_there_then_takes_only_theirs_and_releases_them_at_its_end()
    {
        _assignment.Allowed = null; // its worker is still starting
        Exception? failure = new InvalidOperationException("not ended");
        var scheduled = _harness.Scheduler.Schedule(ClusterSchedulerTests.Attempt(parallelism: 3), f => failure = f);
        Assert.Equal("waiting for slots: starting", scheduled.Waiting);
        Assert.All(_harness.Sessions, s => Assert.Null(ClusterSchedulerTests.Next(s)));

        _assignment.Allowed = "b";
        _harness.Time.Advance(ClusterScheduler.SlotPollInterval);
        DeploymentCommand? deployed = null; // the scheduler looks again on the thread pool: a bounded wait for it
        SpinWait.SpinUntil(() => (deployed = ClusterSchedulerTests.Next(_harness.Sessions[1])) is not null, TimeSpan.FromSeconds(10));
        var share = Assert.IsType<DeploymentCommand>(deployed).Deploy;
        Assert.All(share.Placement, p => Assert.Equal(_harness.Sessions[1].Worker.Id, p.WorkerId)); // all three subtasks on b, none spread to a
        Assert.Null(ClusterSchedulerTests.Next(_harness.Sessions[0]));
        Assert.Empty(_assignment.ReleasedAttempts);

        _harness.Scheduler.OnReport(_harness.Sessions[1].Worker.Id, new WorkerReport { State = new ShareState { AttemptId = "attempt", State = ShareState.Types.State.Finished } });
        Assert.Null(failure);
        Assert.Equal(["attempt"], _assignment.ReleasedAttempts);
    }

    [Fact]
    public void Workers_that_cannot_be_had_fail_the_attempt_with_the_reason()
    {
        _assignment.Failure = new PyStreamException("a local worker for this job exited with status 3 before it ran the job");
        Exception? failure = null;
        _harness.Scheduler.Schedule(ClusterSchedulerTests.Attempt(parallelism: 1), f => failure = f);

        Assert.Equal(_assignment.Failure.Message, Assert.IsType<PyStreamException>(failure).Message);
        Assert.Equal(["attempt"], _assignment.ReleasedAttempts);
    }

    [Fact]
    public void A_pool_whose_worker_executable_is_missing_fails_the_attempt_at_once()
    {
        using var pool = new LocalWorkerPool(new LocalWorkerSettings(WorkersPerJob: 2, Spares: 1), "/nonexistent/pystream-worker", token: null, NullLogger<LocalWorkerPool>.Instance);
        Assert.Null(pool.WorkersFor("attempt", 1, [], out var notStarted));
        Assert.Equal("the gateway's local workers are not started", notStarted);

        pool.Start("127.0.0.1:1"); // the spare cannot start: logged, nothing running
        Assert.Equal(0, pool.Running);
        var error = Assert.Throws<PyStreamException>(() => pool.WorkersFor("attempt", 1, [], out _));
        Assert.Contains("cannot start its local worker '/nonexistent/pystream-worker'", error.Message, StringComparison.Ordinal);
        Assert.Contains("--local-workers off", error.Message, StringComparison.Ordinal);
    }

    /// <summary>Gives an attempt the worker whose instance id is <see cref="Allowed"/>; none (it waits) when null.</summary>
    [Fact]
    public void An_elastic_job_counts_the_slots_its_assignment_allows_not_the_free_slots_of_the_workers()
    {
        _assignment.Allowed = "b";
        Assert.Equal(1, _harness.Scheduler.SlotsFor("job-id", new Dictionary<string, string>())); // though a and b have 4 free slots each
        Exception? failure = null;
        var reactive = new PyStream.Engine.Runtime.Cluster.ElasticScaling(Reactive: true, TimeSpan.Zero, null, TimeSpan.Zero, 1);
        _harness.Scheduler.Schedule(ClusterSchedulerTests.Attempt(parallelism: 3) with { Elastic = reactive, DesiredSlots = 128 }, f => failure = f);
        Assert.Equal(1, Assert.IsType<PyStream.Engine.Runtime.Cluster.RescaleRequest>(failure).Slots);

        var atOne = _harness.Scheduler.Schedule(ClusterSchedulerTests.Attempt(parallelism: 1) with { AttemptId = "at-one", Elastic = reactive, DesiredSlots = 128 }, _ => { });
        var share = ClusterSchedulerTests.Next(_harness.Sessions[1])!.Deploy;
        Assert.Equal("at-one", share.AttemptId);
        _harness.Scheduler.OnReport(_harness.Sessions[1].Worker.Id, new WorkerReport { State = new ShareState { AttemptId = "at-one", State = ShareState.Types.State.Running } });
        Assert.True(atOne.Running);
        Assert.Null(ClusterSchedulerTests.Next(_harness.Sessions[1])); // running at its one slot, it does not grow into b's other three
    }

    private sealed class OnlyOneWorker : IWorkerAssignment
    {
        public string? Allowed { get; set; }

        public PyStreamException? Failure { get; set; }

        public List<string> ReleasedAttempts { get; } = [];

        public int ElasticSlots => 1;

        public IReadOnlyList<RegisteredWorker>? WorkersFor(string attemptId, int slotsNeeded, IReadOnlyList<RegisteredWorker> connected, out string reason)
        {
            if (Failure is not null)
                throw Failure;
            reason = "starting";
            return Allowed is null ? null : [.. connected.Where(w => w.Offer.InstanceId == Allowed)];
        }

        public void Cancelling(string attemptId)
        {
        }

        public void Released(string attemptId) => ReleasedAttempts.Add(attemptId);
    }
}
