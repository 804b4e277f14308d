namespace PyStream.Engine.Runtime.Operators;

/// <summary>
/// How many records one Python call gets: as many as fit in about <see cref="TargetMillis"/>
/// of the function's measured time per record, never more than the configured maximum. A
/// slow function (a model call, an HTTP lookup) gets small calls, so its output, a cancel or
/// a checkpoint waits one short call; a fast one keeps large calls. Starts small: the first
/// call measures. A faster call moves the estimate halfway (large calls come back quickly); a
/// slower one a quarter of the way, so one call slowed by a garbage collection does not shrink
/// the next ones; a call far over the target counts at once.
/// </summary>
public sealed class CallSizer(int maxRecords)
{
    public const double TargetMillis = 50;
    private const int FirstCall = 16;
    private const double FarOver = 10 * TargetMillis;

    private double _millisPerRecord = double.NaN;

    public int MaxRecords { get; } = maxRecords >= 1 ? maxRecords : throw new ArgumentOutOfRangeException(nameof(maxRecords));

    /// <summary>The records the next call should get.</summary>
    public int Limit { get; private set; } = Math.Min(FirstCall, maxRecords);

    /// <summary>A call of <paramref name="records"/> records took <paramref name="millis"/>.</summary>
    public void Observe(int records, double millis)
    {
        if (records <= 0)
            return;
        var perRecord = Math.Max(millis, 0) / records;
        _millisPerRecord = double.IsNaN(_millisPerRecord) || millis > FarOver ? perRecord
            : perRecord < _millisPerRecord ? (_millisPerRecord + perRecord) / 2
            : (0.75 * _millisPerRecord) + (0.25 * perRecord);
        var fits = _millisPerRecord > 0 ? TargetMillis / _millisPerRecord : MaxRecords;
        Limit = (int)Math.Clamp(fits, 1, MaxRecords);
    }
}
