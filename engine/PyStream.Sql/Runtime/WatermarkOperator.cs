using PyStream.Engine.Records;
using PyStream.Engine.Runtime;
using PyStream.Engine.Runtime.Operators;
using PyStream.Engine.Time;
using PyStream.Sql.Compiling;
using PyStream.Sql.Functions;

namespace PyStream.Sql.Runtime;

/// <summary>
/// A table's WATERMARK FOR column AS expression: the watermark is the largest value of the
/// expression over the rows so far (no -1, unlike the DataStream strategies), emitted every
/// pipeline.auto-watermark-interval of processing time, as Flink's WatermarkAssignerOperator.
/// Chained to a source with splits (Kafka partitions), it keeps that value per split and the
/// watermark is the least over the splits, as Flink's sources do with a pushed-down watermark.
/// Upstream watermarks are dropped but the final one. In batch mode only the final one is sent.
/// </summary>
public sealed class WatermarkOperator(string name, CalcProgram watermarkOfRows, long intervalMs, long idleMs, bool batchMode, int inputCount = 1)
    : SqlOperator(name, inputCount), IPerSplitWatermarks
{
    private long _max = long.MinValue;
    private long _emitted = long.MinValue;
    private SplitWatermarks? _splits;

    public bool PerSplit => !batchMode;

    public SplitWatermarks GeneratePerSplit() =>
        _splits = new SplitWatermarks(new WatermarkGeneration(WatermarkKind.Largest, IdlenessMs: idleMs), base.OnWatermark, base.OnWatermarkStatus);

    public override void Open(TaskContext context)
    {
        base.Open(context);
        if (!batchMode && intervalMs > 0)
            context.Timers.SchedulePeriodic(TimeSpan.FromMilliseconds(intervalMs), EmitDue);
    }

    protected override void ProcessRows(int input, RowBatch rows)
    {
        if (watermarkOfRows.Run(rows) is { } values)
        {
            var column = (Column<long>)values.Columns[0];
            var max = long.MinValue;
            for (var i = 0; i < values.Count; i++)
            {
                if (!column.IsNull(i))
                    max = Math.Max(max, column.Values[i]);
            }

            // The largest timestamp in microseconds, then in milliseconds (rounding down keeps the order).
            max = max == long.MinValue ? max : TimeMath.MillisOf(max);
            if (_splits is not null && CurrentSplit >= 0)
                _splits.OnRecord(CurrentSplit, max, Context.Timers.Now);
            _max = Math.Max(_max, max);
        }

        // The rows go first: a watermark computed from them must not overtake them (with an interval of 0 it is sent right here).
        EmitRows(rows);
        if (intervalMs == 0 && !batchMode)
            EmitDue();
    }

    private void EmitDue()
    {
        if (_splits is not null)
        {
            _splits.EmitDue(Context.Timers.Now);
            return;
        }

        if (_max <= _emitted)
            return;
        _emitted = _max;
        base.OnWatermark(_max);
    }

    protected override void OnWatermark(long watermark)
    {
        if (watermark == long.MaxValue)
            base.OnWatermark(watermark);
    }

    protected override void OnWatermarkStatus(bool idle)
    {
    }
}
