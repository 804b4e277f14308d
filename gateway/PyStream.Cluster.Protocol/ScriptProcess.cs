using System.Diagnostics;

namespace PyStream.Cluster.Protocol;

/// <summary>
/// The process of an uploaded script (<c>POST /jobs/submit</c>), started the same way wherever it runs: as a
/// child of the gateway, or of a cluster's worker (<see cref="RunUpload"/>), never in either's interpreter.
/// The pip client's interpreter runs <c>python -m pystream._uploaded SCRIPT</c> in the script's directory, with
/// <c>PYSTREAM_GATEWAY</c> pointing at the coordinator and <see cref="SubmissionVariable"/> naming the upload, so the
/// script submits its jobs over gRPC as any remote client does. Its output arrives line by line (both streams, in
/// the order they come); <see cref="WaitAsync"/> ends once it exited and its output drained.
/// </summary>
public sealed class ScriptProcess : IDisposable
{
    public const string SubmissionVariable = "PYSTREAM_SUBMISSION";

    /// <summary>How long after the script's exit its output may still arrive (from a process it left running).</summary>
    public static readonly TimeSpan OutputDrain = TimeSpan.FromSeconds(5);

    private readonly Process _process;
    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _disposed;

    private ScriptProcess(Process process) => _process = process;

    public int Id { get; private set; }

    /// <summary>Whether <paramref name="name"/> may name an uploaded script: a plain file name ending in .py, which stays in its directory.</summary>
    public static bool IsScriptName(string name) =>
        Path.GetFileName(name) == name && name is not ("." or "..") && name.EndsWith(".py", StringComparison.Ordinal) && !name.Contains('\\');

    /// <summary>
    /// Starts <paramref name="script"/> (a file in a directory of its own, which becomes its working directory);
    /// throws <see cref="System.ComponentModel.Win32Exception"/> when <paramref name="python"/> cannot start.
    /// </summary>
    /// <param name="gateway">HOST:PORT of the coordinator's gRPC port, as the script's machine reaches it.</param>
    /// <param name="traceParent">The upload request's W3C trace context, so the script's submits nest under it.</param>
    public static ScriptProcess Start(string python, string script, string gateway, string uploadId, string? token, string? traceParent,
        Action<string> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var start = new ProcessStartInfo(python)
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
        start.Environment["PYSTREAM_GATEWAY"] = gateway;
        start.Environment[SubmissionVariable] = uploadId;
        start.Environment["PYTHONUNBUFFERED"] = "1"; // its output arrives as it prints, not when it exits
        // It ends once this process is gone, even killed (and so unable to stop it) before the script started.
        start.Environment["PYSTREAM_PARENT_PID"] = Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Set(start, "TRACEPARENT", traceParent);
        Set(start, "PYSTREAM_TOKEN", token);

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var started = new ScriptProcess(process);
        process.Exited += (_, _) => started._exited.TrySetResult();
        process.OutputDataReceived += (_, line) => Forward(line.Data, output);
        process.ErrorDataReceived += (_, line) => Forward(line.Data, output);
        try
        {
            process.Start();
        }
        catch
        {
            process.Dispose();
            throw;
        }

        started.Id = process.Id;
        process.StandardInput.Close(); // a script that reads its input gets end-of-file, never its parent's
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return started;
    }

    /// <summary>Its exit status, once it exited and its output ended, or <see cref="OutputDrain"/> after its exit: a process it left behind may hold the streams open.</summary>
    public async Task<int> WaitAsync(TimeProvider time)
    {
        await _exited.Task.ConfigureAwait(false);
        using (var drain = new CancellationTokenSource(OutputDrain, time))
        {
            try
            {
                await _process.WaitForExitAsync(drain.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // what it printed so far is all there is
            }
        }

        return _process.ExitCode;
    }

    /// <summary>Kills it and every process it started; nothing once it ended.</summary>
    public void Kill()
    {
        lock (_process)
        {
            if (_disposed)
                return;
            try
            {
                _process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // it exited by itself meanwhile
            }
        }
    }

    public void Dispose()
    {
        lock (_process)
        {
            _disposed = true;
            _process.Dispose();
        }
    }

    private static void Set(ProcessStartInfo start, string variable, string? value)
    {
        if (string.IsNullOrEmpty(value))
            start.Environment.Remove(variable);
        else
            start.Environment[variable] = value;
    }

    private static void Forward(string? line, Action<string> output)
    {
        if (line is not null) // null: the end of the stream
            output(line);
    }
}
