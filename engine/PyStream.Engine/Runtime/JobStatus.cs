namespace PyStream.Engine.Runtime;

/// <summary>Flink's job states that a local run can reach.</summary>
public enum JobStatus
{
    Created,
    Running,

    /// <summary>The job was cancelled; its tasks are winding down (each finishes its current call).</summary>
    Cancelling,

    /// <summary>A task failed; the others are winding down before the job restarts or fails.</summary>
    Failing,

    /// <summary>A task failed; the job restarts from its latest checkpoint after the restart strategy's delay.</summary>
    Restarting,
    Finished,
    Failed,
    Canceled,

    /// <summary>Stopped here, not ended: its coordinator lost its leadership (or stopped) and the next leader resumes it from its checkpoints.</summary>
    Suspended,
}
