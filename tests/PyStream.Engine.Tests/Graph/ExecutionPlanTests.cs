using System.Text.Json;
using PyStream.Engine.Graph;
using PyStream.Engine.Spec;
using static PyStream.Engine.Tests.Harness.JobSpecs;

namespace PyStream.Engine.Tests.Graph;

public sealed class ExecutionPlanTests
{
    [Fact]
    public void PlanListsPhysicalNodesWithTheirPredecessorsInFlinksShape()
    {
        var spec = Job(2,
            Numbers(1, 0, 9), Numbers(2, 10, 19),
            Union(3, From(1), From(2, Partitioning.Rebalance)),
            Python(4, 0, From(3)),
            Print(5, 1, "", From(4)));

        using var plan = JsonDocument.Parse(ExecutionPlan.ToJson(JobGraphBuilder.Build(spec)));

        var nodes = plan.RootElement.GetProperty("nodes").EnumerateArray().ToList();
        Assert.Equal([1, 2, 4, 5], nodes.Select(n => n.GetProperty("id").GetInt32()));
        Assert.Equal(["Data Source", "Data Source", "Operator", "Data Sink"], nodes.Select(n => n.GetProperty("pact").GetString()));
        Assert.Equal(["numbers-1", "numbers-2", "map-4", "print-5"], nodes.Select(n => n.GetProperty("type").GetString()));
        Assert.Equal(["numbers-1", "numbers-2", "map-4", "print-5"], nodes.Select(n => n.GetProperty("contents").GetString()));
        Assert.Equal([2, 2, 2, 1], nodes.Select(n => n.GetProperty("parallelism").GetInt32()));

        Assert.False(nodes[0].TryGetProperty("predecessors", out _));
        var operatorInputs = nodes[2].GetProperty("predecessors").EnumerateArray().ToList();
        Assert.Equal([1, 2], operatorInputs.Select(p => p.GetProperty("id").GetInt32()));
        Assert.Equal(["FORWARD", "REBALANCE"], operatorInputs.Select(p => p.GetProperty("ship_strategy").GetString()));
        // Flink's JSONGenerator writes "second" for every input; the visualizer expects that.
        Assert.All(operatorInputs, p => Assert.Equal("second", p.GetProperty("side").GetString()));
        var sinkInput = Assert.Single(nodes[3].GetProperty("predecessors").EnumerateArray());
        Assert.Equal("REBALANCE", sinkInput.GetProperty("ship_strategy").GetString());
    }

    [Theory]
    [InlineData(Partitioning.Hash, "HASH")]
    [InlineData(Partitioning.Shuffle, "SHUFFLE")]
    [InlineData(Partitioning.Broadcast, "BROADCAST")]
    [InlineData(Partitioning.Rescale, "RESCALE")]
    [InlineData(Partitioning.Custom, "CUSTOM")]
    public void ShipStrategyNamesThePartitioning(Partitioning partitioning, string expected)
    {
        var spec = Job(2, Numbers(1, 0, 9), Print(2, 0, "", From(1, partitioning)));

        using var plan = JsonDocument.Parse(ExecutionPlan.ToJson(JobGraphBuilder.Build(spec)));

        var sink = plan.RootElement.GetProperty("nodes")[1];
        Assert.Equal(expected, sink.GetProperty("predecessors")[0].GetProperty("ship_strategy").GetString());
    }
}
