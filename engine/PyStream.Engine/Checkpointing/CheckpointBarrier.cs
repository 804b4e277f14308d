namespace PyStream.Engine.Checkpointing;

public enum SnapshotKind
{
    /// <summary>Periodic; its sinks commit when it completes; subsumed by later ones.</summary>
    Checkpoint,

    /// <summary>Taken on request into a directory of its own; self-contained, never deleted by the engine.</summary>
    Savepoint,

    /// <summary>A savepoint after which the sources stop and the job finishes (stop-with-savepoint).</summary>
    StopSavepoint,
}

/// <summary>Flows with the records from every source; a task snapshots when it has it from every input.</summary>
public sealed record CheckpointBarrier(long Id, long Timestamp, SnapshotKind Kind, bool Drain = false)
{
    public bool IsSavepoint => Kind != SnapshotKind.Checkpoint;
}
