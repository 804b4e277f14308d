using System.ComponentModel;
using System.Diagnostics;
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

    /// <summary>How long after the script's exit its output may still arrive (from a process it left running).</summary>
    public static readonly TimeSpan OutputDrain = TimeSpan.FromSeconds(5);

    private readonly object _lock = new();
    private readonly OutputTail _output = new(OutputKept);
    private readonly List<JobRecord> _jobs = [];
    private readonly TaskCompletionSource _decided = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TimeProvider _time;
    private Process? _process;
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

    public int? ProcessId { get; private set; }

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

    /// <summary>Starts the process; a process that cannot start ends the upload as failed, with the reason.</summary>
    internal void Run(ProcessStartInfo start, TimeSpan timeLimit, ILogger log)
    {
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var exited = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        process.Exited += (_, _) => exited.TrySetResult();
        process.OutputDataReceived += (_, line) => OnOutput(line.Data);
        process.ErrorDataReceived += (_, line) => OnOutput(line.Data);
        try
        {
            process.Start();
        }
        catch (Win32Exception error)
        {
            log.UploadNotStarted(start.FileName, Name, error.Message);
            process.Dispose();
            End(UploadState.Failed, $"the gateway cannot start '{start.FileName}' to run scripts: {error.Message}", exitCode: null);
            return;
        }

        var processId = process.Id; // kept: the process may be disposed (it ended) by the time the time limit logs it
        bool cancelledMeanwhile;
        lock (_lock)
        {
            _process = process;
            ProcessId = processId;
            cancelledMeanwhile = State == UploadState.Cancelling;
        }

        if (cancelledMeanwhile)
            KillTree(process);
        process.StandardInput.Close(); // a script that reads its input gets end-of-file, never the gateway's
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _timeLimit = _time.CreateTimer(_ =>
        {
            if (JobIds.Count == 0 && Stop(UploadState.Failed, $"started no job within {Describe(timeLimit)}: its process was stopped"))
                log.UploadTimedOut(Name, Id, timeLimit.TotalSeconds, processId);
        }, null, timeLimit, Timeout.InfiniteTimeSpan);
        _ = WatchAsync(process, exited.Task);
    }

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
        Process? process;
        lock (_lock)
        {
            if (State != UploadState.Running)
                return false;
            State = UploadState.Cancelling;
            _stopping = (state, reason);
            process = _process;
        }

        if (process is not null)
            KillTree(process);
        return true;
    }

    private static void KillTree(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // it exited by itself meanwhile; WatchAsync records that
        }
    }

    private async Task WatchAsync(Process process, Task exited)
    {
        await exited.ConfigureAwait(false);
        // Then the end of both streams, so the output is complete when the state changes; bounded, since a
        // process the script left behind (a daemon) may hold them open for as long as it runs.
        using (var drain = new CancellationTokenSource(OutputDrain, _time))
        {
            try
            {
                await process.WaitForExitAsync(drain.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // what it printed so far is all the upload keeps
            }
        }

        var code = process.ExitCode;
        (UploadState State, string Reason)? stopping;
        lock (_lock)
            stopping = _stopping;
        if (stopping is { } stopped)
            End(stopped.State, stopped.Reason, code);
        else if (code == 0)
            End(UploadState.Finished, null, code);
        else
            End(UploadState.Failed, JobIds.Count == 0 ? $"exited with status {code} before it started a job" : $"exited with status {code}", code);
        process.Dispose(); // after End, which forgets it under the lock: a Stop meanwhile kills a process that is still there
    }

    private void End(UploadState state, string? reason, int? exitCode)
    {
        lock (_lock)
        {
            State = state;
            Error = reason;
            ExitCode = exitCode;
            EndTime = _time.GetUtcNow();
            _process = null;
        }

        _timeLimit?.Dispose();
        _decided.TrySetResult();
    }

    private void OnOutput(string? line)
    {
        if (line is null)
            return; // the end of the stream
        lock (_lock)
            _output.Append(line + "\n");
    }

    private static string Describe(TimeSpan span) =>
        span.TotalMinutes >= 1 && span.Seconds == 0 ? $"{span.TotalMinutes:0} min" : $"{span.TotalSeconds:0.###} s";
}
