using Microsoft.Extensions.Time.Testing;
using PyStream.Engine.Runtime;
using PyStream.Gateway.Jobs;
using PyStream.Gateway.Monitoring;
using PyStream.Gateway.Protocol;
using static PyStream.Engine.Tests.Harness.JobSpecs;

namespace PyStream.Gateway.Tests;

public sealed class JobRegistryTests : IDisposable
{
    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("pystream-gateway-");

    public void Dispose() => _data.Delete(recursive: true);

    [Fact]
    public async Task A_job_runs_in_its_own_environment_and_is_forgotten_an_hour_after_it_ended()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        using var metrics = new TaskMetrics(time, sampleEverySecond: false);
        var registry = new JobRegistry(new JobEnvironment { Time = time }, new GatewayOptions { DataDirectory = _data.FullName }, metrics);

        var job = registry.Submit(Job(Numbers(1, 1, 3), Print(2, 1, "", From(1))), [], new Dictionary<string, string>());
        var events = new List<JobEvent>();
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await foreach (var item in job.Events.Follow(bound.Token))
            events.Add(item);

        Assert.Equal("1\n2\n3\n", string.Concat(events.Where(e => e.KindCase == JobEvent.KindOneofCase.Output).Select(e => e.Output)));
        Assert.Equal("FINISHED", events[^1].Status.Status);
        Assert.Same(job, registry.Find(job.Id));
        Assert.StartsWith(_data.FullName, job.Execution.Checkpointing.Directory, StringComparison.Ordinal); // the gateway's default

        time.Advance(JobRegistry.Expiration - TimeSpan.FromSeconds(1));
        Assert.Single(registry.All);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Empty(registry.All);
        Assert.Null(registry.Find(job.Id));
    }

    [Fact]
    public void The_gateways_job_defaults_apply_where_a_job_sets_nothing_and_come_before_its_own_defaults()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        using var metrics = new TaskMetrics(time, sampleEverySecond: false);
        var options = GatewayOptions.Parse(["--data", _data.FullName, "-D", "scheduler-mode=reactive", "-D", "pipeline.max-parallelism=64",
            "-D", "state.checkpoints.dir=" + Path.Combine(_data.FullName, "elsewhere")], token: null);
        var registry = new JobRegistry(new JobEnvironment { Time = time, Stdout = TextWriter.Null }, options, metrics);

        var spec = Job(Numbers(1, 1, 3), Print(2, 1, "", From(1)));
        spec.Configuration["pipeline.max-parallelism"] = "32";
        var job = registry.Submit(spec, [], new Dictionary<string, string>());
        Assert.True(job.Execution.Wait(TimeSpan.FromSeconds(30)));

        Assert.Equal("reactive", job.Execution.Configuration["scheduler-mode"]);
        Assert.Equal("32", job.Execution.Configuration["pipeline.max-parallelism"]); // the job's own setting wins
        Assert.Equal(Path.Combine(_data.FullName, "elsewhere"), job.Execution.Configuration["state.checkpoints.dir"]);
    }

    [Theory]
    [InlineData("root0/helpers.py", "root0/helpers.py")]
    [InlineData("root1/pkg/__init__.py", "root1/pkg/__init__.py")]
    public void A_relative_path_stays_inside_the_jobs_directory(string path, string expected) =>
        Assert.Equal(expected, JobRegistry.SafeRelativePath(path));

    [Theory]
    [InlineData("")]
    [InlineData("/etc/passwd")]
    [InlineData("../outside.py")]
    [InlineData("root0/../../outside.py")]
    [InlineData("root0/./x.py")]
    [InlineData("root0//x.py")]
    [InlineData("root0\\..\\x.py")]
    [InlineData("root0/x\0.py")]
    public void A_path_that_could_escape_is_refused(string path)
    {
        var error = Assert.Throws<ArgumentException>(() => JobRegistry.SafeRelativePath(path));
        Assert.Contains("must be relative and stay inside the job's directory", error.Message, StringComparison.Ordinal);
    }
}
