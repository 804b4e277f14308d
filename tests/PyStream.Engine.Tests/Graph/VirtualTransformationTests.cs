using PyStream.Engine.Graph;
using PyStream.Engine.Spec;
using static PyStream.Engine.Tests.Harness.JobSpecs;

namespace PyStream.Engine.Tests.Graph;

/// <summary>Union and side outputs only rewire their consumers' inputs; they never become nodes.</summary>
public sealed class VirtualTransformationTests
{
    [Fact]
    public void UnionBecomesOneEdgePerUnitedInput()
    {
        var spec = Job(Numbers(1, 0, 9), Numbers(2, 10, 19), Union(3, From(1), From(2)), Print(4, 0, "", From(3)));

        var graph = JobGraphBuilder.Build(spec);

        Assert.Equal([1, 2, 4], graph.Nodes.Select(n => n.Id));
        var sink = graph.Nodes[2];
        Assert.Equal([1, 2], sink.Inputs.Select(e => e.Source.Id));
        Assert.Equal([0, 1], sink.Inputs.Select(e => e.TargetInput));
        Assert.All(sink.Inputs, e => Assert.Same(sink, e.Target));
        Assert.All(sink.Inputs, e => Assert.Contains(e, e.Source.Outputs));
    }

    [Fact]
    public void NestedUnionsFlattenToPhysicalSources()
    {
        var spec = Job(
            Numbers(1, 0, 9), Numbers(2, 10, 19), Numbers(3, 20, 29),
            Union(4, From(1), From(2)), Union(5, From(4), From(3)),
            Print(6, 0, "", From(5)));

        var graph = JobGraphBuilder.Build(spec);

        Assert.Equal([1, 2, 3], graph.Nodes.Single(n => n.Id == 6).Inputs.Select(e => e.Source.Id));
    }

    [Fact]
    public void PartitioningOnTheUnionsConsumerOverridesTheUnitedEdges()
    {
        var spec = Job(2,
            Numbers(1, 0, 9), Numbers(2, 10, 19),
            Union(3, From(1, Partitioning.Shuffle), From(2)),
            Print(4, 0, "", From(3, Partitioning.Rebalance)),
            Print(5, 0, "", From(3)));

        var graph = JobGraphBuilder.Build(spec);

        Assert.Equal([Partitioning.Rebalance, Partitioning.Rebalance], graph.Nodes.Single(n => n.Id == 4).Inputs.Select(e => e.Partitioning));
        Assert.Equal([Partitioning.Shuffle, Partitioning.Forward], graph.Nodes.Single(n => n.Id == 5).Inputs.Select(e => e.Partitioning));
    }

    [Fact]
    public void SideOutputReadsThePortOfItsTag()
    {
        var producer = Python(2, 0, From(1));
        producer.Python.SideOutputTags.Add("late");
        producer.Python.SideOutputTags.Add("early");
        var spec = Job(Numbers(1, 0, 9), producer, SideOutput(3, "early", 2), Print(4, 0, "", From(3)), Print(5, 0, "", From(2)));

        var graph = JobGraphBuilder.Build(spec);

        Assert.Equal([1, 2, 4, 5], graph.Nodes.Select(n => n.Id));
        var python = graph.Nodes[1];
        Assert.Equal(3, python.PortCount);
        Assert.Equal(2, graph.Nodes[2].Inputs.Single().SourcePort);
        Assert.Equal(0, graph.Nodes[3].Inputs.Single().SourcePort);
        Assert.Same(python, graph.Nodes[2].Inputs.Single().Source);
    }

    [Fact]
    public void SideOutputOfAnUndeclaredTagFails()
    {
        var spec = Job(Numbers(1, 0, 9), Python(2, 0, From(1)), SideOutput(3, "late", 2), Print(4, 0, "", From(3)));

        var error = Assert.Throws<PyStreamException>(() => JobGraphBuilder.Build(spec));
        Assert.Contains("'late'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnusedUnionIsDroppedWithoutError()
    {
        var spec = Job(Numbers(1, 0, 9), Numbers(2, 10, 19), Union(3, From(1), From(2)));

        var graph = JobGraphBuilder.Build(spec);

        Assert.Equal([1, 2], graph.Nodes.Select(n => n.Id));
        Assert.All(graph.Nodes, n => Assert.Empty(n.Outputs));
    }
}
