using PyStream.Engine.Spec;

namespace PyStream.Engine.Runtime.Operators;

/// <summary>
/// Watermarks generated per source split (a Kafka partition) and combined as Flink combines
/// them in a source: the minimum over splits that are neither finished nor idle. A split
/// without records for the idleness timeout stops holding back time until its next record;
/// with no active split (none assigned, all idle) the source is idle. A split holds time
/// back from its assignment, before its first record, so that a split read later cannot be late.
/// </summary>
public sealed class SplitWatermarks(WatermarkSpec spec)
{
    private readonly Dictionary<int, Output> _outputs = [];

    public void Add(int split, long now) => _outputs.TryAdd(split, new Output { LastRecordAt = now });

    public void OnRecord(int split, long timestamp, long now)
    {
        var output = _outputs[split];
        output.MaxTimestamp = Math.Max(output.MaxTimestamp, timestamp);
        output.LastRecordAt = now;
    }

    /// <summary>A bounded split reached its end: it no longer holds back time.</summary>
    public void Finish(int split) => _outputs[split].Finished = true;

    /// <summary>The combined watermark now, or null when no split is active (the source is idle).</summary>
    public long? Combine(long now)
    {
        long? combined = null;
        foreach (var output in _outputs.Values)
        {
            if (output.Finished || (spec.IdlenessMs > 0 && now - output.LastRecordAt >= spec.IdlenessMs))
                continue;
            combined = Math.Min(combined ?? long.MaxValue, WatermarkAssignerOperator.CandidateFor(spec, output.MaxTimestamp));
        }

        return combined;
    }

    private sealed class Output
    {
        public long MaxTimestamp = long.MinValue;
        public long LastRecordAt;
        public bool Finished;
    }
}
