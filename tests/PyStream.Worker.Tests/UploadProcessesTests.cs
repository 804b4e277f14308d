using System.Threading.Channels;
using Google.Protobuf;
using Microsoft.Extensions.Logging.Abstractions;
using PyStream.Cluster.Protocol;

namespace PyStream.Worker.Tests;

/// <summary>
/// The uploaded scripts a worker runs for its coordinator, with a shell script standing in for the interpreter
/// (the real one runs in tests/e2e/test_cluster_uploads.py): what the process is given, the reports it becomes,
/// its directory, a cancel, and what is refused.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // the stand-in interpreter is a shell script
public sealed class UploadProcessesTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("pystream-worker-uploads-");
    private readonly Channel<WorkerReport> _reports = Channel.CreateUnbounded<WorkerReport>();

    public void Dispose() => _root.Delete(recursive: true);

    [Fact]
    public async Task A_script_runs_in_its_own_directory_reaching_the_coordinator_and_its_output_and_exit_status_are_reported()
    {
        var processes = Processes("echo \"$PYSTREAM_GATEWAY $PYSTREAM_SUBMISSION token=${PYSTREAM_TOKEN-none} parent=$PYSTREAM_PARENT_PID $TRACEPARENT $*\"\n" +
                                  "pwd\ncat \"$3\"\nexit 3", token: "s3cret");

        processes.Run(Upload("ab12", "job.py", "print('hi')", traceParent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"), _reports.Writer);
        var reports = await ReportsUntilEnded();

        var directory = Path.Combine(_root.FullName, "uploads", "ab12");
        var started = Assert.Single(reports, r => r.UploadStarted is not null).UploadStarted;
        Assert.Equal("ab12", started.UploadId);
        Assert.True(started.ProcessId > 0);
        var output = string.Concat(reports.Where(r => r.UploadOutput is not null).Select(r => r.UploadOutput.Text));
        Assert.Equal($"127.0.0.1:6123 ab12 token=s3cret parent={Environment.ProcessId} 00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01 " +
                     $"-m pystream._uploaded {Path.Combine(directory, "job.py")}\n{directory}\nprint('hi')\n", output);
        var ended = reports[^1].UploadEnded;
        Assert.Equal(("ab12", true, 3, ""), (ended.UploadId, ended.HasExitCode, ended.ExitCode, ended.Error));
        Assert.False(Directory.Exists(directory)); // removed with its end
    }

    [Fact]
    public async Task A_cancel_kills_the_script_and_its_end_is_reported()
    {
        var processes = Processes("echo started\nexec sleep 600");
        processes.Run(Upload("c0ffee", "loop.py"), _reports.Writer);
        var first = new List<WorkerReport>();
        while (!first.Any(r => r.UploadOutput is { Text: "started\n" }) || !first.Any(r => r.UploadStarted is not null))
            first.Add(await _reports.Reader.ReadAsync().AsTask().WaitAsync(Bound));

        processes.Cancel("c0ffee");

        var ended = (await ReportsUntilEnded())[^1].UploadEnded;
        Assert.True(ended.HasExitCode);
        Assert.NotEqual(0, ended.ExitCode);
        var pid = first.Single(r => r.UploadStarted is not null).UploadStarted.ProcessId;
        Assert.Throws<ArgumentException>(() => System.Diagnostics.Process.GetProcessById(pid));
    }

    [Theory]
    [InlineData("../up", "job.py", "the worker cannot write the script: '../up' is not an upload id")]
    [InlineData("ab12", "../job.py", "the worker cannot write the script: the script must be a plain file name ending in .py, not '../job.py'")]
    [InlineData("ab12", "job.sh", "the worker cannot write the script: the script must be a plain file name ending in .py, not 'job.sh'")]
    public async Task An_upload_id_or_name_that_would_leave_the_uploads_directory_is_refused(string id, string name, string error)
    {
        Processes("exit 0").Run(Upload(id, name), _reports.Writer);

        var ended = Assert.Single(await ReportsUntilEnded()).UploadEnded;
        Assert.Equal((false, error), (ended.HasExitCode, ended.Error));
    }

    [Fact]
    public async Task An_interpreter_that_cannot_start_is_reported_with_the_reason()
    {
        var options = WorkerOptions.Parse(["--coordinator", "127.0.0.1:6123"], token: null) with { UploadPython = Path.Combine(_root.FullName, "no-such-python") };
        new UploadProcesses(options, _root.FullName, TimeProvider.System, NullLogger<UploadProcesses>.Instance).Run(Upload("ab12", "job.py"), _reports.Writer);

        var ended = Assert.Single(await ReportsUntilEnded()).UploadEnded;
        Assert.False(ended.HasExitCode);
        Assert.StartsWith($"the worker cannot start '{options.UploadPython}' to run scripts", ended.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_root.FullName, "uploads", "ab12")));
    }

    private UploadProcesses Processes(string interpreterBody, string? token = null)
    {
        var interpreter = Path.Combine(_root.FullName, "python");
        File.WriteAllText(interpreter, "#!/bin/sh\n" + interpreterBody + "\n");
        File.SetUnixFileMode(interpreter, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var options = WorkerOptions.Parse(["--coordinator", "127.0.0.1:6123"], token) with { UploadPython = interpreter };
        return new UploadProcesses(options, _root.FullName, TimeProvider.System, NullLogger<UploadProcesses>.Instance);
    }

    private static RunUpload Upload(string id, string name, string script = "", string traceParent = "") =>
        new() { UploadId = id, Name = name, Script = ByteString.CopyFromUtf8(script), Traceparent = traceParent };

    /// <summary>The reports up to and with the upload's end.</summary>
    private async Task<List<WorkerReport>> ReportsUntilEnded()
    {
        var reports = new List<WorkerReport>();
        do
            reports.Add(await _reports.Reader.ReadAsync().AsTask().WaitAsync(Bound));
        while (reports[^1].UploadEnded is null);
        return reports;
    }
}
