using System.Diagnostics;
using Microsoft.Extensions.Logging;
using PyStream.Engine.Checkpointing;
using PyStream.Engine.Graph;
using PyStream.Engine.Settings;
using PyStream.Engine.Spec;
using PyStream.Engine.Telemetry;
using PyStream.Engine.UserCode;

namespace PyStream.Engine.Runtime;

/// <summary>
/// A job from start to end: one <see cref="JobRun"/> at a time (every subtask on its own
/// thread), restarted from the latest completed checkpoint when a run fails and the restart
/// strategy allows it. Checkpoints go to <c>{state.checkpoints.dir}/{job id}/chk-{n}</c>.
/// </summary>
public sealed class JobExecution
{
    private readonly JobEnvironment _environment;
    private readonly ILogger _log;
    private readonly IReadOnlyDictionary<string, string> _configuration;
    private readonly RestartStrategy _restarts;
    private readonly CompletedCheckpointStore _checkpoints;
    private readonly JobCheckpointIds _checkpointIds;
    private readonly object _lock = new();
    private readonly ManualResetEventSlim _done = new();
    private static readonly TimeSpan SavepointDeploymentWait = TimeSpan.FromMinutes(1);
    private JobRun? _run;
    private ITimer? _restartTimer;
    private Exception? _failure;
    private bool _cancelRequested;
    private bool _suspendRequested;
    private int _attempts;
    // An elastic job's next run: the slots it rescales to (null: as its scheduler mode decides).
    private int? _rescaleSlots;
    // The job's span, from submission to its end; its runs (attempts) are children. The caller's
    // current activity (e.g. a gateway request carrying the client's trace) is its parent.
    private readonly Activity? _span;
    private readonly List<JobFailure> _failures = [];

    private JobExecution(JobGraph graph, JobEnvironment environment, string? jobId, Cluster.AttemptDeployment? deployment = null)
    {
        Graph = graph;
        SubmittedSpec = graph.Spec;
        _environment = environment;
        Deployment = deployment;
        _log = environment.LoggerFactory.CreateLogger<JobExecution>();
        JobId = jobId ?? Guid.NewGuid().ToString("N");
        _configuration = ConfigurationAliases.Resolve(environment.ConfigurationOverrides.Count + environment.ConfigurationDefaults.Count == 0
            ? graph.Spec.Configuration
            : environment.ConfigurationDefaults.Concat(graph.Spec.Configuration).Concat(environment.ConfigurationOverrides)
                .GroupBy(kv => kv.Key).ToDictionary(g => g.Key, g => g.Last().Value));
        StartTime = environment.Time.GetUtcNow();
        Checkpointing = CheckpointingOptions.From(_configuration);
        if (graph.IsBatch && Checkpointing.Interval is not null)
            Checkpointing = Checkpointing with { Interval = null }; // as in Flink: BATCH jobs recover by re-running, not from checkpoints
        // A worker's share of a cluster attempt never restarts by itself: the coordinator deploys the next attempt.
        _restarts = deployment is null ? RestartStrategy.From(_configuration, Checkpointing.Interval is not null) : RestartStrategy.From(NoRestart, checkpointing: false);
        CheckpointHistory = new CheckpointHistory(Checkpointing.History);
        BufferTimeout = Settings.BufferTimeout.From(_configuration);
        PythonMaxRecordsPerCall = PythonCalls.MaxRecords(_configuration);
        DebloatTarget = BufferDebloat.From(_configuration);
        _checkpoints = new CompletedCheckpointStore(Path.Combine(Checkpointing.Directory, JobId), Checkpointing.Retained);
        _checkpointIds = new JobCheckpointIds(1);
        // Only a coordinator's run follows the slots; its workers run the rescaled spec they are sent as it is.
        Elastic = environment.Cluster is not null && deployment is null ? Cluster.ElasticScaling.From(_configuration, graph.IsBatch) : null;
        DesiredSlots = Elastic?.DesiredSlots(graph.Spec) ?? 0;
        _span = EngineTelemetry.Activities.StartActivity("job", ActivityKind.Internal)
            ?.SetTag("pystream.job", Name).SetTag("pystream.job.id", JobId);
    }

    private static readonly Dictionary<string, string> NoRestart = new() { [RestartStrategy.TypeKey] = "none" };

    /// <summary>A task ended the job early (a collect sink that got its limit): the job finished, though its sources had not.</summary>
    public bool FinishRequested { get; private set; }

    /// <summary>The share of a cluster attempt this process runs; null when it runs the whole job.</summary>
    public Cluster.AttemptDeployment? Deployment { get; }

    /// <summary>The job's span: each run is its child.</summary>
    public ActivityContext TraceContext => _span?.Context ?? default;

    public string JobId { get; }

    /// <summary>The graph of the current run: an elastic job's parallelism changes with its slots.</summary>
    public JobGraph Graph { get; private set; }

    /// <summary>The job as submitted (an elastic job's runs are rescaled copies).</summary>
    public JobSpec SubmittedSpec { get; }

    /// <summary>On a cluster's coordinator with the adaptive scheduler or reactive mode: how the job follows the slots; null: it keeps its parallelism.</summary>
    public Cluster.ElasticScaling? Elastic { get; }

    /// <summary>With <see cref="Elastic"/>: the slots the job takes when there are enough.</summary>
    public int DesiredSlots { get; }

    public string Name => Graph.Spec.Name;

    public CheckpointingOptions Checkpointing { get; }

    /// <summary>Every configuration key in effect (defaults, the job's own, overrides), aliases resolved.</summary>
    public IReadOnlyDictionary<string, string> Configuration => _configuration;

    /// <summary>What the job does after a failure, in words ("no restart", "fixed delay (...)").</summary>
    public string RestartStrategyDescription => _restarts.Description;

    /// <summary>How long records may wait in a partly filled output buffer; null: until it is full.</summary>
    public TimeSpan? BufferTimeout { get; }

    /// <summary>The most records one Python call gets.</summary>
    public int PythonMaxRecordsPerCall { get; }

    /// <summary>How long a task should take over the records queued for it (buffer debloating); null: not bounded.</summary>
    public TimeSpan? DebloatTarget { get; }

    public JobStatus Status
    {
        get;
        private set
        {
            if (field == value)
                return;
            field = value;
            StatusChanged?.Invoke(this, value);
        }
    } = JobStatus.Created;

    /// <summary>Finished, failed or cancelled: the status will not change again.</summary>
    public bool HasEnded => Status is JobStatus.Finished or JobStatus.Failed or JobStatus.Canceled or JobStatus.Suspended;

    /// <summary>Raised on the thread that changed the status, maybe under the job's own lock: a handler only signals.</summary>
    public event Action<JobExecution, JobStatus>? StatusChanged;

    public DateTimeOffset StartTime { get; }

    /// <summary>When the job reached its final status; null until then.</summary>
    public DateTimeOffset? EndTime { get; private set; }

    /// <summary>Every failure of a run, oldest first: the ones it restarted after, then the one it failed with.</summary>
    public IReadOnlyList<JobFailure> Failures
    {
        get
        {
            lock (_failures)
                return [.. _failures];
        }
    }

    /// <summary>The checkpoint or savepoint the latest run started from, and when; null when it started empty.</summary>
    public (RestoredCheckpoint Checkpoint, DateTimeOffset At)? LatestRestore { get; private set; }

    /// <summary>The checkpoints and savepoints the job attempted (counts of all, the newest in full), with durations and sizes.</summary>
    public CheckpointHistory CheckpointHistory { get; }

    /// <summary>The job's retained completed checkpoints, oldest first.</summary>
    public IReadOnlyList<(string Directory, CheckpointMetadata Metadata)> CompletedCheckpoints => _checkpoints.Snapshot();

    /// <summary>A new job id: 32 hex digits, as Flink's.</summary>
    public static string NewJobId() => Guid.NewGuid().ToString("N");

    /// <summary>Builds the job, restores it when <c>execution.savepoint.path</c> is set, and starts every task.</summary>
    /// <param name="statusChanged">Subscribed to <see cref="StatusChanged"/> before the job starts, so it sees every change.</param>
    /// <param name="jobId">The job's id; a new one when null. A coordinator that resumes a job passes its old id, so the job keeps its checkpoint directory.</param>
    public static JobExecution Start(JobSpec spec, JobEnvironment environment, Action<JobExecution, JobStatus>? statusChanged = null, string? jobId = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(environment);
        var execution = new JobExecution(JobGraphBuilder.Build(spec), environment, jobId: jobId);
        execution.StatusChanged += statusChanged;
        var restore = execution.Checkpointing.RestorePath is { } path ? CheckpointLocator.Resolve(path, environment.LoggerFactory.CreateLogger(typeof(CheckpointLocator))) : null;
        if (restore is not null)
        {
            execution._checkpointIds.Reset(restore.CheckpointId + 1);
            // A checkpoint of this very job (resumed under its id): retained and discarded by the same rules as its new ones.
            if (string.Equals(Path.GetDirectoryName(Path.GetFullPath(restore.Directory)), Path.GetFullPath(execution._checkpoints.JobDirectory), StringComparison.Ordinal))
                execution._checkpoints.Add(restore.Directory, restore.Metadata);
        }

        execution.StartRun(restore);
        return execution;
    }

    /// <summary>
    /// Starts a worker's share of a cluster attempt: only the subtasks <paramref name="deployment"/> places on
    /// this worker, connected to the others through <see cref="JobEnvironment.Network"/>, restored from the
    /// deployment's checkpoint. It does not restart by itself, and takes no checkpoints of its own: the
    /// coordinator's are triggered through <see cref="TriggerCheckpoint"/>.
    /// </summary>
    public static JobExecution StartPart(JobSpec spec, JobEnvironment environment, Cluster.AttemptDeployment deployment, string jobId,
        Action<JobExecution, JobStatus>? statusChanged = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(deployment);
        if (environment?.Network is null)
            throw new ArgumentException("a worker's share of an attempt needs the worker's network channels", nameof(environment));
        var execution = new JobExecution(JobGraphBuilder.Build(spec), environment, jobId, deployment);
        execution.StatusChanged += statusChanged;
        execution._attempts = deployment.AttemptNumber; // the share runs the coordinator's attempt, not its own first
        var restore = deployment.RestorePath is { } path ? CheckpointLocator.Resolve(path, environment.LoggerFactory.CreateLogger(typeof(CheckpointLocator))) : null;
        execution.StartRun(restore);
        return execution;
    }

    /// <summary>Runs a job to its end; throws <see cref="JobExecutionException"/> when it fails.</summary>
    public static JobExecution Run(JobSpec spec, JobEnvironment environment)
    {
        var execution = Start(spec, environment);
        execution.Wait();
        return execution;
    }

    public void Cancel() => Stop(suspend: false);

    /// <summary>
    /// Stops the job here without ending it for good (Flink's <c>SUSPENDED</c>): its checkpoints
    /// are kept, so a coordinator that takes over resumes it. For a coordinator that lost its
    /// leadership or shuts down with high availability.
    /// </summary>
    public void Suspend() => Stop(suspend: true);

    private void Stop(bool suspend)
    {
        JobRun? run;
        lock (_lock)
        {
            _cancelRequested = true;
            _suspendRequested |= suspend;
            run = _run;
            if (Status == JobStatus.Restarting)
                End(JobStatus.Canceled);
            else if (Status is JobStatus.Running or JobStatus.Failing)
                Status = JobStatus.Cancelling;
        }

        run?.Cancel();
    }

    /// <summary>Takes a savepoint into a new directory under <paramref name="directory"/> (or the configured savepoint directory); returns its path.</summary>
    public Task<string> TriggerSavepoint(string? directory, bool stop = false, bool drain = false)
    {
        if (Graph.IsBatch)
            throw new PyStreamException("BATCH jobs take no savepoints");
        var target = directory is { Length: > 0 } ? CheckpointingOptions.LocalPath(directory) : Checkpointing.SavepointDirectory
            ?? throw new PyStreamException($"no savepoint directory: give one, or set {CheckpointingOptions.SavepointDirectoryKey}");
        JobRun run;
        lock (_lock)
            run = _run is { } current && Status == JobStatus.Running ? current : throw new PyStreamException($"job '{Name}' is not running ({Status})");
        var coordinator = run.Coordinator ?? throw new PyStreamException($"job '{Name}' takes no checkpoints here: its coordinator takes them");
        return run.Scheduled is { Running: false } scheduled
            ? TriggerSavepointOnceDeployedAsync(run, scheduled, coordinator, target, stop, drain)
            : coordinator.TriggerSavepoint(target, stop, drain);
    }

    /// <summary>
    /// A job on workers is RUNNING while its attempt is still being placed and deployed (its workers starting):
    /// a savepoint asked for meanwhile waits for the shares to run, up to <see cref="SavepointDeploymentWait"/>
    /// (or the checkpoint timeout, if shorter), then is refused as usual if they still do not.
    /// </summary>
    private async Task<string> TriggerSavepointOnceDeployedAsync(JobRun run, Cluster.IScheduledAttempt scheduled, CheckpointCoordinator coordinator,
        string target, bool stop, bool drain)
    {
        var wait = Checkpointing.Timeout < SavepointDeploymentWait ? Checkpointing.Timeout : SavepointDeploymentWait;
        try
        {
            await scheduled.RunningOrEnded.WaitAsync(wait, _environment.Time).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // still deploying: the coordinator refuses it below, as any savepoint of a job whose tasks do not all run
        }

        lock (_lock)
        {
            if (run != _run || Status != JobStatus.Running)
                throw new PyStreamException($"job '{Name}' is not running ({Status})");
        }

        return await coordinator.TriggerSavepoint(target, stop, drain).ConfigureAwait(false);
    }

    /// <summary>A worker's share: the coordinator started checkpoint <paramref name="barrier"/> into <paramref name="directory"/>; its sources take their part.</summary>
    public void TriggerCheckpoint(CheckpointBarrier barrier, string directory) => CurrentShareRun()?.TriggerSources(barrier, directory);

    /// <summary>A worker's share: the coordinator completed a checkpoint; its sinks commit.</summary>
    public void NotifyCheckpointComplete(long checkpointId, bool stop) => CurrentShareRun()?.NotifyCheckpointComplete(checkpointId, stop);

    /// <summary>A worker's share: a finished subtask's final state is part of a completed checkpoint; it commits its last output.</summary>
    public void CommitFinished(int vertex, int subtask) => CurrentShareRun()?.CommitFinished(vertex, subtask);

    /// <summary>A worker's share: a stop-with-savepoint failed; its halted sources carry on.</summary>
    public void ResumeSources() => CurrentShareRun()?.ResumeSources();

    private JobRun? CurrentShareRun()
    {
        if (Deployment is null)
            throw new InvalidOperationException("only a worker's share takes the coordinator's checkpoint commands");
        lock (_lock)
            return _run;
    }

    /// <summary>Where this job's checkpoints go: <c>{state.checkpoints.dir}/{job id}</c>.</summary>
    internal string CheckpointJobDirectory => _checkpoints.JobDirectory;

    /// <summary>Waits for the job's end; throws <see cref="JobExecutionException"/> when it failed.</summary>
    public void Wait()
    {
        _done.Wait();
        if (Status == JobStatus.Failed)
            throw new JobExecutionException(Name, _failure!);
    }

    /// <summary>
    /// Cancels those of <paramref name="executions"/> that have not ended and waits for them,
    /// within <paramref name="bound"/> in all; returns the ones still running then. A job that
    /// fails while it stops counts as stopped.
    /// </summary>
    public static IReadOnlyList<JobExecution> CancelAll(IEnumerable<JobExecution> executions, TimeSpan bound)
    {
        var running = executions.Where(e => !e.HasEnded).ToList();
        foreach (var execution in running)
            execution.Cancel();
        var started = Stopwatch.GetTimestamp();
        return running.Where(execution =>
        {
            var left = bound - Stopwatch.GetElapsedTime(started);
            try
            {
                return !execution.Wait(left > TimeSpan.Zero ? left : TimeSpan.Zero);
            }
            catch (JobExecutionException)
            {
                return false;
            }
        }).ToList();
    }

    public bool Wait(TimeSpan timeout)
    {
        if (!_done.Wait(timeout))
            return false;
        Wait();
        return true;
    }

    private void StartRun(RestoredCheckpoint? restore, int? slots = null)
    {
        var attempt = _attempts++;
        if (Elastic is { } elastic)
        {
            // Reactive mode takes what is free now; the adaptive scheduler asks for its desired slots and settles for fewer once they stabilized.
            var target = slots ?? (elastic.Reactive ? Math.Clamp(_environment.Cluster!.SlotsFor(JobId, _configuration), 1, DesiredSlots) : DesiredSlots);
            Graph = JobGraphBuilder.Build(elastic.Rescale(SubmittedSpec, target));
        }

        var run = new JobRun(this, Graph, _environment, _configuration, restore, attempt);
        if (restore is not null)
            LatestRestore = (restore, _environment.Time.GetUtcNow());
        bool cancelled;
        lock (_lock)
        {
            cancelled = _cancelRequested && attempt > 0; // cancelled while this restart was being set up
            if (!cancelled)
            {
                _run = run;
                Status = JobStatus.Running;
            }
        }

        run.Start();
        if (cancelled)
            run.Cancel();
    }

    /// <summary>On a cluster's coordinator: the current attempt on the workers (where it runs, or why it waits); null elsewhere.</summary>
    public Cluster.IScheduledAttempt? ScheduledAttempt
    {
        get
        {
            lock (_lock)
                return _run?.Scheduled;
        }
    }

    internal CheckpointCoordinator? CreateCoordinator(ICheckpointedRun run) =>
        Graph.IsBatch || Deployment is not null ? null : new CheckpointCoordinator(run, Checkpointing, _checkpoints, _checkpointIds, CheckpointHistory, JobId, Name,
            Graph.MaxParallelism, _environment.Time, _environment.CheckpointCompleted);

    /// <summary>The last task of a run ended: finish, fail, or schedule a restart from the latest checkpoint.</summary>
    internal void OnRunEnded(JobRun run, Exception? failure, bool stopped)
    {
        TimeSpan? delay;
        lock (_lock)
        {
            if (run != _run)
                return;
            if (stopped)
            {
                // The savepoint is taken and committed: a failure while stopping changes nothing.
                if (failure is not null)
                    _log.FailedAfterStopWithSavepoint(Name, failure.Message, failure);
                End(JobStatus.Finished);
                return;
            }

            if (failure is null)
            {
                FinishRequested = run.FinishRequested;
                if (_cancelRequested && !run.FinishRequested)
                    End(JobStatus.Canceled);
                else
                    FinishAfterFinalCommits(run);
                return;
            }

            if (_cancelRequested)
            {
                End(JobStatus.Canceled);
                return;
            }

            if (failure is Cluster.RescaleRequest rescale)
            {
                // The slots changed under an elastic job: no failure, and none of its restarts; at once, from its latest checkpoint.
                _rescaleSlots = rescale.Slots;
                delay = TimeSpan.Zero;
                Status = JobStatus.Restarting;
                _log.Rescales(Name, rescale.Slots, rescale.Message);
            }
            else
            {
                delay = FailedAndRestarts(run, failure);
                if (delay is null)
                    return;
            }
        }

        _restartTimer?.Dispose();
        _restartTimer = _environment.Time.CreateTimer(_ => Restart(), null, delay.Value, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Records a run's failure; the delay before the restart its strategy allows, or null when the job failed.</summary>
    private TimeSpan? FailedAndRestarts(JobRun run, Exception failure)
    {
        RecordFailure(failure, run.FailedTask);
        var delay = _restarts.OnFailure(_environment.Time.GetUtcNow());
        if (delay is null)
        {
            _failure = failure;
            End(JobStatus.Failed);
            return null;
        }

        Status = JobStatus.Restarting;
        EngineTelemetry.Restarts.Add(1, new TagList { { "job", Name } });
        _span?.AddEvent(new ActivityEvent("restart", tags: new ActivityTagsCollection { ["pystream.failure"] = failure.Message, ["pystream.delay.ms"] = delay.Value.TotalMilliseconds }));
        _log.FailedAndRestarts(Name, delay.Value.TotalMilliseconds, _restarts.Description, failure.Message, failure);
        return delay;
    }

    /// <summary>A task of the current run failed: until the others have stopped, the job is failing.</summary>
    internal void OnTaskFailed(JobRun run)
    {
        lock (_lock)
        {
            if (run == _run && Status == JobStatus.Running && !_cancelRequested)
                Status = JobStatus.Failing;
        }
    }

    private void FinishAfterFinalCommits(JobRun run)
    {
        try
        {
            run.RunFinalCommits();
            End(JobStatus.Finished);
        }
        catch (Exception error) when (error is PyStreamException or IOException or UnauthorizedAccessException)
        {
            _failure = error;
            RecordFailure(error);
            End(JobStatus.Failed);
        }
    }

    private void RecordFailure(Exception failure, TaskInfo? task = null)
    {
        lock (_failures)
            _failures.Add(new JobFailure(_environment.Time.GetUtcNow(), failure, task));
    }

    /// <summary>
    /// Starts the next run from the latest intact checkpoint. Without any checkpoint it starts
    /// where the job started (nothing was committed yet); when every retained one is corrupt it
    /// fails, since starting over would commit output a second time.
    /// </summary>
    private void Restart()
    {
        int? slots;
        lock (_lock)
        {
            if (Status != JobStatus.Restarting)
                return; // cancelled while waiting
            slots = _rescaleSlots;
            _rescaleSlots = null;
        }

        try
        {
            var latest = _checkpoints.LatestValid(_log);
            if (latest is null && _checkpoints.Snapshot().Count > 0)
                throw new PyStreamException($"job '{Name}' cannot restart: none of its retained checkpoints is intact");
            StartRun(latest ?? _run!.InitialRestore, slots);
        }
        catch (Exception error)
        {
            // On a timer thread: whatever went wrong ends the job, it must not end the process.
            lock (_lock)
            {
                if (Status == JobStatus.Restarting)
                {
                    _failure = error;
                    RecordFailure(error);
                    End(JobStatus.Failed);
                }
            }
        }
    }

    /// <summary>Sets the final status and keeps or discards checkpoints as the retention setting says (Flink's rules).</summary>
    private void End(JobStatus status)
    {
        if (status == JobStatus.Canceled && _suspendRequested)
            status = JobStatus.Suspended;
        EndTime = _environment.Time.GetUtcNow();
        EngineTelemetry.ForgetJob(JobId);
        Status = status;
        _span?.SetTag("pystream.job.status", status.ToString())
            .SetStatus(status == JobStatus.Failed ? ActivityStatusCode.Error : ActivityStatusCode.Ok, _failure?.Message).Dispose();
        var keep = status switch
        {
            JobStatus.Canceled => Checkpointing.Retention == CheckpointRetention.RetainOnCancellation,
            JobStatus.Suspended => true,
            JobStatus.Failed => Checkpointing.Retention != CheckpointRetention.NoExternalizedCheckpoints,
            _ => false,
        };
        // A worker's share never discards: the checkpoints are its coordinator's.
        if (!keep && Deployment is null)
        {
            try
            {
                _checkpoints.DiscardAll();
            }
            catch (IOException error)
            {
                _log.CouldNotRemoveCheckpoints(Name, error.Message, error);
            }
        }

        _done.Set();
    }
}

/// <summary>
/// A run's failure: when, the exception (a <see cref="UserFunctionException"/> carries the
/// user's traceback), and the subtask it happened in, when a task failed.
/// </summary>
public sealed record JobFailure(DateTimeOffset At, Exception Error, TaskInfo? Task = null)
{
    /// <summary>The failed subtask as Flink names it: <c>name (subtask/parallelism)</c>, counting from 1.</summary>
    public string? TaskName => Task is { } task ? $"{task.TaskName} ({task.SubtaskIndex + 1}/{task.Parallelism})" : null;

    public string Message => Describe(Error);

    public string? UserTraceback => (Error as UserFunctionException)?.UserTraceback;

    /// <summary>A failure as a user reads it: which function failed, the engine's own message, or what went wrong inside.</summary>
    public static string Describe(Exception error) => error switch
    {
        UserFunctionException user => $"user function in '{user.OperatorName}' failed",
        PyStreamException => error.Message,
        _ => $"internal error: {error.GetType().FullName}: {error.Message}",
    };
}
