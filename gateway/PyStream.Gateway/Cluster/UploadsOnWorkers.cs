using Google.Protobuf;
using PyStream.Cluster.Protocol;
using PyStream.Gateway.Uploads;

namespace PyStream.Gateway.Cluster;

/// <summary>
/// Uploaded scripts on a cluster (<c>--cluster</c>): a coordinator runs no user code, not even a script's top
/// level, so each upload goes to a worker (<see cref="RunUpload"/> on its deployment stream), which runs it in a
/// process of its own and reports its start, output and end. The connected worker with the fewest uploads
/// running takes it; with none connected it waits (its time limit runs meanwhile) for the first that connects.
/// A stop is a <see cref="CancelUpload"/>; a worker lost (its deployment stream ended, or the registry lost it)
/// fails the uploads it ran: the worker kills their processes once it is cut off from the coordinator.
/// </summary>
public sealed class UploadsOnWorkers
{
    private readonly ILogger _log;
    private readonly object _lock = new();
    private readonly Dictionary<string, WorkerSession> _sessions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (UploadRecord Upload, string WorkerId)> _running = new(StringComparer.Ordinal);
    private readonly List<(UploadRecord Upload, string? TraceParent)> _waiting = [];

    public UploadsOnWorkers(WorkerRegistry registry, ILogger<UploadsOnWorkers> log)
    {
        ArgumentNullException.ThrowIfNull(registry);
        _log = log;
        registry.Lost += (worker, reason) => Lose(worker.Id, session: null, reason);
    }

    /// <summary>Hands the upload to a worker, or queues it until one connects.</summary>
    internal void Run(UploadRecord upload, string? traceParent)
    {
        lock (_lock)
        {
            if (Least() is { } session)
            {
                Send(session, upload, traceParent);
                return;
            }

            _waiting.Add((upload, traceParent));
            upload.Attach(() => Withdraw(upload));
        }

        _log.UploadWaitsForWorker(upload.Name, upload.Id);
    }

    /// <summary>A worker's deployment stream opened: it takes the uploads waiting. One replacing the same worker's earlier stream ends what that ran.</summary>
    internal void Connected(WorkerSession session)
    {
        List<UploadRecord> lost;
        lock (_lock)
        {
            lost = Forget(session.Worker.Id);
            _sessions[session.Worker.Id] = session;
            var waiting = _waiting.ToList();
            _waiting.Clear();
            foreach (var (upload, traceParent) in waiting)
                Send(Least()!, upload, traceParent);
        }

        foreach (var upload in lost)
            upload.Ended($"its worker {session.Worker.Id} was lost: it opened a new deployment stream");
    }

    /// <summary>A worker's deployment stream closed: the uploads it ran are lost with it.</summary>
    internal void Disconnected(WorkerSession session, string reason) => Lose(session.Worker.Id, session, reason);

    /// <summary>The worker's uploads fail, and it takes no more; <paramref name="session"/>: only while that is its stream.</summary>
    private void Lose(string workerId, WorkerSession? session, string reason)
    {
        List<UploadRecord> lost;
        lock (_lock)
            lost = session is null || (_sessions.TryGetValue(workerId, out var current) && current == session) ? Forget(workerId) : [];
        foreach (var upload in lost)
            upload.Ended($"its worker {workerId} was lost: {reason}");
    }

    /// <summary>What a worker says of an upload it runs; one it does not run (any more) is ignored.</summary>
    internal void OnReport(string workerId, WorkerReport report)
    {
        var uploadId = report.ReportCase switch
        {
            WorkerReport.ReportOneofCase.UploadStarted => report.UploadStarted.UploadId,
            WorkerReport.ReportOneofCase.UploadOutput => report.UploadOutput.UploadId,
            WorkerReport.ReportOneofCase.UploadEnded => report.UploadEnded.UploadId,
            _ => throw new ArgumentException($"{report.ReportCase} is no upload's report", nameof(report)),
        };
        UploadRecord upload;
        lock (_lock)
        {
            if (!_running.TryGetValue(uploadId, out var running) || running.WorkerId != workerId)
                return;
            upload = running.Upload;
            if (report.UploadEnded is not null)
                _running.Remove(uploadId);
        }

        switch (report)
        {
            case { UploadStarted: { } started }:
                upload.ProcessStarted(started.ProcessId);
                break;
            case { UploadOutput: { } output }:
                upload.OnOutput(output.Text);
                break;
            case { UploadEnded: { HasExitCode: true } exited }:
                upload.Exited(exited.ExitCode);
                break;
            case { UploadEnded: { } ended }:
                upload.Ended(ended.Error);
                break;
        }
    }

    /// <summary>Under the lock: sends the script to the worker; the upload is stopped by a cancel to that worker from now on.</summary>
    private void Send(WorkerSession session, UploadRecord upload, string? traceParent)
    {
        if (upload.State != UploadState.Running)
        {
            upload.Ended("was stopped before a worker took it"); // its stop found it waiting: it ends as that stop said
            return;
        }

        byte[] script;
        try
        {
            script = File.ReadAllBytes(upload.ScriptPath);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            upload.Ended($"the coordinator cannot read the script to send it to a worker: {error.Message}");
            return;
        }

        var workerId = session.Worker.Id;
        var command = new RunUpload { UploadId = upload.Id, Name = upload.Name, Script = ByteString.CopyFrom(script), Traceparent = traceParent ?? "" };
        if (!session.Send(new DeploymentCommand { RunUpload = command }))
        {
            upload.Ended($"its worker {workerId} was lost before it got the script"); // the stream closed as it was chosen
            return;
        }

        _running[upload.Id] = (upload, workerId);
        upload.Attach(() => Cancel(upload.Id, workerId), workerId);
        _log.UploadOnWorker(upload.Name, upload.Id, workerId);
    }

    private void Cancel(string uploadId, string workerId)
    {
        lock (_lock)
        {
            if (_running.ContainsKey(uploadId) && _sessions.TryGetValue(workerId, out var session))
                session.Send(new DeploymentCommand { CancelUpload = new CancelUpload { UploadId = uploadId } });
        }
    }

    /// <summary>A waiting upload was stopped: out of the queue, it ends as its stop said.</summary>
    private void Withdraw(UploadRecord upload)
    {
        bool removed;
        lock (_lock)
            removed = _waiting.RemoveAll(w => w.Upload == upload) > 0;
        if (removed)
            upload.Ended("was stopped before a worker took it");
    }

    /// <summary>Under the lock: the connected worker running the fewest uploads (the earliest registered of those); null when none is connected.</summary>
    private WorkerSession? Least() =>
        _sessions.Values
            .OrderBy(s => _running.Values.Count(r => r.WorkerId == s.Worker.Id))
            .ThenBy(s => s.Worker.RegisteredAt)
            .FirstOrDefault();

    /// <summary>Under the lock: drops a worker's session and returns the uploads that ran on it.</summary>
    private List<UploadRecord> Forget(string workerId)
    {
        _sessions.Remove(workerId);
        var lost = _running.Where(r => r.Value.WorkerId == workerId).ToList();
        foreach (var (uploadId, _) in lost)
            _running.Remove(uploadId);
        return [.. lost.Select(r => r.Value.Upload)];
    }
}
