namespace PyStream.Engine.Checkpointing;

/// <summary>Checkpoint ids of a job: increasing across restarts, continuing after the checkpoint a job was restored from.</summary>
internal sealed class JobCheckpointIds(long first)
{
    private long _next = first;

    public long Next() => Interlocked.Increment(ref _next) - 1;

    public void Reset(long next) => Interlocked.Exchange(ref _next, next);
}
