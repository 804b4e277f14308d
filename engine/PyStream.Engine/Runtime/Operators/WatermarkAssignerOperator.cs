using PyStream.Engine.Records;
using PyStream.Engine.Time;

namespace PyStream.Engine.Runtime.Operators;

/// <summary>
/// Generates watermarks from the timestamps of the records passing through (the timestamps
/// themselves come from the Python assigner at this operator's input). Emits periodically on
/// processing time, as Flink's TimestampsAndWatermarksOperator does, and marks itself idle
/// after the idleness timeout without records. Upstream watermarks are dropped, except the
/// final one at end of input. In BATCH mode only the final watermark is emitted.
/// </summary>
public sealed class WatermarkAssignerOperator(string name, WatermarkGeneration generation, bool batchMode, bool perSplit = false)
    : StreamOperator(name, inputCount: 1, portCount: 1), IPerSplitWatermarks
{
    /// <summary>from_source's strategy: generated per split when chained to a source with splits.</summary>
    public bool PerSplit => perSplit;

    private long _maxTimestamp = long.MinValue;
    private long _lastEmitted = long.MinValue;
    private long _lastRecordAt;
    private bool _idle;

    public override void Open(TaskContext context)
    {
        base.Open(context);
        _lastRecordAt = context.Timers.Now;
        if (!batchMode && generation.IntervalMs > 0 && (generation.Kind != WatermarkKind.None || generation.IdlenessMs > 0))
            context.Timers.SchedulePeriodic(TimeSpan.FromMilliseconds(generation.IntervalMs), OnPeriodicEmit);
    }

    /// <summary>Set when watermarks are generated per split of the source this operator is chained to.</summary>
    public SplitWatermarks? Splits { get; private set; }

    /// <summary>Generates this operator's watermarks per split of the source it is chained to.</summary>
    public SplitWatermarks GeneratePerSplit() => Splits = new SplitWatermarks(generation, base.OnWatermark, base.OnWatermarkStatus);

    public override void ProcessBatch(int input, Batch batch)
    {
        var max = long.MinValue;
        foreach (var t in batch.Timestamps ?? [])
            max = Math.Max(max, t);
        _maxTimestamp = Math.Max(_maxTimestamp, max);
        if (Splits is not null && batch.Split >= 0)
            Splits.OnRecord(batch.Split, max, Context.Timers.Now);

        _lastRecordAt = Context.Timers.Now;
        if (_idle)
        {
            _idle = false;
            base.OnWatermarkStatus(idle: false);
        }

        Emit(0, batch);
    }

    /// <summary>The watermark the strategy allows now: max timestamp minus the bound, minus one.</summary>
    public long Candidate => generation.CandidateFor(_maxTimestamp);

    private void OnPeriodicEmit()
    {
        if (Splits is not null)
        {
            Splits.EmitDue(Context.Timers.Now);
            return;
        }

        if (generation.IdlenessMs > 0 && !_idle && Context.Timers.Now - _lastRecordAt >= generation.IdlenessMs)
        {
            _idle = true;
            base.OnWatermarkStatus(idle: true);
            return;
        }

        var candidate = Candidate;
        if (_idle || candidate <= _lastEmitted)
            return;
        _lastEmitted = candidate;
        base.OnWatermark(candidate);
    }

    /// <summary>Only the end of input passes: watermarks from upstream do not mix with generated ones.</summary>
    protected override void OnWatermark(long watermark)
    {
        if (watermark == long.MaxValue)
            base.OnWatermark(watermark);
    }

    protected override void OnWatermarkStatus(bool idle)
    {
    }
}
