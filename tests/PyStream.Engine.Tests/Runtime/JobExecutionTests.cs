using System.Globalization;
using Microsoft.Extensions.Time.Testing;
using PyStream.Engine.Graph;
using PyStream.Engine.Runtime;
using PyStream.Engine.Spec;
using PyStream.Engine.Tests.Harness;
using static PyStream.Engine.Tests.Harness.JobSpecs;
using EdgePartitioning = PyStream.Engine.Spec.Partitioning;

namespace PyStream.Engine.Tests.Runtime;

/// <summary>Whole jobs of native sources and sinks, on real task threads, without Python.</summary>
public sealed class JobExecutionTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    /// <summary>More numbers than any test waits for (long.MaxValue itself overflows the source: see SourceOperatorTests).</summary>
    private const long Endless = 1L << 50;
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("pystream-job-");

    public void Dispose() => _root.Delete(recursive: true);

    private static (JobExecution Execution, string[] Lines) Run(JobSpec spec)
    {
        using var stdout = new StringWriter(CultureInfo.InvariantCulture);
        var execution = JobExecution.Run(spec, new JobEnvironment { Stdout = stdout, Time = new FakeTimeProvider() });
        return (execution, stdout.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    private static string Line(string prefix, long value) => prefix + value.ToString(CultureInfo.InvariantCulture);

    [Fact]
    public void NumbersToPrintAtParallelismOnePrintsEveryNumberInOrder()
    {
        var (execution, lines) = Run(Job(Numbers(1, 1, 20_000), Print(2, 0, "", From(1))));

        Assert.Equal(JobStatus.Finished, execution.Status);
        Assert.Equal(Enumerable.Range(1, 20_000).Select(i => Line("", i)), lines);
        Assert.Single(execution.Graph.Chains);
        Assert.NotEmpty(execution.JobId);
    }

    [Fact]
    public void ChainedParallelNumbersPrintEachShareWithItsSubtaskPrefix()
    {
        var (execution, lines) = Run(Job(3, Numbers(1, 1, 100), Print(2, 0, "", From(1))));

        Assert.Equal(JobStatus.Finished, execution.Status);
        var expected = Enumerable.Range(1, 100).Select(n => Line(n <= 34 ? "1> " : n <= 67 ? "2> " : "3> ", n));
        Assert.Equal(expected.Order(StringComparer.Ordinal), lines.Order(StringComparer.Ordinal));
        foreach (var prefix in new[] { "1> ", "2> ", "3> " })
            Assert.Equal(expected.Where(l => l.StartsWith(prefix, StringComparison.Ordinal)), lines.Where(l => l.StartsWith(prefix, StringComparison.Ordinal)));
    }

    [Fact]
    public void RebalanceFromOneSourceDealsNumbersRoundRobin()
    {
        var spec = Job(Numbers(1, 1, 20_000, parallelism: 1), Print(2, 3, "", From(1, EdgePartitioning.Rebalance)));

        var (execution, lines) = Run(spec);

        Assert.Equal(2, execution.Graph.Chains.Count);
        var expected = Enumerable.Range(1, 20_000).Select(n => Line($"{((n - 1) % 3) + 1}> ", n));
        Assert.Equal(expected.Order(StringComparer.Ordinal), lines.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void DisabledChainingForwardsEachSubtaskOverItsOwnChannel()
    {
        var spec = Job(2, Numbers(1, 1, 10_001), Print(2, 0, "out", From(1)).Chained(Chaining.ChainNever));

        var (execution, lines) = Run(spec);

        Assert.Equal(2, execution.Graph.Chains.Count);
        var expected = Enumerable.Range(1, 10_001).Select(n => Line(n <= 5_001 ? "out:1> " : "out:2> ", n));
        Assert.Equal(expected.Order(StringComparer.Ordinal), lines.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void TwoSourcesIntoOneSinkPrintBoth()
    {
        var spec = Job(Numbers(1, 1, 5), Numbers(2, 100, 104), Union(3, From(1), From(2)), Print(4, 0, "", From(3)));

        var (execution, lines) = Run(spec);

        Assert.Equal(JobStatus.Finished, execution.Status);
        Assert.Equal(["1", "100", "101", "102", "103", "104", "2", "3", "4", "5"], lines.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void TextFilesToPrintPrintsEveryLineOfEveryFile()
    {
        File.WriteAllLines(Path.Combine(_root.FullName, "a.txt"), ["alpha", "beta"]);
        File.WriteAllLines(Path.Combine(_root.FullName, "b.txt"), ["gamma"]);
        var single = Path.Combine(_root.FullName, "c.log");
        File.WriteAllLines(single, ["delta"]);

        var (execution, lines) = Run(Job(2, TextFiles(1, 0, _root.FullName, single), Print(2, 0, "", From(1))));

        Assert.Equal(JobStatus.Finished, execution.Status);
        // c.log is listed twice, from the directory and by its own path: [a, b, c.log, c.log]; file i goes to subtask i mod 2.
        Assert.Equal(["1> alpha", "1> beta", "1> delta"], lines.Where(l => l.StartsWith("1> ", StringComparison.Ordinal)));
        Assert.Equal(["2> gamma", "2> delta"], lines.Where(l => l.StartsWith("2> ", StringComparison.Ordinal)));
        Assert.Equal(5, lines.Length);
    }

    [Fact]
    public void MissingInputFileIsNamedInTheError()
    {
        var missing = Path.Combine(_root.FullName, "missing.txt");

        var error = Assert.ThrowsAny<PyStreamException>(() => Run(Job(TextFiles(1, 1, missing), Print(2, 0, "", From(1)))));

        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingInputFileFailsTheJob()
    {
        var missing = Path.Combine(_root.FullName, "missing.txt");

        var error = Assert.Throws<JobExecutionException>(() => Run(Job(TextFiles(1, 1, missing), Print(2, 0, "", From(1)))));

        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FailingTaskFailsTheJobAndStopsTheOthers()
    {
        // The Python node cannot open without a Python runtime; the endless branch must stop too.
        using var stdout = new ObservableWriter();
        var spec = Job(
            Numbers(1, 0, Endless), Print(2, 0, "", From(1, EdgePartitioning.Rebalance)),
            Numbers(3, 0, 9), Python(4, 0, From(3)), Print(5, 0, "", From(4)));
        var statuses = new System.Collections.Concurrent.ConcurrentQueue<JobStatus>();
        var execution = JobExecution.Start(spec, new JobEnvironment { Stdout = stdout, Time = new FakeTimeProvider() }, (_, status) => statuses.Enqueue(status));

        var error = Assert.Throws<JobExecutionException>(() => execution.Wait(Bound));

        Assert.Equal(JobStatus.Failed, execution.Status);
        Assert.Equal([JobStatus.Running, JobStatus.Failing, JobStatus.Failed], statuses); // failing while the endless branch winds down
        Assert.IsType<PyStreamException>(error.InnerException);
        Assert.Contains("needs the Python runtime", error.Message, StringComparison.Ordinal);
        Assert.Contains("test-job", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CancelEndsARunningJobAsCanceled()
    {
        using var stdout = new ObservableWriter();
        var spec = Job(Numbers(1, 0, Endless, parallelism: 1), Print(2, 2, "", From(1, EdgePartitioning.Rebalance)));
        var statuses = new System.Collections.Concurrent.ConcurrentQueue<JobStatus>();
        var execution = JobExecution.Start(spec, new JobEnvironment { Stdout = stdout, Time = new FakeTimeProvider() }, (_, status) => statuses.Enqueue(status));
        Assert.True(stdout.FirstWrite.Wait(Bound), "the job printed nothing");
        Assert.Equal(JobStatus.Running, execution.Status);

        execution.Cancel();

        Assert.True(execution.Wait(Bound), "the cancelled job did not stop");
        Assert.Equal(JobStatus.Canceled, execution.Status);
        Assert.Equal([JobStatus.Running, JobStatus.Cancelling, JobStatus.Canceled], statuses);
    }

    [Fact]
    public void CancelEndsAJobWhoseProducerIsBackpressured()
    {
        // The sink holds its first write, so the source fills the bounded gate and blocks on it.
        using var stdout = new ObservableWriter(holdWriters: true);
        var spec = Job(Numbers(1, 0, Endless), Print(2, 0, "", From(1)).Chained(Chaining.ChainNever));
        var execution = JobExecution.Start(spec, new JobEnvironment { Stdout = stdout, Time = new FakeTimeProvider() });
        Assert.True(stdout.FirstWrite.Wait(Bound), "the job printed nothing");

        execution.Cancel();
        stdout.Release();

        Assert.True(execution.Wait(Bound), "the cancelled job did not stop");
        Assert.Equal(JobStatus.Canceled, execution.Status);
    }

    [Fact]
    public void EmptyJobFinishesAtOnce()
    {
        var execution = JobExecution.Run(new JobSpec { Name = "empty" }, new JobEnvironment { Stdout = TextWriter.Null });

        Assert.Equal(JobStatus.Finished, execution.Status);
        Assert.Empty(execution.Graph.Nodes);
    }

    [Fact]
    public void InvalidSpecFailsBeforeAnyTaskStarts()
    {
        var error = Assert.Throws<PyStreamException>(() => JobExecution.Start(Job(Print(1, 0, "")), new JobEnvironment { Stdout = TextWriter.Null }));

        Assert.Contains("has no input", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GraphOfARunMatchesTheBuilder()
    {
        var spec = Job(2, Numbers(1, 1, 4), Print(2, 0, "", From(1, EdgePartitioning.Rebalance)));

        var (execution, _) = Run(spec);

        Assert.Equal(
            JobGraphBuilder.Build(spec).Chains.Select(c => c.Name),
            execution.Graph.Chains.Select(c => c.Name));
    }
}
