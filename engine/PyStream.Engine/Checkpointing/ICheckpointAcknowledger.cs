namespace PyStream.Engine.Checkpointing;

/// <summary>Receives what tasks did with a checkpoint (called from task threads).</summary>
internal interface ICheckpointAcknowledger
{
    /// <summary>The directory a task writes checkpoint <paramref name="checkpointId"/>'s files into.</summary>
    string DirectoryOf(long checkpointId);

    /// <summary>Where shared (incremental) files go; checkpoint files refer to them relatively.</summary>
    string SharedDirectory { get; }

    void Acknowledge(long checkpointId, TaskStateHandle handle, SubtaskCheckpointStats stats);

    void Decline(long checkpointId, Exception reason);

    /// <summary>Where finished tasks write their final state (a sibling of the checkpoint directories).</summary>
    string FinishedDirectory { get; }

    /// <summary>A task finished; its final state stands in for it in every later checkpoint.</summary>
    void TaskFinished(TaskStateHandle handle);

    /// <summary>A task's thread ended (<paramref name="ending"/> says how, in words).</summary>
    void OnTaskEnded(ICheckpointedTask task, string ending);

    /// <summary>The checkpoint's span, which task snapshots are children of.</summary>
    System.Diagnostics.ActivityContext TraceOf(long checkpointId);
}
