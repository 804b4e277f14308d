using PyStream.Engine.Time;

namespace PyStream.Engine.Runtime.Operators;

/// <summary>
/// Watermarks generated per source split (a Kafka partition) and combined as Flink combines
/// them in a source: each split is an input of a <see cref="WatermarkValve"/>. A split without
/// records for the idleness timeout stops holding back time until its next record; a finished
/// split never holds it back again; with no active split (none assigned, all idle or finished)
/// the source is idle. A split holds time back from its assignment, before its first record,
/// so that a split read later cannot be late. Watermarks are emitted periodically
/// (<see cref="EmitDue"/>); a record on an idle source makes it active at once.
/// </summary>
public sealed class SplitWatermarks(WatermarkGeneration generation, Action<long> emitWatermark, Action<bool> emitIdle)
{
    private readonly Dictionary<int, Split> _splits = [];
    private readonly WatermarkValve _valve = new(emitWatermark, emitIdle);

    public void Add(int split, long now)
    {
        if (!_splits.ContainsKey(split))
            _splits[split] = new Split(_valve.AddInputs()) { LastRecordAt = now };
    }

    public void OnRecord(int split, long timestamp, long now)
    {
        var output = _splits[split];
        output.MaxTimestamp = Math.Max(output.MaxTimestamp, timestamp);
        output.LastRecordAt = now;
        if (output.Finished)
            return;
        // A record makes an idle source active at once; its watermark waits for the period.
        _valve.Set(output.Input, long.MinValue, idle: false);
        if (_valve.IsIdle)
            _valve.Evaluate();
    }

    /// <summary>A bounded split reached its end: it no longer holds back time.</summary>
    public void Finish(int split)
    {
        var output = _splits[split];
        output.Finished = true;
        _valve.Set(output.Input, long.MinValue, idle: true);
    }

    /// <summary>The periodic emission: the idle status when it changed, then the watermark when it moved forward.</summary>
    public void EmitDue(long now)
    {
        foreach (var output in _splits.Values)
        {
            var idle = output.Finished || (generation.IdlenessMs > 0 && now - output.LastRecordAt >= generation.IdlenessMs);
            _valve.Set(output.Input, generation.CandidateFor(output.MaxTimestamp), idle);
        }

        _valve.Evaluate();
    }

    private sealed class Split(int input)
    {
        public int Input { get; } = input;

        public long MaxTimestamp { get; set; } = long.MinValue;

        public long LastRecordAt { get; set; }

        public bool Finished { get; set; }
    }
}

/// <summary>An operator that can generate its watermarks per split of the source it is chained to.</summary>
public interface IPerSplitWatermarks
{
    /// <summary>Whether it should, when chained to a source with splits.</summary>
    bool PerSplit { get; }

    SplitWatermarks GeneratePerSplit();
}
