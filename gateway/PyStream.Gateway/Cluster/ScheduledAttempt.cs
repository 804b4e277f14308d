using Google.Protobuf;
using PyStream.Cluster.Protocol;
using PyStream.Engine;
using PyStream.Engine.Checkpointing;
using PyStream.Engine.Graph;
using PyStream.Engine.Records;
using PyStream.Engine.Runtime.Cluster;
using PyStream.Engine.UserCode;
using CheckpointKind = PyStream.Cluster.Protocol.TriggerCheckpoint.Types.Kind;

namespace PyStream.Gateway.Cluster;

/// <summary>
/// One attempt on the workers: waits for its slots, deploys each worker's share, and ends once every share
/// ended: finished when all finished, failed with the first failure (a share's, a lost worker's) after
/// cancelling the other shares. Output and results the workers report go to the attempt's environment.
/// </summary>
internal sealed class ScheduledAttempt(ClusterScheduler scheduler, ClusterAttempt attempt, Action<Exception?> ended, TimeSpan slotTimeout, bool sharesWorkers)
    : IScheduledAttempt
{
    private readonly Lock _lock = new();
    private readonly CancellationTokenSource _cancelled = new();
    private readonly TaskCompletionSource _runningOrEnded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    // Each worker's share: ended or not.
    private readonly Dictionary<string, bool> _shares = new(StringComparer.Ordinal);
    // The workers whose share reported that it runs.
    private readonly HashSet<string> _running = new(StringComparer.Ordinal);
    private IReadOnlyDictionary<(int Vertex, int Subtask), SubtaskLocation> _placement = new Dictionary<(int, int), SubtaskLocation>();
    private List<SubtaskLocation> _slots = [];
    private Exception? _failure;
    private bool _ended;
    // A share's task ended the job early (a collect limit): the other shares are cancelled, and what they fail with
    // meanwhile (their channels to it break, maybe before its report arrives) is not the job's failure.
    private bool _finishRequested;
    // An elastic job: when this attempt was deployed (scale-ups wait scaling-interval.min from then), and the timer that looks again.
    private DateTimeOffset _deployedAt;
    private ITimer? _scaleUpCheck;

    public string AttemptId => attempt.AttemptId;

    public string? Waiting { get; private set; } = "waiting for slots";

    public IReadOnlyDictionary<(int Vertex, int Subtask), SubtaskLocation> Placement
    {
        get
        {
            lock (_lock)
                return _placement;
        }
    }

    public bool Running
    {
        get
        {
            lock (_lock)
                return !_ended && _failure is null && _shares.Count > 0 && _running.Count == _shares.Count && _shares.Values.All(done => !done);
        }
    }

    public Task RunningOrEnded => _runningOrEnded.Task;

    public void TriggerCheckpoint(CheckpointBarrier barrier, string directory)
    {
        var trigger = new TriggerCheckpoint
        {
            AttemptId = attempt.AttemptId, CheckpointId = barrier.Id, Timestamp = barrier.Timestamp, Drain = barrier.Drain, Directory = directory,
            Kind = barrier.Kind switch
            {
                SnapshotKind.Savepoint => CheckpointKind.Savepoint,
                SnapshotKind.StopSavepoint => CheckpointKind.StopSavepoint,
                _ => CheckpointKind.Checkpoint,
            },
        };
        SendToShares(new DeploymentCommand { TriggerCheckpoint = trigger });
    }

    public void NotifyCheckpointComplete(long checkpointId, bool stop) =>
        SendToShares(new DeploymentCommand { CheckpointComplete = new CheckpointComplete { AttemptId = attempt.AttemptId, CheckpointId = checkpointId, Stop = stop } });

    public void CommitFinished(int vertex, int subtask)
    {
        SubtaskLocation? location;
        lock (_lock)
            location = _placement.TryGetValue((vertex, subtask), out var found) ? found : null;
        if (location is not null)
            scheduler.Send(location.Worker, new DeploymentCommand { CommitFinished = new CommitFinished { AttemptId = attempt.AttemptId, Vertex = vertex, Subtask = subtask } });
    }

    public void ResumeSources() => SendToShares(new DeploymentCommand { ResumeSources = new ResumeSources { AttemptId = attempt.AttemptId } });

    /// <summary>Sends <paramref name="command"/> to every worker whose share still runs (a lost one fails the attempt anyway).</summary>
    private void SendToShares(DeploymentCommand command)
    {
        List<string> running;
        lock (_lock)
            running = [.. _shares.Where(s => !s.Value).Select(s => s.Key)];
        foreach (var worker in running)
            scheduler.Send(worker, command);
    }

    public void Cancel()
    {
        _cancelled.Cancel();
        CancelShares(except: null);
        scheduler.Cancelling(this);
        EndIfDone();
    }

    /// <summary>
    /// Looks for its slots every <see cref="ClusterScheduler.SlotPollInterval"/> until it deploys, or ends: cancelled,
    /// failed (no slots within its timeout, workers that cannot be had), or, for an elastic job, to rescale.
    /// </summary>
    public async Task PlaceAsync()
    {
        var needed = SlotSharing.SlotsNeeded(attempt.Graph);
        var started = scheduler.Time.GetUtcNow();
        while (!_cancelled.IsCancellationRequested)
        {
            try
            {
                var waited = scheduler.Time.GetUtcNow() - started;
                if (attempt.Elastic is { } elastic ? TryPlaceElastic(elastic, needed, waited) : TryPlace(needed, waited))
                    break;
            }
            catch (PyStreamException error)
            {
                Fail(error); // its workers cannot be had (a local worker that could not start)
                break;
            }

            try
            {
                await Task.Delay(ClusterScheduler.SlotPollInterval, scheduler.Time, _cancelled.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        EndIfDone();
    }

    /// <summary>Deploys when the slots its graph needs can be taken; fails once the slot request timeout passed. False: it waits.</summary>
    private bool TryPlace(int needed, TimeSpan waited)
    {
        var (slots, reason) = scheduler.TryAllocate(needed, attempt.JobId, attempt.AttemptId, sharesWorkers);
        if (slots is not null)
        {
            Deploy(slots);
            return true;
        }

        Waiting = $"waiting for slots: {reason}";
        if (waited < slotTimeout)
            return false;
        Fail(new PyStreamException($"Could not acquire the minimum required resources for job '{attempt.Graph.Spec.Name}' within {SlotRequestTimeout} ({ClusterScheduler.SlotRequestTimeoutKey}): {reason}"));
        return true;
    }

    /// <summary>
    /// An elastic job's attempt: deploys when the slots it may have are what its graph was built for; ends with a
    /// <see cref="RescaleRequest"/> when they are more (at once) or fewer but some (after the resource stabilization
    /// timeout), so the job restarts at that parallelism; waits while there are none, up to the resource wait timeout.
    /// </summary>
    private bool TryPlaceElastic(ElasticScaling elastic, int needed, TimeSpan waited)
    {
        var free = scheduler.SlotsFor(attempt.JobId, sharesWorkers);
        var target = Math.Min(attempt.DesiredSlots, free);
        if (target == needed)
        {
            var (slots, reason) = scheduler.TryAllocate(needed, attempt.JobId, attempt.AttemptId, sharesWorkers);
            if (slots is not null)
            {
                Deploy(slots);
                return true;
            }

            Waiting = $"waiting for slots: {reason}"; // taken meanwhile, or its local workers are starting
            return false;
        }

        if (target > needed || (target >= 1 && waited >= elastic.StabilizationTimeout))
        {
            EndToRescale(target, $"{free} slots free, the job's graph was built for {needed}");
            return true;
        }

        Waiting = target == 0
            ? $"waiting for slots: none free ({needed} wanted)"
            : $"waiting for slots: {needed} wanted, {free} free (up to {ElasticScaling.StabilizationTimeoutKey} {elastic.StabilizationTimeout.TotalMilliseconds:0} ms)";
        if (target > 0 || elastic.ResourceWaitTimeout is not { } wait || waited < wait)
            return false;
        Fail(new PyStreamException($"Could not acquire the minimum required resources for job '{attempt.Graph.Spec.Name}' within {wait.TotalMilliseconds:0} ms ({ElasticScaling.ResourceWaitTimeoutKey}): no free slots"));
        return true;
    }

    /// <summary>
    /// Slots were added (a worker joined, or another job's attempt gave its slots back): an elastic job that runs grows
    /// (Flink's reactive scale-up) onto the workers it may use once its parallelism can rise by
    /// <c>min-parallelism-increase</c> and <c>scaling-interval.min</c> passed since it was deployed; it restarts from its
    /// latest checkpoint at the new parallelism.
    /// </summary>
    public void SlotsAdded()
    {
        if (attempt.Elastic is not { } elastic)
            return;
        int current;
        DateTimeOffset deployedAt;
        lock (_lock)
        {
            if (_ended || _failure is not null || _shares.Count == 0 || _running.Count < _shares.Count)
                return; // not running yet: its shares' RUNNING reports look again
            (current, deployedAt) = (_slots.Count, _deployedAt);
        }

        var target = Math.Min(attempt.DesiredSlots, scheduler.SlotsFor(attempt.JobId, sharesWorkers));
        if (target < current + elastic.MinParallelismIncrease)
            return;
        var wait = deployedAt + elastic.ScalingIntervalMin - scheduler.Time.GetUtcNow();
        if (wait > TimeSpan.Zero)
        {
            lock (_lock)
                _scaleUpCheck ??= scheduler.Time.CreateTimer(_ => SlotsAdded(), null, wait, Timeout.InfiniteTimeSpan);
            return;
        }

        EndToRescale(target, $"{target - current} more slots free");
    }

    private void EndToRescale(int slots, string reason)
    {
        lock (_lock)
        {
            if (_ended || _failure is not null)
                return; // already ending
            _failure = new RescaleRequest(slots, reason);
        }

        scheduler.Logger.AttemptRescales(attempt.AttemptId, attempt.Graph.Spec.Name, reason);
        CancelShares(except: null);
        EndIfDone();
    }

    private string SlotRequestTimeout => slotTimeout.TotalSeconds >= 1 ? $"{slotTimeout.TotalSeconds:0.###} s" : $"{slotTimeout.TotalMilliseconds:0} ms";

    private void Deploy(List<SubtaskLocation> slots)
    {
        var placement = SlotSharing.Place(attempt.Graph, slots);
        // The coordinator's configuration in effect (its defaults included), so every worker checkpoints alike and where it does.
        var spec = attempt.Graph.Spec.Clone();
        spec.Configuration.Clear();
        foreach (var (key, value) in attempt.Configuration)
            spec.Configuration[key] = value;
        var share = new DeployShare
        {
            JobId = attempt.JobId, AttemptId = attempt.AttemptId, Spec = spec.ToByteString(), Checkpointing = attempt.Checkpoints is not null,
            RestorePath = attempt.RestorePath ?? "", FinishedDirectory = attempt.FinishedDirectory ?? "", AttemptNumber = attempt.Attempt,
        };
        share.Placement.AddRange(placement.Select(p => new SubtaskPlacement { Vertex = p.Key.Vertex, Subtask = p.Key.Subtask, WorkerId = p.Value.Worker, Slot = p.Value.Slot }));
        var workers = slots.Select(s => s.Worker).Distinct(StringComparer.Ordinal).ToList();
        lock (_lock)
        {
            if (_ended)
            {
                scheduler.Free(slots); // cancelled while the slots were being taken
                return;
            }

            _slots = slots;
            _placement = placement;
            _deployedAt = scheduler.Time.GetUtcNow();
            foreach (var worker in workers)
                _shares[worker] = false;
        }

        try
        {
            foreach (var worker in workers)
                share.DataAddresses[worker] = scheduler.DataAddressOf(worker);
            if (scheduler.Files is { } files)
                share.PythonRoots.AddRange(files.Roots(attempt.JobId, attempt.Graph.Spec));
        }
        catch (PyStreamException error)
        {
            Fail(error);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            Fail(new PyStreamException($"cannot read the job's Python files to send them to its workers: {error.Message}", error));
        }

        Waiting = null;
        scheduler.Logger.AttemptDeployed(attempt.AttemptId, attempt.Graph.Spec.Name, workers.Count, slots.Count);
        foreach (var worker in workers)
        {
            if (_failure is not null || _cancelled.IsCancellationRequested)
                ShareEnded(worker);
            else if (!scheduler.Send(worker, new DeploymentCommand { Deploy = share }))
                WorkerLost(worker, $"worker {worker} closed its deployment stream before the attempt was deployed");
        }

        EndIfDone();
    }

    public void OnReport(string workerId, WorkerReport report)
    {
        var environment = attempt.Environment;
        switch (report.ReportCase)
        {
            case WorkerReport.ReportOneofCase.Output:
                (report.Output.Stderr ? environment.Stderr : environment.Stdout).Write(report.Output.Text);
                break;
            case WorkerReport.ReportOneofCase.Results:
                environment.Results.Add(report.Results.CollectId, new BytesBatch(report.Results.Data.ToByteArray(), report.Results.Count));
                break;
            case WorkerReport.ReportOneofCase.State:
                OnState(workerId, report.State);
                break;
            case WorkerReport.ReportOneofCase.CheckpointAck or WorkerReport.ReportOneofCase.CheckpointDecline
                or WorkerReport.ReportOneofCase.TaskFinished or WorkerReport.ReportOneofCase.TaskEnded when attempt.Checkpoints is { } checkpoints:
                OnCheckpointReport(workerId, report, checkpoints);
                break;
        }
    }

    private void OnCheckpointReport(string workerId, WorkerReport report, ICheckpointReports checkpoints)
    {
        try
        {
            switch (report.ReportCase)
            {
                case WorkerReport.ReportOneofCase.CheckpointAck:
                    var ack = report.CheckpointAck;
                    checkpoints.Acknowledged(ack.CheckpointId, TaskStateHandle.FromJson(ack.HandleJson), new SubtaskCheckpointStats(ack.Vertex, ack.TaskName,
                        ack.Subtask, ack.AcknowledgedAt, ack.AlignmentMs, ack.SyncMs, ack.AsyncMs, ack.StateSizeBytes));
                    break;
                case WorkerReport.ReportOneofCase.CheckpointDecline:
                    checkpoints.Declined(report.CheckpointDecline.CheckpointId, $"{report.CheckpointDecline.Reason} (worker {workerId})");
                    break;
                case WorkerReport.ReportOneofCase.TaskFinished:
                    checkpoints.TaskFinished(TaskStateHandle.FromJson(report.TaskFinished.HandleJson));
                    break;
                case WorkerReport.ReportOneofCase.TaskEnded:
                    checkpoints.TaskEnded(report.TaskEnded.Vertex, report.TaskEnded.Subtask, report.TaskEnded.Ending);
                    break;
            }
        }
        catch (PyStreamException error)
        {
            // A worker that sends what is no handle cannot take part in checkpoints: the attempt fails.
            Fail(new PyStreamException($"worker {workerId} sent an invalid checkpoint report: {error.Message}", error));
            CancelShares(except: null);
            EndIfDone();
        }
    }

    private void OnState(string workerId, ShareState state)
    {
        switch (state.State)
        {
            case ShareState.Types.State.Running:
                lock (_lock)
                    _running.Add(workerId);
                if (Running)
                    _runningOrEnded.TrySetResult();
                SlotsAdded(); // slots added while it was being deployed
                break;
            case ShareState.Types.State.Finished when state.FinishRequested:
                lock (_lock)
                    _finishRequested = true;
                ShareEnded(workerId);
                CancelShares(except: workerId);
                break;
            case ShareState.Types.State.Finished or ShareState.Types.State.Canceled:
                ShareEnded(workerId);
                break;
            case ShareState.Types.State.Failed:
                Fail(state.UserTraceback.Length > 0
                    ? new UserFunctionException(state.OperatorName, state.UserTraceback) { RemoteTask = TaskOf(state) }
                    : new PyStreamException($"{state.Message} ({(state.TaskName.Length > 0 ? state.TaskName + " on " : "")}worker {workerId})"));
                ShareEnded(workerId);
                CancelShares(except: workerId);
                break;
        }

        EndIfDone();
    }

    /// <summary>The subtask a failed share names, when it is one of this attempt's.</summary>
    private TaskInfo? TaskOf(ShareState state)
    {
        if (!state.HasVertex || attempt.Graph.Chains.FirstOrDefault(c => c.Index == state.Vertex) is not { } chain || state.Subtask < 0 || state.Subtask >= chain.Parallelism)
            return null;
        return new TaskInfo(chain.Name, state.Subtask, chain.Parallelism, attempt.Graph.MaxParallelism, attempt.Attempt) { Vertex = chain.Index };
    }

    public void WorkerLost(string workerId, string reason)
    {
        lock (_lock)
        {
            if (!_shares.TryGetValue(workerId, out var done) || done)
                return;
        }

        Fail(new PyStreamException(reason));
        ShareEnded(workerId);
        CancelShares(except: workerId);
        EndIfDone();
    }

    private void Fail(Exception failure)
    {
        lock (_lock)
            _failure ??= failure;
    }

    private void ShareEnded(string workerId)
    {
        lock (_lock)
        {
            if (_shares.ContainsKey(workerId))
                _shares[workerId] = true;
        }
    }

    private void CancelShares(string? except)
    {
        List<string> running;
        lock (_lock)
            running = [.. _shares.Where(s => !s.Value && s.Key != except).Select(s => s.Key)];
        foreach (var worker in running)
        {
            if (!scheduler.Send(worker, new DeploymentCommand { Cancel = new CancelShare { AttemptId = attempt.AttemptId } }))
                ShareEnded(worker);
        }
    }

    /// <summary>Ends the attempt once nothing of it runs: deployed shares all ended, or it was never deployed.</summary>
    private void EndIfDone()
    {
        Exception? failure;
        lock (_lock)
        {
            var deploying = _shares.Count == 0 && Waiting is not null && _failure is null && !_cancelled.IsCancellationRequested;
            if (_ended || deploying || _shares.Values.Any(done => !done))
                return;
            _ended = true;
            failure = _finishRequested ? null : _failure;
        }

        _scaleUpCheck?.Dispose();
        scheduler.Free(_slots);
        scheduler.Forget(this);
        ended(failure);
        _runningOrEnded.TrySetResult();
    }
}
