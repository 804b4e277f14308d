using PyStream.Engine.Spec;

namespace PyStream.Engine.Graph;

/// <summary>
/// The job as the engine runs it: physical nodes (virtual union and side-output
/// transformations resolved away) grouped into chains, one task per chain and subtask.
/// </summary>
public sealed class JobGraph
{
    internal JobGraph(JobSpec spec, IReadOnlyList<StreamNode> nodes, IReadOnlyList<OperatorChain> chains, int maxParallelism)
    {
        Spec = spec;
        Nodes = nodes;
        Chains = chains;
        MaxParallelism = maxParallelism;
    }

    public JobSpec Spec { get; }

    /// <summary>Physical nodes in topological order.</summary>
    public IReadOnlyList<StreamNode> Nodes { get; }

    /// <summary>Chains in topological order.</summary>
    public IReadOnlyList<OperatorChain> Chains { get; }

    public int MaxParallelism { get; }

    public bool IsBatch => Spec.Mode == RuntimeMode.Batch;
}

/// <summary>Nodes that run in one task, calling each other directly (Flink's operator chain).</summary>
public sealed class OperatorChain
{
    internal OperatorChain(int index, StreamNode head)
    {
        Index = index;
        Head = head;
        Nodes.Add(head);
    }

    public int Index { get; }

    public StreamNode Head { get; }

    /// <summary>The head first, then chained nodes, each after its input.</summary>
    public List<StreamNode> Nodes { get; } = [];

    public int Parallelism => Head.Parallelism;

    /// <summary>Edges that arrive over channels: the inputs of the head.</summary>
    public IEnumerable<StreamEdge> NetworkInputs => Head.Inputs;

    public string Name => string.Join(" -> ", Nodes.Select(n => n.Name));

    public bool Contains(StreamNode node) => Nodes.Contains(node);
}
