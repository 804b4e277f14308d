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
    private bool _idle;
    private long _emitted = long.MinValue;

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

    /// <summary>The periodic emission: the idle status when it changed, then the watermark when it moved forward.</summary>
    public void EmitDue(long now, Action<bool> setIdle, Action<long> emit)
    {
        var combined = Combine(now);
        if (combined is null != _idle)
        {
            _idle = combined is null;
            setIdle(_idle);
        }

        if (combined is { } watermark && watermark > _emitted)
        {
            _emitted = watermark;
            emit(watermark);
        }
    }

    /// <summary>Records arrived: true when the source was idle (it is active again now).</summary>
    public bool Reactivate()
    {
        var was = _idle;
        _idle = false;
        return was;
    }

    private sealed class Output
    {
        public long MaxTimestamp = long.MinValue;
        public long LastRecordAt;
        public bool Finished;
    }
}
