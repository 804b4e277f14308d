using PyStream.Engine.Records;

namespace PyStream.Engine.Runtime.Operators;

/// <summary>A source: the task asks it for one batch at a time, between mailbox actions.</summary>
public abstract class SourceOperator(string name) : StreamOperator(name, inputCount: 0, portCount: 1)
{
    /// <summary>Records per batch: large, since each batch costs one Python call.</summary>
    public const int BatchSize = 8192;

    /// <summary>Whether the source reads splits (partitions) whose watermarks can be generated apart.</summary>
    public virtual bool HasSplits => false;

    /// <summary>
    /// Set when the watermarks of the source (from_source's strategy, with a Python timestamp
    /// assigner) are generated per split further down the chain: the source adds its splits
    /// here and marks each batch with the split its records came from.
    /// </summary>
    public SplitWatermarks? SplitWatermarks { get; set; }

    /// <summary>
    /// The records a Python call chained after the source should get now (the least
    /// <see cref="ICallSized.RecordsPerCall"/> of the chain), or null: batches are never larger,
    /// so a slow function gets small ones and the task checks its mailbox (checkpoints,
    /// cancellation, timers) between them.
    /// </summary>
    public Func<int>? ChainedCallLimit { get; set; }

    /// <summary>
    /// The records the task's network consumers should get now, or null: a batch bound for a
    /// slow consumer is no larger than what it takes in a short time (<see cref="InputGate.BatchLimit"/>),
    /// so the source is back at its mailbox (a checkpoint to start) after a short time too.
    /// </summary>
    public Func<int>? OutputLimit { get; set; }

    /// <summary>Records for the next batch: <paramref name="size"/>, or fewer when a chained Python call or a consumer should get fewer.</summary>
    protected int NextBatchSize(int size)
    {
        if (ChainedCallLimit is { } call)
            size = Math.Clamp(call(), 1, size);
        if (OutputLimit is { } output)
            size = Math.Clamp(output(), 1, size);
        return size;
    }

    /// <summary>Emits the next batch; false when the input is exhausted.</summary>
    public abstract bool EmitNext();

    public override void ProcessBatch(int input, Batch batch) =>
        throw new InvalidOperationException("a source has no inputs");

    /// <summary>Stop-with-savepoint with drain: event time jumps to its end, firing every timer and window.</summary>
    public void AdvanceToEndOfTime() => OnWatermark(long.MaxValue);

    /// <summary>The source is exhausted: send the final watermark and end of input.</summary>
    public void Complete()
    {
        OnWatermark(long.MaxValue);
        Finish();
    }
}
