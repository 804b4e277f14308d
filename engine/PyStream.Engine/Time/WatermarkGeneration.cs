namespace PyStream.Engine.Time;

public enum WatermarkKind
{
    /// <summary>No watermarks but the final one; timestamps are still assigned.</summary>
    None,

    /// <summary>Watermark = max timestamp - 1.</summary>
    Monotonous,

    /// <summary>Watermark = max timestamp - out-of-orderness - 1.</summary>
    BoundedOutOfOrderness,

    /// <summary>Watermark = the largest value seen: the "timestamps" are already watermarks (SQL's WATERMARK FOR col AS expr).</summary>
    Largest,
}

/// <summary>
/// How watermarks follow the records' timestamps (Flink's <c>WatermarkStrategy</c>), in the
/// engine's terms: built from a job's description where it enters the engine.
/// </summary>
/// <param name="IdlenessMs">0: never idle; else an input without records for this long stops holding back time.</param>
/// <param name="IntervalMs">How often watermarks are emitted; 0: only the final one.</param>
public sealed record WatermarkGeneration(WatermarkKind Kind, long OutOfOrdernessMs = 0, long IdlenessMs = 0, long IntervalMs = 0)
{
    /// <summary>The watermark allowed after records up to <paramref name="maxTimestamp"/>.</summary>
    public long CandidateFor(long maxTimestamp) =>
        Kind == WatermarkKind.None || maxTimestamp == long.MinValue ? long.MinValue
        : Kind == WatermarkKind.Monotonous ? maxTimestamp - 1
        : Kind == WatermarkKind.Largest ? maxTimestamp
        : maxTimestamp - OutOfOrdernessMs - 1;
}
