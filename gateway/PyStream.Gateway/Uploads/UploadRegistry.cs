using System.Collections.Concurrent;
using System.ComponentModel;
using System.Diagnostics;
using PyStream.Cluster.Protocol;
using PyStream.Gateway.Cluster;
using PyStream.Gateway.Jobs;

namespace PyStream.Gateway.Uploads;

/// <summary>
/// Uploaded scripts (<c>POST /jobs/submit</c>), each run by the pip client's own interpreter in a
/// process of its own (<see cref="ScriptProcess"/>), never in the gateway: a child of the gateway, or
/// on a cluster a child of a worker (<see cref="UploadsOnWorkers"/>). The script submits its jobs over
/// gRPC as any remote client does, and each Submit carries the upload's id in the
/// <see cref="SubmissionHeader"/>, so the jobs are known as this upload's. Whatever the script does to
/// its interpreter (<c>os._exit</c>, monkeypatching, an endless loop) stays in its process; the gateway
/// waits on none of them, and stops those still running when it stops. An ended upload is kept, as a job is, for <see cref="JobRegistry.Expiration"/>.
/// </summary>
public sealed class UploadRegistry : IDisposable
{
    public const string SubmissionHeader = "pystream-submission";

    private readonly ConcurrentDictionary<string, UploadRecord> _uploads = new(StringComparer.Ordinal);
    private readonly GatewayOptions _options;
    private readonly TimeProvider _time;
    private readonly Func<string> _gatewayAddress;
    private readonly ILogger _log;
    private readonly UploadsOnWorkers? _workers;

    /// <param name="gatewayAddress">The gRPC address (host:port) the scripts' processes reach this gateway at, asked once the gateway listens.</param>
    /// <param name="workers">A cluster's workers, which run the scripts then (the coordinator runs no user code); null: processes of the gateway's own.</param>
    public UploadRegistry(GatewayOptions options, TimeProvider time, Func<string> gatewayAddress, ILogger<UploadRegistry> log, UploadsOnWorkers? workers = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _time = time;
        _gatewayAddress = gatewayAddress;
        _log = log;
        _workers = workers;
    }

    public IEnumerable<UploadRecord> All
    {
        get
        {
            Expire();
            return _uploads.Values.OrderByDescending(u => u.StartTime);
        }
    }

    public bool AnyRunning => _uploads.Values.Any(u => !u.HasEnded);

    public UploadRecord? Find(string id)
    {
        Expire();
        return _uploads.TryGetValue(id, out var upload) ? upload : null;
    }

    /// <summary>The upload whose script started job <paramref name="jobId"/>; null for a job any other client started.</summary>
    public UploadRecord? OfJob(string jobId) => _uploads.Values.FirstOrDefault(u => u.JobIds.Contains(jobId, StringComparer.Ordinal));

    /// <summary>
    /// Starts <paramref name="script"/> (a file in a directory of its own, which becomes its working directory): on a
    /// worker when this gateway coordinates a cluster, else as a process of the gateway's own.
    /// </summary>
    public UploadRecord Start(string id, string script)
    {
        var upload = new UploadRecord(id, script, _time);
        _uploads[id] = upload;
        upload.Begin(_options.UploadTimeout, _log);
        // The script's submits nest under the upload's request, as the client's own do.
        var traceParent = Activity.Current is { IdFormat: ActivityIdFormat.W3C } request ? request.Id : null;
        if (_workers is not null)
            _workers.Run(upload, traceParent);
        else
            RunHere(upload, traceParent);
        return upload;
    }

    /// <summary>The gateway is stopping: kills every script still running (they would only lose their gateway).</summary>
    public void StopAll()
    {
        foreach (var upload in _uploads.Values)
            upload.Stop(UploadState.Canceled, "was stopped with the gateway");
    }

    public void Dispose() => StopAll();

    private void RunHere(UploadRecord upload, string? traceParent)
    {
        ScriptProcess process;
        try
        {
            process = ScriptProcess.Start(_options.UploadPython, upload.ScriptPath, _gatewayAddress(), upload.Id, _options.Token, traceParent,
                line => upload.OnOutput(line + "\n"));
        }
        catch (Win32Exception error)
        {
            _log.UploadNotStarted(_options.UploadPython, upload.Name, error.Message);
            upload.Ended($"the gateway cannot start '{_options.UploadPython}' to run scripts: {error.Message}");
            return;
        }

        upload.ProcessStarted(process.Id);
        upload.Attach(process.Kill);
        _ = WatchAsync(upload, process);
    }

    private async Task WatchAsync(UploadRecord upload, ScriptProcess process)
    {
        using (process)
            upload.Exited(await process.WaitAsync(_time).ConfigureAwait(false));
    }

    private void Expire()
    {
        var before = _time.GetUtcNow() - JobRegistry.Expiration;
        foreach (var upload in _uploads.Values.Where(u => u.EndTime <= before))
            _uploads.TryRemove(upload.Id, out _);
    }
}
