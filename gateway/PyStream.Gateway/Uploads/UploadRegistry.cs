using System.Collections.Concurrent;
using System.Diagnostics;
using PyStream.Gateway.Jobs;

namespace PyStream.Gateway.Uploads;

/// <summary>
/// Uploaded scripts (<c>POST /jobs/submit</c>), each run by the pip client's own interpreter in a
/// process of its own, never in the gateway: <c>python -m pystream._uploaded SCRIPT</c> with
/// <c>PYSTREAM_GATEWAY</c> pointing back here, the token, and <see cref="SubmissionVariable"/> naming
/// the upload. The script submits its jobs over gRPC as any remote client does, and each Submit
/// carries the upload's id in the <see cref="SubmissionHeader"/>, so the jobs are known as this
/// upload's. Whatever the script does to its interpreter (<c>os._exit</c>, monkeypatching, an
/// endless loop) stays in its process; the gateway waits on none of them, and kills those still
/// running when it stops. An ended upload is kept, as a job is, for <see cref="JobRegistry.Expiration"/>.
/// </summary>
public sealed class UploadRegistry : IDisposable
{
    public const string SubmissionHeader = "pystream-submission";
    public const string SubmissionVariable = "PYSTREAM_SUBMISSION";

    private readonly ConcurrentDictionary<string, UploadRecord> _uploads = new(StringComparer.Ordinal);
    private readonly GatewayOptions _options;
    private readonly TimeProvider _time;
    private readonly Func<string> _gatewayAddress;
    private readonly ILogger _log;

    /// <param name="gatewayAddress">The gRPC address (host:port) the scripts' processes reach this gateway at, asked once the gateway listens.</param>
    public UploadRegistry(GatewayOptions options, TimeProvider time, Func<string> gatewayAddress, ILogger<UploadRegistry> log)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _time = time;
        _gatewayAddress = gatewayAddress;
        _log = log;
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

    /// <summary>Starts <paramref name="script"/> (a file in a directory of its own, which becomes its working directory).</summary>
    public UploadRecord Start(string id, string script)
    {
        var upload = new UploadRecord(id, script, _time);
        var start = new ProcessStartInfo(_options.UploadPython)
        {
            WorkingDirectory = Path.GetDirectoryName(script),
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-m");
        start.ArgumentList.Add("pystream._uploaded");
        start.ArgumentList.Add(script);
        start.Environment["PYSTREAM_GATEWAY"] = _gatewayAddress();
        start.Environment[SubmissionVariable] = id;
        start.Environment["PYTHONUNBUFFERED"] = "1"; // its output arrives as it prints, not when it exits
        if (Activity.Current is { IdFormat: ActivityIdFormat.W3C } request)
            start.Environment["TRACEPARENT"] = request.Id; // the script's submits nest under the upload's request, as the client's own do
        else
            start.Environment.Remove("TRACEPARENT");
        if (_options.Token is { } token)
            start.Environment["PYSTREAM_TOKEN"] = token;
        else
            start.Environment.Remove("PYSTREAM_TOKEN");
        _uploads[id] = upload;
        upload.Run(start, _options.UploadTimeout, _log);
        return upload;
    }

    /// <summary>The gateway is stopping: kills every script still running (they would only lose their gateway).</summary>
    public void StopAll()
    {
        foreach (var upload in _uploads.Values)
            upload.Stop(UploadState.Canceled, "was stopped with the gateway");
    }

    public void Dispose() => StopAll();

    private void Expire()
    {
        var before = _time.GetUtcNow() - JobRegistry.Expiration;
        foreach (var upload in _uploads.Values.Where(u => u.EndTime <= before))
            _uploads.TryRemove(upload.Id, out _);
    }
}
