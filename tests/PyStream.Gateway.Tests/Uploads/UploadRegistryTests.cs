using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using PyStream.Gateway.Uploads;

namespace PyStream.Gateway.Tests.Uploads;

/// <summary>
/// The processes of uploaded scripts, with a shell script standing in for the interpreter (the real
/// one runs in tests/e2e/test_upload_isolation.py): what a process is given, its time limit on
/// injected time, and the kill when the gateway stops.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // the stand-in interpreter is a shell script
public sealed class UploadRegistryTests : IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("pystream-uploads-");
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UnixEpoch);

    public void Dispose() => _directory.Delete(recursive: true);

    [Fact]
    public async Task The_process_gets_the_script_the_gateway_address_the_upload_id_and_the_trace_and_a_failure_is_its_exit_status()
    {
        var registry = Registry("echo \"$PYSTREAM_GATEWAY $PYSTREAM_SUBMISSION token=${PYSTREAM_TOKEN-none} $*\"\necho \"$TRACEPARENT\" >&2\nexit 3");
        var script = Script();

        UploadRecord upload;
        string traceParent;
        using (var request = new Activity("POST /jobs/submit").SetIdFormat(ActivityIdFormat.W3C).Start())
        {
            traceParent = request.Id!;
            upload = registry.Start("u1", script);
        }

        await upload.FirstJobOrEnd.WaitAsync(Bound);

        Assert.Equal(UploadState.Failed, upload.State);
        Assert.Equal(3, upload.ExitCode);
        Assert.Equal("exited with status 3 before it started a job", upload.Error);
        var lines = upload.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal);
        string[] expected = ["127.0.0.1:6123 u1 token=none -m pystream._uploaded " + script, traceParent];
        Assert.Equal(expected.Order(StringComparer.Ordinal), lines);
        Assert.Empty(upload.JobIds);
    }

    [Fact]
    public async Task A_script_that_starts_no_job_within_the_limit_is_stopped()
    {
        var registry = Registry("echo started\nexec sleep 600");
        var upload = registry.Start("u2", Script());
        Assert.True(SpinWait.SpinUntil(() => upload.Output == "started\n", Bound)); // the process runs

        _time.Advance(Limit - TimeSpan.FromMilliseconds(1));
        Assert.Equal(UploadState.Running, upload.State);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        await upload.FirstJobOrEnd.WaitAsync(Bound);

        Assert.Equal(UploadState.Failed, upload.State);
        Assert.Equal("started no job within 10 min: its process was stopped", upload.Error);
        Assert.True(Gone(upload.ProcessId!.Value));
    }

    [Fact]
    public async Task Stopping_the_gateway_kills_the_scripts_still_running_and_a_cancel_of_an_ended_one_is_refused()
    {
        var registry = Registry("exec sleep 600");
        var upload = registry.Start("u3", Script());
        Assert.True(registry.AnyRunning);

        registry.StopAll();
        await upload.FirstJobOrEnd.WaitAsync(Bound);

        Assert.Equal(UploadState.Canceled, upload.State);
        Assert.Equal("was stopped with the gateway", upload.Error);
        Assert.True(Gone(upload.ProcessId!.Value));
        Assert.False(upload.Cancel());
        Assert.False(registry.AnyRunning);
    }

    [Fact]
    public async Task A_script_that_leaves_a_process_holding_its_output_ends_once_the_output_had_time_to_drain()
    {
        var registry = Registry("sleep 600 &\necho \"left $!\"\nexit 0");
        var upload = registry.Start("u5", Script());
        var left = 0;
        try
        {
            Assert.True(SpinWait.SpinUntil(() => upload.Output.StartsWith("left ", StringComparison.Ordinal), Bound));
            left = int.Parse(upload.Output["left ".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(SpinWait.SpinUntil(() => Gone(upload.ProcessId!.Value), Bound));
            Assert.False(upload.HasEnded); // the sleep holds its output open, and no time has passed

            // The drain's clock starts once the gateway saw the exit: advance until it has run out.
            Assert.True(SpinWait.SpinUntil(() =>
            {
                _time.Advance(PyStream.Cluster.Protocol.ScriptProcess.OutputDrain);
                return upload.FirstJobOrEnd.Wait(TimeSpan.FromMilliseconds(20));
            }, Bound));

            Assert.Equal((UploadState.Finished, 0), (upload.State, upload.ExitCode));
        }
        finally
        {
            if (left > 0)
                Process.GetProcessById(left).Kill();
        }
    }

    [Fact]
    public async Task An_interpreter_that_cannot_start_fails_the_upload_with_the_reason()
    {
        var options = GatewayOptions.Parse([], token: null) with { UploadPython = Path.Combine(_directory.FullName, "no-such-python") };
        var registry = new UploadRegistry(options, _time, () => "127.0.0.1:6123", NullLogger<UploadRegistry>.Instance);

        var upload = registry.Start("u4", Script());
        await upload.FirstJobOrEnd.WaitAsync(Bound);

        Assert.Equal(UploadState.Failed, upload.State);
        Assert.Null(upload.ExitCode);
        Assert.StartsWith($"the gateway cannot start '{options.UploadPython}' to run scripts", upload.Error, StringComparison.Ordinal);
    }

    private UploadRegistry Registry(string interpreterBody)
    {
        var interpreter = Path.Combine(_directory.FullName, "python");
        File.WriteAllText(interpreter, "#!/bin/sh\n" + interpreterBody + "\n");
        File.SetUnixFileMode(interpreter, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var options = GatewayOptions.Parse([], token: null) with { UploadPython = interpreter, UploadTimeout = Limit };
        return new UploadRegistry(options, _time, () => "127.0.0.1:6123", NullLogger<UploadRegistry>.Instance);
    }

    private string Script()
    {
        var directory = Directory.CreateDirectory(Path.Combine(_directory.FullName, Guid.NewGuid().ToString("N")));
        var script = Path.Combine(directory.FullName, "job.py");
        File.WriteAllText(script, "print('never run by the stand-in')\n");
        return script;
    }

    private static bool Gone(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return process.HasExited;
        }
        catch (ArgumentException)
        {
            return true;
        }
    }
}
