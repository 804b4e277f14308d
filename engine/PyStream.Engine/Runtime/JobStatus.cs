namespace PyStream.Engine.Runtime;

/// <summary>Flink's job states that a local run can reach.</summary>
public enum JobStatus
{
    Created,
    Running,

    /// <summary>A task failed; the job restarts from its latest checkpoint after the restart strategy's delay.</summary>
    Restarting,
    Finished,
    Failed,
    Canceled,
}
