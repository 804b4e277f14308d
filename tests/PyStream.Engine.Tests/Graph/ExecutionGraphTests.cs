using PyStream.Engine.Graph;
using PyStream.Engine.Spec;
using static PyStream.Engine.Tests.Harness.JobSpecs;

namespace PyStream.Engine.Tests.Graph;

public sealed class ExecutionGraphTests
{
    /// <summary>Every channel of the job as "producer subtask -> consumer subtask @ gate index", per consumer chain.</summary>
    private static string[] Channels(ExecutionGraph graph, int chainIndex) =>
        graph.Vertices[chainIndex].Subtasks
            .SelectMany(v => v.InputChannels.Select(c => $"{c.Producer.SubtaskIndex}->{c.Consumer.SubtaskIndex}@{c.Index}"))
            .ToArray();

    [Fact]
    public void AllToAllEdgesConnectEveryProducerToEveryConsumer()
    {
        var graph = ExecutionGraph.Build(JobGraphBuilder.Build(Job(Numbers(1, 0, 9, parallelism: 2), Python(2, 3, From(1, Partitioning.Hash)))));

        Assert.Equal(["0->0@0", "1->0@1", "0->1@0", "1->1@1", "0->2@0", "1->2@1"], Channels(graph, 1));
        var producer = graph.Vertices[0].Subtasks[1];
        var edge = graph.JobGraph.Chains[1].NetworkInputs.Single();
        Assert.Equal([0, 1, 2], producer.OutputsOf(edge).Select(c => c.Consumer.SubtaskIndex));
        Assert.All(producer.OutputsOf(edge), c => Assert.Same(c, c.Consumer.InputChannels[c.Index]));
    }

    [Theory]
    [InlineData(4, 2, new[] { "0->0@0", "1->0@1", "2->1@0", "3->1@1" })]
    [InlineData(2, 4, new[] { "0->0@0", "0->1@0", "1->2@0", "1->3@0" })]
    [InlineData(3, 2, new[] { "0->0@0", "1->0@1", "2->1@0" })]
    public void RescaleConnectsSubtasksPointwise(int producers, int consumers, string[] expected)
    {
        var graph = ExecutionGraph.Build(JobGraphBuilder.Build(Job(Numbers(1, 0, 9, parallelism: producers), Python(2, consumers, From(1, Partitioning.Rescale)))));

        Assert.Equal(expected, Channels(graph, 1));
    }

    [Fact]
    public void TwoInputsFillTheGateEdgeByEdge()
    {
        var spec = Job(Numbers(1, 0, 9, parallelism: 2), Numbers(2, 0, 9, parallelism: 1), Python(3, 2, From(1, Partitioning.Hash), From(2, Partitioning.Hash)));
        var graph = ExecutionGraph.Build(JobGraphBuilder.Build(spec));

        var consumer = graph.Vertices[2].Subtasks[1];
        Assert.Equal([(1, 0, 0), (1, 1, 0), (2, 0, 1)], consumer.InputChannels.Select(c => (c.Edge.Source.Id, c.Producer.SubtaskIndex, c.Edge.TargetInput)));
        Assert.Equal([0, 1, 2], consumer.InputChannels.Select(c => c.Index));
    }

    [Fact]
    public void SubtasksOwnContiguousKeyGroupRangesCoveringAllKeyGroups()
    {
        var spec = Job(Numbers(1, 0, 9), Python(2, 3, From(1, Partitioning.Hash)));
        spec.MaxParallelism = 10;
        var graph = ExecutionGraph.Build(JobGraphBuilder.Build(spec));

        // Flink's KeyGroupRangeAssignment for 10 key groups over 3 subtasks.
        Assert.Equal([(0, 4), (4, 7), (7, 10)], graph.Vertices[1].Subtasks.Select(v => (v.KeyGroups.Start, v.KeyGroups.End)));
    }

    [Fact]
    public void SubtasksRunInThisProcessUnlessPlacedAndAreNamedAsFlinkNamesTasks()
    {
        var spec = Job(Numbers(1, 0, 9), Python(2, 2, From(1)));
        var local = ExecutionGraph.Build(JobGraphBuilder.Build(spec));
        var placed = ExecutionGraph.Build(JobGraphBuilder.Build(spec), v => new SubtaskLocation($"worker-{v.SubtaskIndex}", 0));

        Assert.All(local.Subtasks, v => Assert.True(v.Location.IsThisProcess));
        Assert.Equal(["worker-0", "worker-0", "worker-1"], placed.Subtasks.Select(v => v.Location.Worker));
        Assert.Equal(["numbers-1", "map-2 (1/2)", "map-2 (2/2)"], local.Subtasks.Select(v => v.Name));
    }
}
