using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using PyStream.Cluster.Protocol;
using PyStream.Gateway.Cluster;
using PyStream.Gateway.Uploads;

namespace PyStream.Gateway.Tests.Uploads;

/// <summary>
/// Uploaded scripts on a cluster's workers, the coordinator's side: which worker gets a script, what it is sent,
/// how the worker's reports become the upload's state, and stops, waits, time limits and lost workers, on a fake
/// clock with deployment streams as sessions (a real worker runs them in tests/e2e/test_cluster_uploads.py).
/// </summary>
public sealed class UploadsOnWorkersTests : IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(10);
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("pystream-uploads-");
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UnixEpoch);
    private readonly WorkerRegistry _workers;
    private readonly UploadsOnWorkers _onWorkers;
    private readonly UploadRegistry _uploads;
    private int _scripts;

    public UploadsOnWorkersTests()
    {
        _workers = new WorkerRegistry(new HeartbeatSettings(TimeSpan.FromHours(1), TimeSpan.FromHours(2)), _time, NullLogger<WorkerRegistry>.Instance, version: "1");
        _onWorkers = new UploadsOnWorkers(_workers, NullLogger<UploadsOnWorkers>.Instance);
        // A stand-in interpreter that cannot exist: a process of the gateway's own would fail at once.
        var options = GatewayOptions.Parse([], token: null) with { UploadPython = Path.Combine(_directory.FullName, "no-such-python"), UploadTimeout = Limit };
        _uploads = new UploadRegistry(options, _time, () => "127.0.0.1:6123", NullLogger<UploadRegistry>.Instance, _onWorkers);
    }

    public void Dispose()
    {
        _workers.Dispose();
        _directory.Delete(recursive: true);
    }

    [Fact]
    public void Each_upload_goes_to_the_worker_running_the_fewest_with_its_script_name_and_trace()
    {
        var a = Connect("a");
        var b = Connect("b");

        UploadRecord first;
        string traceParent;
        using (var request = new Activity("POST /jobs/submit").SetIdFormat(ActivityIdFormat.W3C).Start())
        {
            traceParent = request.Id!;
            first = _uploads.Start("u1", Script("print('one')\n"));
        }

        var second = _uploads.Start("u2", Script("print('two')\n"));
        var third = _uploads.Start("u3", Script("print('three')\n"));

        var sentToA = Commands(a);
        Assert.Equal(["u1", "u3"], sentToA.Select(c => c.RunUpload.UploadId));
        Assert.Equal([("job.py", "print('one')\n", traceParent), ("job.py", "print('three')\n", "")],
            sentToA.Select(c => (c.RunUpload.Name, c.RunUpload.Script.ToStringUtf8(), c.RunUpload.Traceparent)));
        Assert.Equal(["u2"], Commands(b).Select(c => c.RunUpload.UploadId));
        Assert.Equal((a.Worker.Id, b.Worker.Id, a.Worker.Id), (first.Worker, second.Worker, third.Worker));
        Assert.All([first, second, third], u => Assert.Null(u.ProcessId));
    }

    [Fact]
    public void A_workers_reports_become_the_uploads_process_output_and_end_and_another_workers_are_ignored()
    {
        var a = Connect("a");
        var b = Connect("b");
        var finishing = _uploads.Start("u1", Script());
        var failing = _uploads.Start("u2", Script());

        _onWorkers.OnReport(b.Worker.Id, Started("u1", 99)); // u1 is a's
        _onWorkers.OnReport(a.Worker.Id, Started("u1", 42));
        _onWorkers.OnReport(a.Worker.Id, Output("u1", "hello\n"));
        _onWorkers.OnReport(b.Worker.Id, Output("u1", "not mine\n"));
        _onWorkers.OnReport(a.Worker.Id, Output("u1", "world\n"));
        Assert.Equal((42, "hello\nworld\n", UploadState.Running), (finishing.ProcessId, finishing.Output, finishing.State));
        _onWorkers.OnReport(a.Worker.Id, Ended("u1", 0));
        _onWorkers.OnReport(a.Worker.Id, Output("u1", "too late\n")); // it ended: no longer a's

        _onWorkers.OnReport(b.Worker.Id, Started("u2", 7));
        _onWorkers.OnReport(b.Worker.Id, Ended("u2", 1));

        Assert.Equal((UploadState.Finished, 0, null, "hello\nworld\n"), (finishing.State, finishing.ExitCode, finishing.Error, finishing.Output));
        Assert.Equal((UploadState.Failed, 1, "exited with status 1 before it started a job"), (failing.State, failing.ExitCode, failing.Error));
        Assert.True(finishing.FirstJobOrEnd.IsCompleted && failing.FirstJobOrEnd.IsCompleted);
    }

    [Fact]
    public void With_no_worker_connected_an_upload_waits_and_runs_on_the_first_that_connects()
    {
        var waiting = _uploads.Start("u1", Script());
        Assert.Equal((UploadState.Running, null), (waiting.State, waiting.Worker));

        var a = Connect("a");

        Assert.Equal(["u1"], Commands(a).Select(c => c.RunUpload.UploadId));
        Assert.Equal(a.Worker.Id, waiting.Worker);
    }

    [Fact]
    public void A_waiting_upload_that_is_cancelled_or_runs_out_of_time_ends_at_once_and_is_never_sent()
    {
        var cancelled = _uploads.Start("u1", Script());
        var late = _uploads.Start("u2", Script());

        Assert.True(cancelled.Cancel());
        Assert.Equal((UploadState.Canceled, "was cancelled", null), (cancelled.State, cancelled.Error, cancelled.ExitCode));
        _time.Advance(Limit);
        Assert.Equal((UploadState.Failed, "started no job within 10 min: its process was stopped"), (late.State, late.Error));

        var a = Connect("a");
        Assert.Empty(Commands(a));
    }

    [Fact]
    public void Cancelling_a_running_upload_sends_a_cancel_to_its_worker_whose_report_ends_it()
    {
        var a = Connect("a");
        var upload = _uploads.Start("u1", Script());
        _onWorkers.OnReport(a.Worker.Id, Started("u1", 42));
        Commands(a);

        Assert.True(upload.Cancel());

        var cancel = Assert.Single(Commands(a));
        Assert.Equal("u1", cancel.CancelUpload.UploadId);
        Assert.Equal(UploadState.Cancelling, upload.State);
        Assert.False(upload.Cancel());
        _onWorkers.OnReport(a.Worker.Id, Ended("u1", 137));
        Assert.Equal((UploadState.Canceled, "was cancelled", 137), (upload.State, upload.Error, upload.ExitCode));
    }

    [Fact]
    public void Stopping_the_gateway_cancels_the_uploads_on_workers()
    {
        var a = Connect("a");
        _uploads.Start("u1", Script());
        _uploads.Start("u2", Script());
        Commands(a);

        _uploads.StopAll();

        Assert.Equal(["u1", "u2"], Commands(a).Select(c => c.CancelUpload.UploadId).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_lost_worker_fails_the_uploads_it_ran_and_one_it_could_not_start_fails_with_its_reason()
    {
        var a = Connect("a");
        var b = Connect("b");
        var lost = _uploads.Start("u1", Script());
        var unstartable = _uploads.Start("u2", Script());

        _onWorkers.Disconnected(a, "its connection dropped (IOException)");
        _onWorkers.OnReport(b.Worker.Id, new WorkerReport { UploadEnded = new UploadEnded { UploadId = "u2", Error = "the worker cannot start 'python3' to run scripts: No such file" } });

        Assert.Equal((UploadState.Failed, $"its worker {a.Worker.Id} was lost: its connection dropped (IOException)", null),
            (lost.State, lost.Error, lost.ExitCode));
        Assert.Equal((UploadState.Failed, "the worker cannot start 'python3' to run scripts: No such file"), (unstartable.State, unstartable.Error));
        var next = _uploads.Start("u3", Script());
        Assert.Equal(b.Worker.Id, next.Worker); // a is gone
    }

    [Fact]
    public void A_worker_the_registry_loses_fails_its_uploads_and_takes_no_more()
    {
        var a = Connect("a");
        var b = Connect("b");
        var upload = _uploads.Start("u1", Script());

        _workers.Remove(a.Worker.Id, "no heartbeat for 50000 ms"); // as its timer does, its deployment stream still open
        _workers.Remove(b.Worker.Id, "it stopped");

        Assert.Equal((UploadState.Failed, $"its worker {a.Worker.Id} was lost: no heartbeat for 50000 ms"), (upload.State, upload.Error));
        var waiting = _uploads.Start("u2", Script());
        Assert.Null(waiting.Worker);
        Assert.Empty(Commands(b));
    }

    [Fact]
    public void A_worker_that_opens_a_new_deployment_stream_loses_what_its_old_one_ran()
    {
        var a = Connect("a");
        var upload = _uploads.Start("u1", Script());

        var again = new WorkerSession(a.Worker);
        _onWorkers.Connected(again);
        _onWorkers.Disconnected(a, "it closed the stream"); // the old stream's end, after the new one opened: nothing more

        Assert.Equal((UploadState.Failed, $"its worker {a.Worker.Id} was lost: it opened a new deployment stream"), (upload.State, upload.Error));
        Assert.Equal(a.Worker.Id, _uploads.Start("u2", Script()).Worker);
        Assert.Equal(["u2"], Commands(again).Select(c => c.RunUpload.UploadId));
    }

    private WorkerSession Connect(string instance)
    {
        _time.Advance(TimeSpan.FromSeconds(1)); // registered one after the other
        var worker = _workers.Register(new WorkerOffer("1", 2, instance, $"127.0.0.1:{7000 + instance[0]}", instance, new WorkerHardware(2, 1 << 30, 1 << 30, 0)));
        var session = new WorkerSession(worker);
        _onWorkers.Connected(session);
        return session;
    }

    private static List<DeploymentCommand> Commands(WorkerSession session)
    {
        var commands = new List<DeploymentCommand>();
        while (session.Commands.TryRead(out var command))
            commands.Add(command);
        return commands;
    }

    private string Script(string content = "print('never run here')\n")
    {
        var directory = Directory.CreateDirectory(Path.Combine(_directory.FullName, $"s{_scripts++}"));
        var script = Path.Combine(directory.FullName, "job.py");
        File.WriteAllText(script, content);
        return script;
    }

    private static WorkerReport Started(string id, int pid) => new() { UploadStarted = new UploadStarted { UploadId = id, ProcessId = pid } };

    private static WorkerReport Output(string id, string text) => new() { UploadOutput = new UploadOutput { UploadId = id, Text = text } };

    private static WorkerReport Ended(string id, int code) => new() { UploadEnded = new UploadEnded { UploadId = id, ExitCode = code } };
}
