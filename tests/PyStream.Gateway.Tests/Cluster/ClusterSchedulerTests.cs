using PyStream.Cluster.Protocol;
using PyStream.Engine.Graph;
using PyStream.Engine.Runtime;
using PyStream.Engine.Runtime.Cluster;
using PyStream.Engine.Spec;
using PyStream.Gateway.Cluster;

namespace PyStream.Gateway.Tests.Cluster;

/// <summary>Placement, slots and an attempt's end, with workers as registry entries and their deployment streams as sessions.</summary>
public sealed class ClusterSchedulerTests : IDisposable
{
    private readonly SchedulerHarness _harness = new(slots: 2, ["a", "b", "c"]);

    public void Dispose() => _harness.Dispose();

    [Fact]
    public void Subtask_i_of_every_vertex_goes_to_slot_i_and_the_slots_spread_over_the_workers_first()
    {
        Exception? failure = new InvalidOperationException("not ended");
        var scheduled = _harness.Scheduler.Schedule(Attempt(parallelism: 4), f => failure = f);

        var shares = _harness.Sessions.Select(s => Assert.IsType<DeploymentCommand>(Next(s)).Deploy).ToList();
        var (a, b, c) = (_harness.Sessions[0].Worker.Id, _harness.Sessions[1].Worker.Id, _harness.Sessions[2].Worker.Id);
        // The job's slots in order: a/0, b/0, c/0, a/1; the source (parallelism 1) and subtask 0 of the map share a/0.
        var expected = new[] { (a, 0), (b, 0), (c, 0), (a, 1) };
        foreach (var share in shares)
        {
            Assert.Equal(5, share.Placement.Count);
            Assert.All(share.Placement, p => Assert.Equal(expected[p.Subtask], (p.WorkerId, p.Slot)));
            Assert.Equal(3, share.DataAddresses.Count);
        }

        Assert.Null(scheduled.Waiting);
        Assert.Equal([0, 1], _harness.Sessions[0].Worker.AllocatedSlots.Select(s => s.Slot));
        Assert.Equal(2, _harness.Registry.All.Sum(w => w.FreeSlots));

        foreach (var session in _harness.Sessions.Take(2))
            Report(session, ShareState.Types.State.Finished);
        Assert.NotNull(failure); // c's share still runs
        Report(_harness.Sessions[2], ShareState.Types.State.Finished);
        Assert.Null(failure);
        Assert.Equal(6, _harness.Registry.All.Sum(w => w.FreeSlots));
    }

    [Fact]
    public void A_failed_share_cancels_the_others_and_the_attempt_ends_with_its_failure_once_they_stopped()
    {
        Exception? failure = null;
        var ended = 0;
        var attempt = Attempt(parallelism: 3);
        _harness.Scheduler.Schedule(attempt, f => (failure, ended) = (f, ended + 1));
        foreach (var session in _harness.Sessions)
            Next(session);

        // The subtask is named by its vertex and index, not by parsing its task name.
        _harness.Scheduler.OnReport(_harness.Sessions[1].Worker.Id, new WorkerReport
        {
            State = new ShareState
            {
                AttemptId = "attempt", State = ShareState.Types.State.Failed, Message = "boom", OperatorName = "Map", UserTraceback = "ValueError: boom",
                TaskName = "not (a/name)", Vertex = 1, Subtask = 2,
            },
        });

        Assert.Equal("attempt", Next(_harness.Sessions[0])!.Cancel.AttemptId);
        Assert.Equal("attempt", Next(_harness.Sessions[2])!.Cancel.AttemptId);
        Assert.Equal(0, ended);
        Report(_harness.Sessions[0], ShareState.Types.State.Canceled);
        _harness.Registry.Remove(_harness.Sessions[2].Worker.Id, "killed"); // a lost worker's share counts as ended
        Assert.Equal(1, ended);
        var error = Assert.IsType<PyStream.Engine.UserCode.UserFunctionException>(failure);
        Assert.Equal("ValueError: boom", error.UserTraceback);
        var sink = attempt.Graph.Chains.Single(c => c.Index == 1);
        Assert.Equal(new PyStream.Engine.TaskInfo(sink.Name, 2, 3, 128, 0) { Vertex = 1 }, error.RemoteTask);
    }

    [Fact]
    public void A_failed_share_without_a_vertex_names_no_subtask_and_one_naming_a_subtask_the_attempt_lacks_neither()
    {
        foreach (var (state, index) in new[] { new ShareState { TaskName = "print (3/3)" }, new ShareState { Vertex = 1, Subtask = 3 }, new ShareState { Vertex = 9 } }
                     .Select((s, i) => (s, i)))
        {
            Exception? failure = null;
            var attempt = Attempt(parallelism: 3) with { AttemptId = $"attempt-{index}", JobId = $"job-{index}" };
            _harness.Scheduler.Schedule(attempt, f => failure = f);
            state.AttemptId = attempt.AttemptId;
            state.State = ShareState.Types.State.Failed;
            state.UserTraceback = "ValueError: boom";
            foreach (var session in _harness.Sessions)
                _harness.Scheduler.OnReport(session.Worker.Id, new WorkerReport { State = state });
            Assert.Null(Assert.IsType<PyStream.Engine.UserCode.UserFunctionException>(failure).RemoteTask);
        }
    }

    [Fact]
    public async Task Running_or_ended_completes_once_every_share_runs_or_when_the_attempt_ends_without_running()
    {
        var scheduled = _harness.Scheduler.Schedule(Attempt(parallelism: 3), _ => { });
        foreach (var session in _harness.Sessions.Take(2))
            Report(session, ShareState.Types.State.Running);
        Assert.False(scheduled.RunningOrEnded.IsCompleted);
        Report(_harness.Sessions[2], ShareState.Types.State.Running);
        Assert.True(scheduled.RunningOrEnded.IsCompletedSuccessfully);
        Assert.True(scheduled.Running);

        var cancelled = _harness.Scheduler.Schedule(Attempt(parallelism: 7) with { AttemptId = "waiting", JobId = "other" }, _ => { });
        Assert.False(cancelled.RunningOrEnded.IsCompleted);
        cancelled.Cancel(); // its wait for slots may end it on the thread pool: a bounded wait
        await cancelled.RunningOrEnded.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(cancelled.Running);
    }

    [Fact]
    public void A_job_needing_more_slots_than_there_are_waits_with_the_reason_then_fails_after_the_slot_request_timeout()
    {
        Exception? failure = null;
        var scheduled = _harness.Scheduler.Schedule(Attempt(parallelism: 7, slotRequestTimeout: "2 s"), f => failure = f);
        Assert.Equal("waiting for slots: 7 slots needed, 6 free of 6 on 3 workers", scheduled.Waiting);

        // The scheduler looks again every 100 ms of the fake clock, on the thread pool: each step waits (bounded) for it.
        for (var i = 0; i < 19; i++)
        {
            _harness.Time.Advance(TimeSpan.FromMilliseconds(100));
            SpinWait.SpinUntil(() => Volatile.Read(ref failure) is not null, TimeSpan.FromMilliseconds(20));
        }

        Assert.Null(failure);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (Volatile.Read(ref failure) is null && DateTime.UtcNow < deadline)
        {
            _harness.Time.Advance(TimeSpan.FromMilliseconds(100));
            SpinWait.SpinUntil(() => Volatile.Read(ref failure) is not null, TimeSpan.FromMilliseconds(50));
        }

        Assert.Equal("Could not acquire the minimum required resources for job 'job' within 2 s (slot.request.timeout): 7 slots needed, 6 free of 6 on 3 workers",
            Assert.IsType<PyStream.Engine.PyStreamException>(failure).Message);
        Assert.Equal(6, _harness.Registry.All.Sum(w => w.FreeSlots));
        Assert.All(_harness.Sessions, s => Assert.False(s.Commands.TryRead(out _)));
    }

    [Fact]
    public void An_elastic_attempt_built_for_more_slots_than_are_free_ends_asking_for_the_free_ones_once_they_stabilized()
    {
        Exception? failure = null;
        var adaptive = new ElasticScaling(Reactive: false, TimeSpan.FromSeconds(1), null, TimeSpan.Zero, 1);
        var scheduled = _harness.Scheduler.Schedule(Attempt(parallelism: 8) with { Elastic = adaptive, DesiredSlots = 8 }, f => failure = f);
        Assert.Equal("waiting for slots: 8 wanted, 6 free (up to jobmanager.adaptive-scheduler.resource-stabilization-timeout 1000 ms)", scheduled.Waiting);

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (Volatile.Read(ref failure) is null && DateTime.UtcNow < deadline)
        {
            _harness.Time.Advance(TimeSpan.FromMilliseconds(100));
            SpinWait.SpinUntil(() => Volatile.Read(ref failure) is not null, TimeSpan.FromMilliseconds(20));
        }

        Assert.Equal(6, Assert.IsType<RescaleRequest>(failure).Slots);
        Assert.True(_harness.Time.GetUtcNow() >= DateTimeOffset.UnixEpoch + TimeSpan.FromSeconds(1));
        Assert.All(_harness.Sessions, s => Assert.False(s.Commands.TryRead(out _))); // nothing was deployed
        Assert.Equal(6, _harness.Registry.All.Sum(w => w.FreeSlots));
    }

    [Fact]
    public void A_running_reactive_attempt_ends_to_grow_when_a_worker_joins_and_not_before_scaling_interval_min()
    {
        Exception? failure = null;
        var ended = 0;
        var reactive = new ElasticScaling(Reactive: true, TimeSpan.Zero, null, TimeSpan.FromSeconds(5), 1);
        _harness.Scheduler.Schedule(Attempt(parallelism: 6) with { Elastic = reactive, DesiredSlots = 128 }, f => (failure, ended) = (f, ended + 1));
        foreach (var session in _harness.Sessions)
        {
            Assert.NotNull(Next(session)!.Deploy);
            Report(session, ShareState.Types.State.Running);
        }

        Assert.Equal(0, _harness.Registry.All.Sum(w => w.FreeSlots));
        _harness.Join("d", slots: 2);
        Assert.All(_harness.Sessions, s => Assert.Null(Next(s))); // within scaling-interval.min of the deployment: it waits

        _harness.Time.Advance(TimeSpan.FromSeconds(5));
        foreach (var session in _harness.Sessions.Take(3))
            Assert.Equal("attempt", Next(session)!.Cancel.AttemptId);
        Assert.Equal(0, ended);
        foreach (var session in _harness.Sessions.Take(3))
            Report(session, ShareState.Types.State.Canceled);
        Assert.Equal(1, ended);
        Assert.Equal(8, Assert.IsType<RescaleRequest>(failure).Slots);
        Assert.Equal(8, _harness.Registry.All.Sum(w => w.FreeSlots));
    }

    private void Report(WorkerSession session, ShareState.Types.State state) =>
        _harness.Scheduler.OnReport(session.Worker.Id, new WorkerReport { State = new ShareState { AttemptId = "attempt", State = state } });

    internal static DeploymentCommand? Next(WorkerSession session) => session.Commands.TryRead(out var command) ? command : null;

    internal static ClusterAttempt Attempt(int parallelism, string? slotRequestTimeout = null)
    {
        var spec = new JobSpec { Name = "job", Parallelism = parallelism };
        spec.Transformations.Add(new Transformation { Id = 1, Name = "numbers", Parallelism = 1, Source = new SourceSpec { NumberSequence = new NumberSequenceSource { From = 0, To = 9 } } });
        var map = new Transformation { Id = 2, Name = "print", Parallelism = parallelism, Sink = new SinkSpec { Print = new PrintSink() } };
        map.Inputs.Add(new Edge { SourceId = 1, Partitioning = Partitioning.Rebalance });
        spec.Transformations.Add(map);
        var configuration = slotRequestTimeout is null ? new Dictionary<string, string>() : new Dictionary<string, string> { [ClusterScheduler.SlotRequestTimeoutKey] = slotRequestTimeout };
        return new ClusterAttempt("job-id", "attempt", 0, JobGraphBuilder.Build(spec), new JobEnvironment(), configuration);
    }
}
