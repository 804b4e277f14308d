using System.Collections.Concurrent;
using System.ComponentModel;
using System.Threading.Channels;
using PyStream.Cluster.Protocol;

namespace PyStream.Worker;

/// <summary>
/// The uploaded scripts the coordinator runs here (<see cref="RunUpload"/>: a cluster's coordinator runs no user
/// code), each in a process of its own (<see cref="ScriptProcess"/>), never in this worker's interpreter, with its
/// script in a directory of its own (<c>{root}/uploads/{upload id}/NAME</c>), removed when it ends. The script
/// reaches the coordinator at this worker's <c>--coordinator</c> address, with its token. Its start, output and end
/// go back on the deployment stream; when that stream ends the coordinator has counted them lost, so they are killed.
/// </summary>
internal sealed class UploadProcesses(WorkerOptions options, string root, TimeProvider time, ILogger<UploadProcesses> logger)
{
    private readonly ConcurrentDictionary<string, ScriptProcess> _running = new(StringComparer.Ordinal);

    public void Run(RunUpload upload, ChannelWriter<WorkerReport> reports)
    {
        ArgumentNullException.ThrowIfNull(upload);
        var id = upload.UploadId;
        string directory;
        string script;
        try
        {
            if (id.Length == 0 || !id.All(char.IsAsciiLetterOrDigit))
                throw new ArgumentException($"'{id}' is not an upload id");
            if (!ScriptProcess.IsScriptName(upload.Name))
                throw new ArgumentException($"the script must be a plain file name ending in .py, not '{upload.Name}'");
            directory = Path.Combine(root, "uploads", id);
            Directory.CreateDirectory(directory);
            script = Path.Combine(directory, upload.Name);
            File.WriteAllBytes(script, upload.Script.ToByteArray());
        }
        catch (Exception error) when (error is ArgumentException or IOException or UnauthorizedAccessException)
        {
            reports.TryWrite(Ended(id, exitCode: null, $"the worker cannot write the script: {error.Message}"));
            return;
        }

        ScriptProcess process;
        try
        {
            process = ScriptProcess.Start(options.UploadPython, script, options.Coordinator, id, options.Token,
                upload.Traceparent.Length > 0 ? upload.Traceparent : null,
                line => reports.TryWrite(new WorkerReport { UploadOutput = new UploadOutput { UploadId = id, Text = line + "\n" } }));
        }
        catch (Win32Exception error)
        {
            ShareFiles.Delete(directory, logger);
            reports.TryWrite(Ended(id, exitCode: null, $"the worker cannot start '{options.UploadPython}' to run scripts: {error.Message}"));
            return;
        }

        _running[id] = process;
        reports.TryWrite(new WorkerReport { UploadStarted = new UploadStarted { UploadId = id, ProcessId = process.Id } });
        logger.UploadStarted(upload.Name, id, process.Id);
        _ = WatchAsync(id, process, directory, reports);
    }

    /// <summary>Kills the upload's process and those it started; its end is reported as any.</summary>
    public void Cancel(string uploadId)
    {
        if (_running.TryGetValue(uploadId, out var process))
            process.Kill();
    }

    /// <summary>The deployment stream ended (or the worker stops): kills every script still running.</summary>
    public void StopAll()
    {
        foreach (var process in _running.Values)
            process.Kill();
    }

    private async Task WatchAsync(string id, ScriptProcess process, string directory, ChannelWriter<WorkerReport> reports)
    {
        int code;
        using (process)
            code = await process.WaitAsync(time).ConfigureAwait(false);
        _running.TryRemove(id, out _);
        ShareFiles.Delete(directory, logger);
        reports.TryWrite(Ended(id, code, ""));
    }

    private static WorkerReport Ended(string id, int? exitCode, string error)
    {
        var ended = new UploadEnded { UploadId = id, Error = error };
        if (exitCode is { } code)
            ended.ExitCode = code;
        return new WorkerReport { UploadEnded = ended };
    }
}
