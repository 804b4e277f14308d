using Microsoft.Extensions.Time.Testing;
using PyStream.Engine.Runtime;
using PyStream.Engine.Spec;
using PyStream.Gateway.HighAvailability;
using PyStream.Gateway.Jobs;
using PyStream.Gateway.Monitoring;
using static PyStream.Engine.Tests.Harness.JobSpecs;

namespace PyStream.Gateway.Tests.HighAvailability;

/// <summary>The job result store as coordinators use it: real registries and jobs on one storage directory.</summary>
public sealed class JobResultStoreTests : IDisposable
{
    private static readonly JobSpec ThreeNumbers = Job(Numbers(1, 1, 3), Print(2, 1, "", From(1)));
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("pystream-job-results-");
    private readonly TaskMetrics _metrics = new(new FakeTimeProvider(DateTimeOffset.UnixEpoch), sampleEverySecond: false);

    private string Storage => Path.Combine(_root.FullName, "ha");

    public void Dispose()
    {
        _metrics.Dispose();
        _root.Delete(recursive: true);
    }

    private JobRegistry Coordinator(string name) => new(new JobEnvironment { Stdout = TextWriter.Null }, new GatewayOptions
    {
        DataDirectory = Path.Combine(_root.FullName, name),
        HighAvailability = new HighAvailabilitySettings(Storage, HighAvailabilityType.None, null),
    }, _metrics);

    [Fact]
    public void A_coordinator_stopped_after_a_jobs_result_and_before_its_removal_leaves_a_job_the_next_leader_does_not_resume()
    {
        // The crash point: the first coordinator goes no further once the ended job's result is written.
        using var reached = new ManualResetEventSlim();
        using var never = new ManualResetEventSlim();
        var first = Coordinator("first");
        first.JobResultWritten = _ =>
        {
            reached.Set();
            never.Wait(TimeSpan.FromSeconds(60));
        };
        var job = first.Submit(ThreeNumbers, [], new Dictionary<string, string>());
        try
        {
            Assert.True(reached.Wait(TimeSpan.FromSeconds(30)), "the job did not finish");
            var results = new JobResultStore(Storage);
            var graphs = new JobGraphStore(Storage);
            Assert.Equal([job.Id], results.DirtyResults());
            Assert.Equal([job.Id], graphs.ReadAll((_, _) => { }).Select(j => j.JobId)); // still stored: without its result, it would be resumed

            var second = Coordinator("second");
            second.GrantLeadership();

            Assert.Null(second.Find(job.Id));
            Assert.Empty(graphs.ReadAll((_, _) => { }));
            Assert.Empty(results.DirtyResults());
        }
        finally
        {
            never.Set();
            job.Execution.Wait(TimeSpan.FromSeconds(30));
        }
    }

    [Fact]
    public void A_job_that_ends_leaves_neither_its_graph_nor_its_result()
    {
        var coordinator = Coordinator("data");
        var written = new List<string>();
        coordinator.JobResultWritten = written.Add;

        var job = coordinator.Submit(ThreeNumbers, [], new Dictionary<string, string>());

        Assert.True(job.Execution.Wait(TimeSpan.FromSeconds(30)));
        Assert.Equal([job.Id], written);
        Assert.Empty(new JobResultStore(Storage).DirtyResults());
        Assert.Empty(new JobGraphStore(Storage).ReadAll((_, _) => { }));
    }
}
