using PyStream.Gateway.Jobs;

namespace PyStream.Gateway.Uploads;

/// <summary>
/// An uploaded script running in a process of its own (<see cref="UploadRegistry"/>): its state,
/// the jobs it started, and the last <see cref="OutputKept"/> characters it printed (both streams,
/// in the order they arrived), which its jobs' logs show too.
/// </summary>
public sealed class UploadRecord
{
    public const int OutputKept = 64 * 1024;

    private readonly object _lock = new();
    private readonly OutputTail _output = new(OutputKept);
    private readonly List<JobRecord> _jobs = [];
    private readonly TaskCompletionSource _decided = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TimeProvider _time;
    private Action? _stop;
    private ITimer? _timeLimit;
    private (UploadState State, string Reason)? _stopping;

    internal UploadRecord(string id, string scriptPath, TimeProvider time)
    {
        Id = id;
        ScriptPath = scriptPath;
        Name = Path.GetFileName(scriptPath);
        _time = time;
        StartTime = time.GetUtcNow();
    }

    public string Id { get; }

    public string Name { get; }

    public string ScriptPath { get; }

    public DateTimeOffset StartTime { get; }

    public DateTimeOffset? EndTime { get; private set; }

    public UploadState State { get; private set; } = UploadState.Running;

    public bool HasEnded => State is UploadState.Finished or UploadState.Failed or UploadState.Canceled;

    /// <summary>Its process's id, on its worker's machine when <see cref="Worker"/> is set; null until it started.</summary>
    public int? ProcessId { get; private set; }

    /// <summary>The cluster worker that runs the script (<c>--cluster</c>); null for a process of the gateway's own.</summary>
    public string? Worker { get; private set; }

    public int? ExitCode { get; private set; }

    /// <summary>Why it failed or was stopped, in words for the user; null while running and when it finished well.</summary>
    public string? Error { get; private set; }

    public IReadOnlyList<string> JobIds
    {
        get
        {
            lock (_lock)
                return _jobs.Select(j => j.Id).ToList();
        }
    }

    /// <summary>The last <see cref="OutputKept"/> characters the script printed, with a first line saying how many came before.</summary>
    public string Output
    {
        get
        {
            lock (_lock)
                return _output.ToString();
        }
    }

    /// <summary>Completes once the script started its first job, or its process ended before that.</summary>
    public Task FirstJobOrEnd => _decided.Task;

    /// <summary>Stops the script's process (and any it started); false when it had already ended.</summary>
    public bool Cancel() => Stop(UploadState.Canceled, "was cancelled");

    /// <summary>Starts the time limit on starting a job, which runs from the upload on (a script waiting for a worker included).</summary>
    internal void Begin(TimeSpan timeLimit, ILogger log)
    {
        _timeLimit = _time.CreateTimer(_ =>
        {
            if (JobIds.Count == 0 && Stop(UploadState.Failed, $"started no job within {Describe(timeLimit)}: its process was stopped"))
                log.UploadTimedOut(Name, Id, timeLimit.TotalSeconds, ProcessId, Worker);
        }, null, timeLimit, Timeout.InfiniteTimeSpan);
    }

    /// <summary>
    /// How the script is stopped from now on (its process killed, a cancel sent to its worker, or taken out of the
    /// queue for a worker), and where it runs; a stop asked for meanwhile is carried out at once.
    /// </summary>
    internal void Attach(Action stop, string? worker = null)
    {
        bool stopping;
        lock (_lock)
        {
            if (HasEnded)
                return;
            _stop = stop;
            Worker = worker ?? Worker;
            stopping = State == UploadState.Cancelling;
        }

        if (stopping)
            stop();
    }

    /// <summary>Its process runs (on the gateway's machine, or on its worker's).</summary>
    internal void ProcessStarted(int processId)
    {
        lock (_lock)
            ProcessId = processId;
    }

    /// <summary>Its process exited with <paramref name="code"/>, and its output is complete.</summary>
    internal void Exited(int code) =>
        Finish(code, code == 0 ? null : JobIds.Count == 0 ? $"exited with status {code} before it started a job" : $"exited with status {code}");

    /// <summary>It ended with no exit status: its process could not start, or its worker was lost (<paramref name="reason"/>), or it was taken out of the queue after a stop.</summary>
    internal void Ended(string reason) => Finish(exitCode: null, reason);

    /// <summary>A job the script submitted (its request carried this upload's id).</summary>
    internal void OnJobStarted(JobRecord job)
    {
        lock (_lock)
            _jobs.Add(job);
        _timeLimit?.Dispose(); // the limit is on starting a job: from now on it runs as long as it likes
        _decided.TrySetResult();
    }

    /// <summary>Stops the process as <paramref name="state"/> for <paramref name="reason"/>; false when it had already ended or is stopping.</summary>
    internal bool Stop(UploadState state, string reason)
    {
        Action? stop;
        lock (_lock)
        {
            if (State != UploadState.Running)
                return false;
            State = UploadState.Cancelling;
            _stopping = (state, reason);
            stop = _stop;
        }

        stop?.Invoke(); // none yet: Attach stops it
        return true;
    }

    /// <summary>Ends it as its stop said, if it was stopped; else as finished, or failed for <paramref name="failure"/>.</summary>
    private void Finish(int? exitCode, string? failure)
    {
        (UploadState State, string Reason)? stopping;
        lock (_lock)
            stopping = _stopping;
        if (stopping is { } stopped)
            End(stopped.State, stopped.Reason, exitCode);
        else
            End(failure is null ? UploadState.Finished : UploadState.Failed, failure, exitCode);
    }

    private void End(UploadState state, string? reason, int? exitCode)
    {
        lock (_lock)
        {
            if (HasEnded)
                return; // ended once: a later word on it (a report after its worker was counted lost) changes nothing
            State = state;
            Error = reason;
            ExitCode = exitCode;
            EndTime = _time.GetUtcNow();
            _stop = null;
        }

        _timeLimit?.Dispose();
        _decided.TrySetResult();
    }

    /// <summary>Text the script printed: whole lines, each with its line end.</summary>
    internal void OnOutput(string text)
    {
        lock (_lock)
            _output.Append(text);
    }

    private static string Describe(TimeSpan span) =>
        span.TotalMinutes >= 1 && span.Seconds == 0 ? $"{span.TotalMinutes:0} min" : $"{span.TotalSeconds:0.###} s";
}
