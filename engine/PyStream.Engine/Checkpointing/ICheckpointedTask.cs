namespace PyStream.Engine.Checkpointing;

/// <summary>What the coordinator needs from each task of the run it coordinates.</summary>
internal interface ICheckpointedTask
{
    /// <summary>The task's name as users see it: its chain's name, and its subtask when there are several.</summary>
    string Name { get; }

    int ChainIndex { get; }

    int SubtaskIndex { get; }

    /// <summary>The task runs a source, where the coordinator injects barriers.</summary>
    bool IsSource { get; }

    /// <summary>A source task starts checkpoint <paramref name="barrier"/>: it snapshots and sends the barrier downstream.</summary>
    void TriggerCheckpoint(CheckpointBarrier barrier);

    /// <summary>Every task acknowledged the checkpoint: sinks commit (and stop, after a stop-with-savepoint).</summary>
    void NotifyCheckpointComplete(long checkpointId, bool stop);
}
