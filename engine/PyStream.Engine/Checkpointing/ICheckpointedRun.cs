using Microsoft.Extensions.Logging;

namespace PyStream.Engine.Checkpointing;

/// <summary>What the coordinator needs from the job run it coordinates.</summary>
internal interface ICheckpointedRun
{
    IReadOnlyList<ICheckpointedTask> Tasks { get; }

    /// <summary>Every task is still running.</summary>
    bool AllTasksRunning { get; }

    /// <summary>Some source still runs (and can inject barriers).</summary>
    bool AnySourceRunning { get; }

    /// <summary>
    /// Starts checkpoint <paramref name="barrier"/> at every source task: each snapshots and sends the barrier
    /// downstream. Tasks write into <paramref name="directory"/> (for a cluster's workers it is announced here).
    /// </summary>
    void TriggerSources(CheckpointBarrier barrier, string directory);

    /// <summary>Every task acknowledged the checkpoint: sinks commit (and stop, after a stop-with-savepoint).</summary>
    void NotifyCheckpointComplete(long checkpointId, bool stop);

    /// <summary>Too many checkpoints failed in a row: the run fails (and may restart).</summary>
    void Fail(Exception reason);

    /// <summary>A stop-with-savepoint completed: the run ends as finished once its tasks have committed.</summary>
    void StopAfterSavepoint();

    /// <summary>A stop-with-savepoint failed: the halted sources carry on.</summary>
    void ResumeSources();

    /// <summary>A finished task's final state is part of a completed checkpoint: commit its last output now.</summary>
    void CommitFinished(int chainIndex, int subtask);

    /// <summary>Where the coordinator reports what goes wrong outside any task.</summary>
    ILogger Log { get; }

    /// <summary>The run's span: checkpoint spans are its children.</summary>
    System.Diagnostics.ActivityContext TraceContext { get; }
}
