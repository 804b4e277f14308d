namespace PyStream.Engine;

/// <summary>Which subtask of which task (and which attempt of the job) something runs for.</summary>
public sealed record TaskInfo(string TaskName, int SubtaskIndex, int Parallelism, int MaxParallelism, int AttemptNumber);
