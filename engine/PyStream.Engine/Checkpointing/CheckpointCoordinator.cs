using System.Diagnostics;
using PyStream.Engine.Telemetry;

namespace PyStream.Engine.Checkpointing;

/// <summary>
/// Triggers checkpoints (periodically, on the injected clock) and savepoints at the sources
/// of one job run, collects every task's acknowledgement (a finished task's final state
/// stands in for it), completes a checkpoint by writing its metadata, then tells the tasks
/// to commit. Declined or timed-out checkpoints are aborted; more consecutive failures than
/// tolerated fail the run.
/// </summary>
internal sealed class CheckpointCoordinator : ICheckpointAcknowledger, IDisposable
{
    private readonly ICheckpointedRun _run;
    private readonly CheckpointingOptions _options;
    private readonly CompletedCheckpointStore _store;
    private readonly JobCheckpointIds _ids;
    private readonly string _jobId;
    private readonly string _jobName;
    private readonly int _maxParallelism;
    private readonly TimeProvider _time;
    private readonly object _lock = new();
    private readonly Dictionary<long, PendingCheckpoint> _pending = [];
    private readonly CheckpointHistory _history;
    private readonly Dictionary<(int ChainIndex, int Subtask), TaskStateHandle> _finished = [];
    private ITimer? _periodic;
    private long _lastCompleted = long.MinValue;
    private int _consecutiveFailures;
    private long _highestCompleted = long.MinValue;
    private bool _disposed;
    private readonly Action<string, string>? _completed;

    // A task ended without a final state (failure, or checkpointing off): pending checkpoints were given up, not failed.
    private bool _abandoning;

    public CheckpointCoordinator(ICheckpointedRun run, CheckpointingOptions options, CompletedCheckpointStore store, JobCheckpointIds ids,
        CheckpointHistory history, string jobId, string jobName, int maxParallelism, TimeProvider time, Action<string, string>? completed = null)
    {
        _completed = completed;
        _history = history;
        FinishedDirectory = Path.Combine(store.JobDirectory, $"finished-{Guid.NewGuid().ToString("N")[..8]}");
        _run = run;
        _options = options;
        _store = store;
        _ids = ids;
        _jobId = jobId;
        _jobName = jobName;
        _maxParallelism = maxParallelism;
        _time = time;
    }

    /// <summary>Starts periodic checkpoints (when an interval is set), once every task has been created.</summary>
    public void Start()
    {
        if (_options.Interval is { } interval)
            _periodic = _time.CreateTimer(_ => TriggerPeriodic(), null, interval, interval);
    }

    public string SharedDirectory => Path.Combine(_store.JobDirectory, "shared");

    public string FinishedDirectory { get; }

    /// <summary>Runs on a timer thread: a failure here is reported, never thrown.</summary>
    public void TriggerPeriodic()
    {
        try
        {
            lock (_lock)
            {
                if (_disposed || !_run.AnySourceRunning || _pending.Values.Count(p => !p.Barrier.IsSavepoint) >= _options.MaxConcurrent)
                    return;
                if (_lastCompleted != long.MinValue && _time.GetUtcNow().ToUnixTimeMilliseconds() - _lastCompleted < _options.MinPause.TotalMilliseconds)
                    return;
                Trigger(SnapshotKind.Checkpoint, id => Path.Combine(_store.JobDirectory, $"chk-{id}"), drain: false);
            }
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            // E.g. the checkpoint directory cannot be written: a failed checkpoint like any other.
            bool fail;
            lock (_lock)
                fail = ++_consecutiveFailures > _options.TolerableFailures;
            _run.Log.CannotStartCheckpoint(_jobName, error.Message, error);
            if (fail)
                _run.Fail(new PyStreamException($"Exceeded checkpoint tolerable failure threshold ({_options.TolerableFailures}); last failure: {error.Message}", error));
        }
    }

    /// <summary>Starts a savepoint into a new directory under <paramref name="targetDirectory"/>; completes with its path.</summary>
    public Task<string> TriggerSavepoint(string targetDirectory, bool stop, bool drain)
    {
        lock (_lock)
        {
            if (_disposed)
                throw new PyStreamException("the job is not running");
            if (!_run.AnySourceRunning || (!_run.AllTasksRunning && _options.Interval is null))
                throw new PyStreamException("a savepoint needs the job's sources running (and, once some task has finished, checkpointing enabled)");
            var directory = Path.Combine(targetDirectory, $"savepoint-{_jobId[..6]}-{Guid.NewGuid().ToString("N")[..12]}");
            return Trigger(stop ? SnapshotKind.StopSavepoint : SnapshotKind.Savepoint, _ => directory, drain).Completion.Task;
        }
    }

    private PendingCheckpoint Trigger(SnapshotKind kind, Func<long, string> directoryOf, bool drain)
    {
        var id = _ids.Next();
        var directory = directoryOf(id);
        var barrier = new CheckpointBarrier(id, _time.GetUtcNow().ToUnixTimeMilliseconds(), kind, drain);
        Directory.CreateDirectory(directory);
        var pending = new PendingCheckpoint(barrier, directory)
        {
            Span = EngineTelemetry.Activities.StartActivity(barrier.IsSavepoint ? "savepoint" : "checkpoint", ActivityKind.Internal, _run.TraceContext)
                ?.SetTag("pystream.job", _jobName).SetTag("pystream.checkpoint.id", id).SetTag("pystream.checkpoint.kind", kind.ToString()),
        };
        _pending[id] = pending;
        pending.Timeout = _time.CreateTimer(_ => Abort(id, new TimeoutException(
                $"it expired before completing (timeout {_options.Timeout.TotalMilliseconds} ms); {Waiting(pending)}")),
            null, _options.Timeout, Timeout.InfiniteTimeSpan);
        _run.TriggerSources(barrier, directory);
        return pending;
    }

    /// <summary>The tasks a checkpoint still waits for, in words.</summary>
    private string Waiting(PendingCheckpoint pending)
    {
        List<string> names;
        lock (_lock)
        {
            names = _run.Tasks.Where(t => !pending.Handles.ContainsKey((t.ChainIndex, t.SubtaskIndex)) && !_finished.ContainsKey((t.ChainIndex, t.SubtaskIndex)))
                .Select(t => $"'{t.Name}'").ToList();
        }

        return names.Count == 0 ? "every task had taken its part"
            : $"still waiting for {string.Join(", ", names)} (busy with the records before the barrier, or held up by a slow consumer)";
    }

    public string DirectoryOf(long checkpointId)
    {
        lock (_lock)
        {
            return _pending.TryGetValue(checkpointId, out var pending)
                ? pending.Directory
                : throw new IOException($"checkpoint {checkpointId} was aborted");
        }
    }

    public void Acknowledge(long checkpointId, TaskStateHandle handle, SubtaskCheckpointStats stats)
    {
        PendingCheckpoint? complete = null;
        lock (_lock)
        {
            if (!_pending.TryGetValue(checkpointId, out var pending))
                return; // aborted meanwhile
            pending.Handles[(handle.ChainIndex, handle.Subtask)] = handle;
            pending.Subtasks[(handle.ChainIndex, handle.Subtask)] = stats;
            if (IsComplete(pending))
            {
                _pending.Remove(checkpointId);
                complete = pending;
            }
        }

        if (complete is not null)
            Complete(complete);
    }

    /// <summary>Every task acknowledged it, or finished (its final state stands in). Called under the lock.</summary>
    private bool IsComplete(PendingCheckpoint pending) =>
        pending.Handles.Count + _finished.Keys.Count(k => !pending.Handles.ContainsKey(k)) == _run.Tasks.Count;

    public void TaskFinished(TaskStateHandle handle)
    {
        lock (_lock)
            _finished[(handle.ChainIndex, handle.Subtask)] = handle;
    }

    /// <summary>
    /// A task's thread ended (<paramref name="ending"/> says how, in words). With its final state
    /// written, pending checkpoints may now be complete; without (it failed, or checkpointing is
    /// off) they never will be, and are abandoned without counting as failures.
    /// </summary>
    public void OnTaskEnded(ICheckpointedTask task, string ending)
    {
        List<PendingCheckpoint> complete, abandoned;
        lock (_lock)
        {
            if (_finished.ContainsKey((task.ChainIndex, task.SubtaskIndex)))
            {
                complete = _pending.Values.Where(IsComplete).ToList();
                abandoned = [];
            }
            else
            {
                complete = [];
                abandoned = [.. _pending.Values];
                _abandoning = true;
            }

            foreach (var pending in complete.Concat(abandoned))
                _pending.Remove(pending.Barrier.Id);
        }

        foreach (var pending in complete.OrderBy(p => p.Barrier.Id))
            Complete(pending);
        foreach (var pending in abandoned)
            Aborted(pending, new PyStreamException($"task '{task.Name}' {ending} before it took its part"));
    }

    public void Decline(long checkpointId, Exception reason) => Abort(checkpointId, reason);

    private void Complete(PendingCheckpoint pending)
    {
        pending.Timeout?.Dispose();
        var barrier = pending.Barrier;
        List<TaskStateHandle> finished;
        lock (_lock)
            finished = _finished.Where(f => !pending.Handles.ContainsKey(f.Key)).Select(f => f.Value).ToList();
        var metadata = new CheckpointMetadata
        {
            JobName = _jobName,
            JobId = _jobId,
            CheckpointId = barrier.Id,
            Kind = barrier.Kind,
            Timestamp = barrier.Timestamp,
            MaxParallelism = _maxParallelism,
        };
        try
        {
            if (barrier.IsSavepoint)
                finished = finished.Select(h => CopyInto(pending.Directory, h)).ToList(); // a savepoint stands alone
            metadata.Tasks = [.. pending.Handles.Values.Concat(finished).OrderBy(h => h.Chain, StringComparer.Ordinal).ThenBy(h => h.Subtask)];
            metadata.WriteTo(pending.Directory);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            Aborted(pending, error);
            return;
        }

        bool newest;
        lock (_lock)
            newest = barrier.Id > _highestCompleted;
        if (barrier.Kind == SnapshotKind.Checkpoint && newest && _completed is { } completed)
        {
            try
            {
                completed(_jobId, pending.Directory);
            }
            catch (Exception error) when (error is IOException or UnauthorizedAccessException)
            {
                Aborted(pending, error);
                return;
            }
        }

        lock (_lock)
        {
            if (!barrier.IsSavepoint)
            {
                _consecutiveFailures = 0;
                _lastCompleted = _time.GetUtcNow().ToUnixTimeMilliseconds();
            }

            // Overlapping checkpoints may complete out of order: an older one is never retained over a newer one.
            newest = barrier.Id > _highestCompleted;
            _highestCompleted = Math.Max(_highestCompleted, barrier.Id);
        }

        Record(pending, new CheckpointStats(barrier.Id, barrier.Kind, barrier.Timestamp, _time.GetUtcNow().ToUnixTimeMilliseconds() - barrier.Timestamp,
            _history.NewBytes(pending.Directory, metadata), pending.Directory, Failure: null, SubtaskStats(pending)));
        if (newest || barrier.IsSavepoint)
        {
            foreach (var task in metadata.Tasks)
                EngineTelemetry.RecordStateSize(_jobName, _jobId, task.ChainIndex, task.Subtask, task.Files().Sum(f => f.Size));
        }
        if (barrier.Kind == SnapshotKind.Checkpoint && newest)
        {
            try
            {
                _store.Add(pending.Directory, metadata);
            }
            catch (Exception error) when (error is IOException or UnauthorizedAccessException)
            {
                _run.Log.CouldNotRemoveSubsumedCheckpoint(_jobName, error.Message, error);
            }
        }

        if (barrier.Kind == SnapshotKind.StopSavepoint)
            _run.StopAfterSavepoint();
        // An intermediate savepoint commits nothing: a later restore from an older checkpoint must not find its output committed.
        if (barrier.Kind != SnapshotKind.Savepoint)
        {
            _run.NotifyCheckpointComplete(barrier.Id, stop: barrier.Kind == SnapshotKind.StopSavepoint);
            foreach (var handle in finished)
                _run.CommitFinished(handle.ChainIndex, handle.Subtask); // their mailboxes are gone: commit for them
        }

        pending.Completion.TrySetResult(pending.Directory);
    }

    /// <summary>A finished task's handle with its files copied into <paramref name="directory"/>.</summary>
    private TaskStateHandle CopyInto(string directory, TaskStateHandle handle)
    {
        FileRef? Copy(FileRef? file)
        {
            if (file is null)
                return null;
            var name = Path.GetFileName(file.Path);
            File.Copy(Path.Combine(FinishedDirectory, name), Path.Combine(directory, name));
            return file with { Path = name };
        }

        var copy = handle.Clone();
        copy.OperatorState = Copy(handle.OperatorState);
        copy.KeyedState = Copy(handle.KeyedState);
        return copy;
    }

    private void Abort(long checkpointId, Exception reason)
    {
        PendingCheckpoint? pending;
        lock (_lock)
        {
            if (!_pending.Remove(checkpointId, out pending))
                return;
        }

        Aborted(pending, reason);
    }

    /// <summary>A checkpoint out of the pending set fails: its directory goes, its waiter hears why, failures are counted.</summary>
    private void Aborted(PendingCheckpoint pending, Exception reason)
    {
        bool fail;
        lock (_lock)
            fail = !pending.Barrier.IsSavepoint && !_disposed && !_abandoning && ++_consecutiveFailures > _options.TolerableFailures;

        pending.Timeout?.Dispose();
        try
        {
            Directory.Delete(pending.Directory, recursive: true);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            // A task may still be writing into it; without metadata it is no checkpoint.
        }

        var what = pending.Barrier.IsSavepoint ? "savepoint" : "checkpoint";
        var why = PlainReason(reason);
        Record(pending, new CheckpointStats(pending.Barrier.Id, pending.Barrier.Kind, pending.Barrier.Timestamp,
            _time.GetUtcNow().ToUnixTimeMilliseconds() - pending.Barrier.Timestamp, 0, null, why, SubtaskStats(pending)));
        if (pending.Barrier.Kind == SnapshotKind.StopSavepoint)
            _run.ResumeSources();
        pending.Completion.TrySetException(new PyStreamException($"{what} {pending.Barrier.Id} failed: {why}", reason));
        if (fail)
            _run.Fail(new PyStreamException($"Exceeded checkpoint tolerable failure threshold ({_options.TolerableFailures}); last failure: {reason.Message}", reason));
    }

    /// <summary>Why a checkpoint failed, in words: storage trouble says so; the engine's own reasons are already words.</summary>
    internal static string PlainReason(Exception reason) => reason switch
    {
        UnauthorizedAccessException => $"no permission to write the checkpoint's files: {reason.Message}",
        IOException => $"could not write the checkpoint's files: {reason.Message}",
        OperationCanceledException => "the job stopped before the checkpoint completed",
        _ => reason.Message,
    };

    private List<SubtaskCheckpointStats> SubtaskStats(PendingCheckpoint pending)
    {
        lock (_lock)
            return [.. pending.Subtasks.Values.OrderBy(s => s.ChainIndex).ThenBy(s => s.Subtask)];
    }

    /// <summary>A checkpoint ended: into the history (the Web UI's), the metrics and its span.</summary>
    private void Record(PendingCheckpoint pending, CheckpointStats stats)
    {
        _history.Add(stats);
        var tags = new TagList { { "job", _jobName }, { "kind", stats.Kind.ToString() }, { "status", stats.Failure is null ? "completed" : "failed" } };
        EngineTelemetry.Checkpoints.Add(1, tags);
        if (stats.Failure is null)
        {
            EngineTelemetry.CheckpointDuration.Record(stats.DurationMs, tags);
            EngineTelemetry.CheckpointSize.Record(stats.SizeBytes, tags);
        }

        if (pending.Span is { } span)
        {
            span.SetTag("pystream.checkpoint.size", stats.SizeBytes);
            span.SetStatus(stats.Failure is null ? ActivityStatusCode.Ok : ActivityStatusCode.Error, stats.Failure);
            span.Dispose();
        }
    }

    /// <summary>The trace of checkpoint <paramref name="checkpointId"/>: task snapshots are its children.</summary>
    public ActivityContext TraceOf(long checkpointId)
    {
        lock (_lock)
            return _pending.TryGetValue(checkpointId, out var pending) && pending.Span is { } span ? span.Context : default;
    }

    /// <summary>The run ended: pending checkpoints are abandoned.</summary>
    public void Dispose()
    {
        List<PendingCheckpoint> abandoned;
        lock (_lock)
        {
            _disposed = true;
            abandoned = [.. _pending.Values];
            _pending.Clear();
        }

        _periodic?.Dispose();
        foreach (var pending in abandoned)
            Aborted(pending, new OperationCanceledException("the job run ended"));
        var name = Path.GetFileName(FinishedDirectory);
        var referenced = _store.Snapshot().SelectMany(c => c.Metadata.Tasks).SelectMany(t => t.Files()).Any(f => f.Path.Contains(name, StringComparison.Ordinal));
        if (!referenced && Directory.Exists(FinishedDirectory))
            Directory.Delete(FinishedDirectory, recursive: true);
    }

    private sealed class PendingCheckpoint(CheckpointBarrier barrier, string directory)
    {
        public CheckpointBarrier Barrier { get; } = barrier;

        public string Directory { get; } = directory;

        public Dictionary<(int ChainIndex, int Subtask), TaskStateHandle> Handles { get; } = [];

        public Dictionary<(int ChainIndex, int Subtask), SubtaskCheckpointStats> Subtasks { get; } = [];

        public ITimer? Timeout { get; set; }

        public TaskCompletionSource<string> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Activity? Span { get; init; }
    }
}
