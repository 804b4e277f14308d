using PyStream.Engine.Graph;
using PyStream.Engine.Spec;
using static PyStream.Engine.Tests.Harness.JobSpecs;

namespace PyStream.Engine.Tests.Graph;

public sealed class ChainingTests
{
    /// <summary>Each chain as the ids of its nodes, head first.</summary>
    private static int[][] ChainIds(JobSpec spec) =>
        JobGraphBuilder.Build(spec).Chains.Select(c => c.Nodes.Select(n => n.Id).ToArray()).ToArray();

    [Fact]
    public void SameParallelismAndForwardChainIntoOneTask()
    {
        var spec = Job(2, Numbers(1, 0, 9), Python(2, 0, From(1)), Print(3, 0, "", From(2)));

        var graph = JobGraphBuilder.Build(spec);

        var chain = Assert.Single(graph.Chains);
        Assert.Equal([1, 2, 3], chain.Nodes.Select(n => n.Id));
        Assert.Equal(1, chain.Head.Id);
        Assert.Equal(2, chain.Parallelism);
        Assert.Equal("numbers-1 -> map-2 -> print-3", chain.Name);
        Assert.All(graph.Nodes.SelectMany(n => n.Inputs), e => Assert.Equal(Partitioning.Forward, e.Partitioning));
    }

    [Theory]
    [InlineData(Partitioning.Rebalance)]
    [InlineData(Partitioning.Hash)]
    [InlineData(Partitioning.Shuffle)]
    [InlineData(Partitioning.Broadcast)]
    [InlineData(Partitioning.Rescale)]
    [InlineData(Partitioning.Custom)]
    public void NonForwardEdgeBetweenParallelNodesBreaksTheChain(Partitioning partitioning)
    {
        var spec = Job(2, Numbers(1, 0, 9), Python(2, 0, From(1, partitioning)), Print(3, 0, "", From(2)));

        Assert.Equal([[1], [2, 3]], ChainIds(spec));
    }

    [Fact]
    public void ParallelismChangeBreaksTheChainAndAutoBecomesRebalance()
    {
        var spec = Job(Numbers(1, 0, 9, parallelism: 1), Python(2, 3, From(1)), Print(3, 3, "", From(2)));

        var graph = JobGraphBuilder.Build(spec);

        Assert.Equal([[1], [2, 3]], graph.Chains.Select(c => c.Nodes.Select(n => n.Id)));
        Assert.Equal(Partitioning.Rebalance, graph.Nodes[1].Inputs.Single().Partitioning);
        Assert.Equal(Partitioning.Forward, graph.Nodes[2].Inputs.Single().Partitioning);
    }

    [Fact]
    public void DisableChainingIsolatesTheNodeOnBothSides()
    {
        var spec = Job(Numbers(1, 0, 9), Python(2, 0, From(1)).Chained(Chaining.ChainNever), Print(3, 0, "", From(2)));

        Assert.Equal([[1], [2], [3]], ChainIds(spec));
    }

    [Fact]
    public void StartNewChainBreaksOnlyBeforeTheNode()
    {
        var spec = Job(Numbers(1, 0, 9), Python(2, 0, From(1)).Chained(Chaining.ChainHead), Print(3, 0, "", From(2)));

        Assert.Equal([[1], [2, 3]], ChainIds(spec));
    }

    [Fact]
    public void HashEdgeBetweenTwoSingleSubtasksChains()
    {
        var spec = Job(Numbers(1, 0, 9), Python(2, 1, From(1, Partitioning.Hash)));

        var graph = JobGraphBuilder.Build(spec);

        var edge = graph.Nodes[1].Inputs.Single();
        Assert.Equal(Partitioning.Hash, edge.Partitioning);
        Assert.True(edge.IsPointwiseForward);
        Assert.Equal([1, 2], Assert.Single(graph.Chains).Nodes.Select(n => n.Id));
    }

    [Fact]
    public void NodeWithTwoInputsStartsAChain()
    {
        var spec = Job(Numbers(1, 0, 9), Numbers(2, 10, 19), Python(3, 0, From(1), From(2)), Print(4, 0, "", From(3)));

        Assert.Equal([[1], [2], [3, 4]], ChainIds(spec));
    }

    [Fact]
    public void ForwardConsumersOfOneNodeAllJoinItsChain()
    {
        var spec = Job(Numbers(1, 0, 9), Print(2, 0, "a", From(1)), Print(3, 0, "b", From(1)));

        Assert.Equal([[1, 2, 3]], ChainIds(spec));
    }

    [Fact]
    public void ChainsAreIndexedInTopologicalOrder()
    {
        var spec = Job(2, Numbers(1, 0, 9), Python(2, 0, From(1, Partitioning.Rebalance)), Print(3, 0, "", From(2, Partitioning.Rebalance)));

        var graph = JobGraphBuilder.Build(spec);

        Assert.Equal([0, 1, 2], graph.Chains.Select(c => c.Index));
        Assert.Equal([1, 2, 3], graph.Chains.Select(c => c.Head.Id));
        Assert.All(graph.Chains.Skip(1), c => Assert.Single(c.NetworkInputs));
    }
}
