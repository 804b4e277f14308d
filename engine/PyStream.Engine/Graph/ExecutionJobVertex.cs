namespace PyStream.Engine.Graph;

/// <summary>A chain with its parallel subtasks.</summary>
public sealed class ExecutionJobVertex
{
    internal ExecutionJobVertex(OperatorChain chain, int maxParallelism)
    {
        Chain = chain;
        Subtasks = Enumerable.Range(0, chain.Parallelism).Select(s => new ExecutionVertex(this, s, maxParallelism)).ToList();
    }

    public OperatorChain Chain { get; }

    public IReadOnlyList<ExecutionVertex> Subtasks { get; }

    public int Parallelism => Subtasks.Count;
}
