using PyStream.Cluster.Protocol;
using PyStream.Engine;
using PyStream.Engine.Runtime;
using PyStream.Gateway.Cluster;

namespace PyStream.Gateway.Tests.Cluster;

/// <summary>
/// A job on workers is RUNNING while its attempt deploys: a savepoint asked for then waits for the attempt's shares to
/// run (no polling), and is refused once the attempt ended without running.
/// </summary>
public sealed class SavepointDuringDeploymentTests : IDisposable
{
    private readonly SchedulerHarness _harness = new(slots: 2, ["a", "b"]);
    private readonly string _savepoints = Path.Combine(Path.GetTempPath(), $"pystream-savepoints-{Guid.NewGuid():N}");

    public void Dispose()
    {
        _harness.Dispose();
        if (Directory.Exists(_savepoints))
            Directory.Delete(_savepoints, recursive: true);
    }

    [Fact]
    public void A_savepoint_asked_for_while_the_shares_deploy_is_triggered_once_every_share_runs()
    {
        var execution = JobExecution.Start(ClusterSchedulerTests.Attempt(parallelism: 2).Graph.Spec, new JobEnvironment { Cluster = _harness.Scheduler, Time = _harness.Time });
        var attemptId = _harness.Sessions.Select(s => ClusterSchedulerTests.Next(s)!.Deploy.AttemptId).Distinct().Single();
        Assert.Equal(JobStatus.Running, execution.Status);

        var savepoint = execution.TriggerSavepoint(_savepoints);
        _harness.Scheduler.OnReport(_harness.Sessions[0].Worker.Id, Running(attemptId));
        Assert.False(savepoint.IsCompleted);
        Assert.All(_harness.Sessions, s => Assert.Null(ClusterSchedulerTests.Next(s))); // one share runs: nothing triggered yet

        _harness.Scheduler.OnReport(_harness.Sessions[1].Worker.Id, Running(attemptId));
        DeploymentCommand? trigger = null; // the savepoint goes on on the thread pool: a bounded wait for its command
        Assert.True(SpinWait.SpinUntil(() => (trigger = ClusterSchedulerTests.Next(_harness.Sessions[0])) is not null, TimeSpan.FromSeconds(10)));
        Assert.Equal(TriggerCheckpoint.Types.Kind.Savepoint, trigger!.TriggerCheckpoint.Kind);
        Assert.Equal(attemptId, trigger.TriggerCheckpoint.AttemptId);
        Assert.StartsWith(_savepoints, trigger.TriggerCheckpoint.Directory, StringComparison.Ordinal);
        execution.Cancel();
    }

    [Fact]
    public void A_savepoint_asked_for_while_the_attempt_waits_for_slots_is_refused_when_the_attempt_fails()
    {
        var spec = ClusterSchedulerTests.Attempt(parallelism: 5).Graph.Spec.Clone();
        spec.Configuration[ClusterScheduler.SlotRequestTimeoutKey] = "1 s";
        var execution = JobExecution.Start(spec, new JobEnvironment { Cluster = _harness.Scheduler, Time = _harness.Time });
        var savepoint = execution.TriggerSavepoint(_savepoints);
        Assert.False(savepoint.IsCompleted);

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!savepoint.IsCompleted && DateTime.UtcNow < deadline)
        {
            _harness.Time.Advance(ClusterScheduler.SlotPollInterval);
            SpinWait.SpinUntil(() => savepoint.IsCompleted, TimeSpan.FromMilliseconds(20));
        }

        var refusal = Assert.Throws<AggregateException>(() => savepoint.Wait(TimeSpan.FromSeconds(10))).InnerException;
        Assert.Equal("job 'job' is not running (Failed)", Assert.IsType<PyStreamException>(refusal).Message);
        Assert.True(_harness.Time.GetUtcNow() < DateTimeOffset.UnixEpoch + TimeSpan.FromMinutes(1)); // it did not wait out the deployment wait
    }

    private static WorkerReport Running(string attemptId) =>
        new() { State = new ShareState { AttemptId = attemptId, State = ShareState.Types.State.Running } };
}
