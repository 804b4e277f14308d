using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
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
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UnixEpoch);
    private readonly WorkerRegistry _registry;
    private readonly ClusterScheduler _scheduler;
    private readonly List<WorkerSession> _sessions = [];
    private readonly string _savepoints = Path.Combine(Path.GetTempPath(), $"pystream-savepoints-{Guid.NewGuid():N}");

    public SavepointDuringDeploymentTests()
    {
        _registry = new WorkerRegistry(new HeartbeatSettings(TimeSpan.FromHours(1), TimeSpan.FromHours(2)), _time, NullLogger<WorkerRegistry>.Instance, version: "1");
        _scheduler = new ClusterScheduler(_registry, _time, NullLogger<ClusterScheduler>.Instance);
        foreach (var instance in new[] { "a", "b" })
        {
            var worker = _registry.Register(new WorkerOffer("1", 2, instance, $"127.0.0.1:{7000 + instance[0]}", instance, new WorkerHardware(2, 1 << 30, 1 << 30, 0)));
            _sessions.Add(_scheduler.Open(worker));
        }
    }

    public void Dispose()
    {
        _registry.Dispose();
        if (Directory.Exists(_savepoints))
            Directory.Delete(_savepoints, recursive: true);
    }

    [Fact]
    public void A_savepoint_asked_for_while_the_shares_deploy_is_triggered_once_every_share_runs()
    {
        var execution = JobExecution.Start(ClusterSchedulerTests.Attempt(parallelism: 2).Graph.Spec, new JobEnvironment { Cluster = _scheduler, Time = _time });
        var attemptId = _sessions.Select(s => ClusterSchedulerTests.Next(s)!.Deploy.AttemptId).Distinct().Single();
        Assert.Equal(JobStatus.Running, execution.Status);

        var savepoint = execution.TriggerSavepoint(_savepoints);
        _scheduler.OnReport(_sessions[0].Worker.Id, Running(attemptId));
        Assert.False(savepoint.IsCompleted);
        Assert.All(_sessions, s => Assert.Null(ClusterSchedulerTests.Next(s))); // one share runs: nothing triggered yet

        _scheduler.OnReport(_sessions[1].Worker.Id, Running(attemptId));
        DeploymentCommand? trigger = null; // the savepoint goes on on the thread pool: a bounded wait for its command
        Assert.True(SpinWait.SpinUntil(() => (trigger = ClusterSchedulerTests.Next(_sessions[0])) is not null, TimeSpan.FromSeconds(10)));
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
        var execution = JobExecution.Start(spec, new JobEnvironment { Cluster = _scheduler, Time = _time });
        var savepoint = execution.TriggerSavepoint(_savepoints);
        Assert.False(savepoint.IsCompleted);

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!savepoint.IsCompleted && DateTime.UtcNow < deadline)
        {
            _time.Advance(ClusterScheduler.SlotPollInterval);
            SpinWait.SpinUntil(() => savepoint.IsCompleted, TimeSpan.FromMilliseconds(20));
        }

        var refusal = Assert.Throws<AggregateException>(() => savepoint.Wait(TimeSpan.FromSeconds(10))).InnerException;
        Assert.Equal("job 'job' is not running (Failed)", Assert.IsType<PyStreamException>(refusal).Message);
        Assert.True(_time.GetUtcNow() < DateTimeOffset.UnixEpoch + TimeSpan.FromMinutes(1)); // it did not wait out the deployment wait
    }

    private static WorkerReport Running(string attemptId) =>
        new() { State = new ShareState { AttemptId = attemptId, State = ShareState.Types.State.Running } };
}
