namespace PyStream.Engine.Runtime;

/// <summary>Flink's job states that a local run can reach.</summary>
public enum JobStatus
{
    Created,
    Running,
    Finished,
    Failed,
    Canceled,
}
