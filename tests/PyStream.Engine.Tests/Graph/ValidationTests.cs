using PyStream.Engine.Graph;
using PyStream.Engine.Spec;
using static PyStream.Engine.Tests.Harness.JobSpecs;

namespace PyStream.Engine.Tests.Graph;

public sealed class ValidationTests
{
    private static string BuildError(JobSpec spec) => Assert.Throws<PyStreamException>(() => JobGraphBuilder.Build(spec)).Message;

    [Fact]
    public void UnknownInputFails()
    {
        var message = BuildError(Job(Numbers(1, 0, 9), Print(2, 0, "", From(99))));

        Assert.Contains("#99", message, StringComparison.Ordinal);
        Assert.Contains("print-2", message, StringComparison.Ordinal);
    }

    [Fact]
    public void InputDefinedLaterFails()
    {
        var message = BuildError(Job(Print(2, 0, "", From(1)), Numbers(1, 0, 9)));

        Assert.Contains("#1", message, StringComparison.Ordinal);
    }

    [Fact]
    public void TransformationReadingItselfFails()
    {
        var message = BuildError(Job(Numbers(1, 0, 9), Python(2, 0, From(1), From(2))));

        Assert.Contains("#2", message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnionReadingItselfFails()
    {
        var message = BuildError(Job(Numbers(1, 0, 9), Union(2, From(1), From(2)), Print(3, 0, "", From(2))));

        Assert.Contains("#2", message, StringComparison.Ordinal);
    }

    [Fact]
    public void DuplicateIdFails()
    {
        var message = BuildError(Job(Numbers(1, 0, 9), Numbers(1, 10, 19)));

        Assert.Contains("id 1 appears twice", message, StringComparison.Ordinal);
    }

    [Fact]
    public void ForwardBetweenUnequalParallelismFails()
    {
        var message = BuildError(Job(Numbers(1, 0, 9, parallelism: 1), Print(2, 2, "", From(1, Partitioning.Forward))));

        Assert.Contains("forward partitioning", message, StringComparison.Ordinal);
        Assert.Contains("numbers-1", message, StringComparison.Ordinal);
        Assert.Contains("print-2", message, StringComparison.Ordinal);
    }

    [Fact]
    public void ParallelismAboveMaxParallelismFails()
    {
        var spec = Job(Numbers(1, 0, 9), Print(2, 8, "", From(1)));
        spec.MaxParallelism = 4;

        var message = BuildError(spec);

        Assert.Contains("parallelism 8 is above the max parallelism 4", message, StringComparison.Ordinal);
    }

    [Fact]
    public void DefaultParallelismAboveTheDefaultMaxParallelismFails()
    {
        var message = BuildError(Job(JobGraphBuilder.DefaultMaxParallelism + 1, Numbers(1, 0, 9)));

        Assert.Contains("max parallelism 128", message, StringComparison.Ordinal);
    }

    [Fact]
    public void ParallelismEqualToMaxParallelismIsAllowed()
    {
        var spec = Job(Numbers(1, 0, 9), Print(2, 4, "", From(1)));
        spec.MaxParallelism = 4;

        var graph = JobGraphBuilder.Build(spec);

        Assert.Equal(4, graph.MaxParallelism);
        Assert.Equal(4, graph.Nodes[1].Parallelism);
    }

    [Fact]
    public void UnsetParallelismsFallBackToTheDefaults()
    {
        var spec = Job(parallelism: 0, Numbers(1, 0, 9), Print(2, 0, "", From(1)));

        var graph = JobGraphBuilder.Build(spec);

        Assert.Equal(JobGraphBuilder.DefaultMaxParallelism, graph.MaxParallelism);
        Assert.All(graph.Nodes, n => Assert.Equal(1, n.Parallelism));
        Assert.Equal(3, JobGraphBuilder.Build(Job(3, Numbers(1, 0, 9))).Nodes[0].Parallelism);
    }

    [Fact]
    public void SourceWithAnInputFails()
    {
        var source = Numbers(2, 0, 9);
        source.Inputs.Add(From(1));

        var message = BuildError(Job(Numbers(1, 0, 9), source));

        Assert.Contains("is a source with inputs", message, StringComparison.Ordinal);
    }

    [Fact]
    public void SinkWithoutInputFails()
    {
        var message = BuildError(Job(Print(1, 0, "")));

        Assert.Contains("has no input", message, StringComparison.Ordinal);
    }

    [Fact]
    public void TransformationWithoutBodyFails()
    {
        var message = BuildError(Job(new Transformation { Id = 1, Name = "empty" }));

        Assert.Contains("has no body", message, StringComparison.Ordinal);
    }

    [Fact]
    public void BatchModeIsReported()
    {
        var spec = Job(Numbers(1, 0, 9));
        Assert.False(JobGraphBuilder.Build(spec).IsBatch);

        spec.Mode = RuntimeMode.Batch;

        Assert.True(JobGraphBuilder.Build(spec).IsBatch);
    }
}
