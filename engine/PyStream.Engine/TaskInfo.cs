namespace PyStream.Engine;

/// <summary>Which subtask of which task (and which attempt of the job) something runs for.</summary>
public sealed record TaskInfo(string TaskName, int SubtaskIndex, int Parallelism, int MaxParallelism, int AttemptNumber)
{
    /// <summary>The task's vertex (operator chain) in the job graph, when known: a cluster's worker reports a failed subtask by it.</summary>
    public int? Vertex { get; init; }
}
