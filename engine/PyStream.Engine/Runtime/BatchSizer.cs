namespace PyStream.Engine.Runtime;

/// <summary>
/// How many records a batch should hold so that handling it takes about a target time, by the
/// measured time per record, never more than a maximum. Python calls are sized so (a slow
/// function gets small calls, so its output, a cancel or a checkpoint waits one short call; a
/// fast one keeps large calls), and so are the batches sent to a task over the network (see
/// <see cref="InputGate"/>). Starts small: the first batch measures. A faster batch moves the
/// estimate halfway (large batches come back quickly); a slower one a quarter of the way, so one
/// batch slowed by a garbage collection does not shrink the next ones; a batch far over the
/// target counts at once.
/// </summary>
public sealed class BatchSizer
{
    /// <summary>The time a Python call aims at.</summary>
    public const double CallTargetMillis = 50;
    private const int FirstCall = 16;

    private readonly double _targetMillis;
    private readonly double _farOver;
    private double _millisPerRecord = double.NaN;

    public BatchSizer(int maxRecords, double targetMillis, int firstLimit)
    {
        MaxRecords = maxRecords >= 1 ? maxRecords : throw new ArgumentOutOfRangeException(nameof(maxRecords));
        _targetMillis = targetMillis > 0 ? targetMillis : throw new ArgumentOutOfRangeException(nameof(targetMillis));
        _farOver = 10 * targetMillis;
        Limit = Math.Clamp(firstLimit, 1, maxRecords);
    }

    /// <summary>Sizes Python calls: about <see cref="CallTargetMillis"/> each, at most <paramref name="maxRecords"/> records.</summary>
    public static BatchSizer ForPythonCalls(int maxRecords) => new(maxRecords, CallTargetMillis, FirstCall);

    public int MaxRecords { get; }

    /// <summary>The records the next batch should hold.</summary>
    public int Limit { get; private set; }

    /// <summary>A batch of <paramref name="records"/> records took <paramref name="millis"/>.</summary>
    public void Observe(int records, double millis)
    {
        if (records <= 0)
            return;
        var perRecord = Math.Max(millis, 0) / records;
        _millisPerRecord = double.IsNaN(_millisPerRecord) || millis > _farOver ? perRecord
            : perRecord < _millisPerRecord ? (_millisPerRecord + perRecord) / 2
            : (0.75 * _millisPerRecord) + (0.25 * perRecord);
        var fits = _millisPerRecord > 0 ? _targetMillis / _millisPerRecord : MaxRecords;
        Limit = (int)Math.Clamp(fits, 1, MaxRecords);
    }
}
