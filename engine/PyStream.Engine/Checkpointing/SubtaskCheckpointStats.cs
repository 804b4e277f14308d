namespace PyStream.Engine.Checkpointing;

/// <summary>
/// What one subtask did for a checkpoint, as Flink's checkpoint details show it: how long its
/// barriers took to align (the first to the last input's barrier), how long the operators took
/// to snapshot (sync, on the task's thread) and how long writing the files took (async in
/// Flink; here also on the task's thread), and the bytes it wrote.
/// </summary>
public sealed record SubtaskCheckpointStats(int ChainIndex, string Task, int Subtask, long AcknowledgedAt, long AlignmentDurationMs, long SyncDurationMs,
    long AsyncDurationMs, long StateSizeBytes);
