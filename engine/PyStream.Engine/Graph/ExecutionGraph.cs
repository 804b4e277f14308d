using PyStream.Engine.Spec;

namespace PyStream.Engine.Graph;

/// <summary>
/// The job graph spread over parallel subtasks (Flink's ExecutionGraph): every chain as a
/// vertex with one <see cref="ExecutionVertex"/> per subtask (its key groups and where it
/// runs), and every edge as the channels between producer and consumer subtasks, as Flink's
/// pointwise and all-to-all patterns connect them. The runtime only deploys it.
/// </summary>
public sealed class ExecutionGraph
{
    private ExecutionGraph(JobGraph jobGraph, IReadOnlyList<ExecutionJobVertex> vertices)
    {
        JobGraph = jobGraph;
        Vertices = vertices;
    }

    public JobGraph JobGraph { get; }

    /// <summary>One vertex per chain, in the chains' (topological) order.</summary>
    public IReadOnlyList<ExecutionJobVertex> Vertices { get; }

    public IEnumerable<ExecutionVertex> Subtasks => Vertices.SelectMany(v => v.Subtasks);

    public ExecutionJobVertex VertexOf(OperatorChain chain) => Vertices[chain.Index];

    /// <summary>Every subtask placed in this process (a cluster places them on workers).</summary>
    public static ExecutionGraph Build(JobGraph jobGraph) => Build(jobGraph, _ => SubtaskLocation.ThisProcess);

    public static ExecutionGraph Build(JobGraph jobGraph, Func<ExecutionVertex, SubtaskLocation> place)
    {
        ArgumentNullException.ThrowIfNull(jobGraph);
        var vertices = jobGraph.Chains.Select(chain => new ExecutionJobVertex(chain, jobGraph.MaxParallelism)).ToList();
        foreach (var vertex in vertices)
        {
            foreach (var subtask in vertex.Subtasks)
            {
                subtask.Location = place(subtask);
                ConnectInputs(vertices, subtask);
            }
        }

        return new ExecutionGraph(jobGraph, vertices);
    }

    /// <summary>A subtask's input channels, in gate order: by input edge, then by producer subtask.</summary>
    private static void ConnectInputs(List<ExecutionJobVertex> vertices, ExecutionVertex consumer)
    {
        foreach (var edge in consumer.JobVertex.Chain.NetworkInputs)
        {
            var producers = vertices.Single(v => v.Chain.Contains(edge.Source));
            foreach (var producer in producers.Subtasks)
            {
                if (!ConsumersOf(edge, producer.SubtaskIndex).Contains(consumer.SubtaskIndex))
                    continue;
                var channel = new ExecutionChannel(edge, producer, consumer, consumer.InputChannels.Count);
                consumer.InputChannels.Add(channel);
                producer.OutputChannelsOf(edge).Add(channel);
            }
        }
    }

    /// <summary>Consumer subtasks that producer subtask <paramref name="producer"/> sends to over <paramref name="edge"/>, in ascending order.</summary>
    private static int[] ConsumersOf(StreamEdge edge, int producer)
    {
        int pp = edge.Source.Parallelism, pc = edge.Target.Parallelism;
        return edge.Partitioning switch
        {
            Partitioning.Forward => [producer],
            Partitioning.Rescale when pp >= pc => [producer * pc / pp],
            Partitioning.Rescale => Enumerable.Range(producer * pc / pp, ((producer + 1) * pc / pp) - (producer * pc / pp)).ToArray(),
            _ => Enumerable.Range(0, pc).ToArray(),
        };
    }
}
