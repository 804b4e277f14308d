using System.Buffers.Binary;
using PyStream.Engine.Records;
using PyStream.Engine.Runtime;
using PyStream.Engine.State;
using PyStream.Engine.Time;
using PyStream.Sql.Functions;

namespace PyStream.Sql.Runtime;

/// <summary>
/// An interval join's time columns and bounds: a left row at time l matches right rows at times r
/// with <c>r + LeftLowerBound &lt;= l &lt;= r + LeftUpperBound</c> (milliseconds); in processing time
/// each row's time is the task's clock when it comes.
/// </summary>
public sealed record IntervalJoinSpec(JoinOperatorSpec Join, int LeftTimeIndex, int RightTimeIndex, long LeftLowerBound, long LeftUpperBound, bool ProcTime)
{
    /// <summary>Right rows up to a left row's time plus this match it (and a right row waits that long for left rows).</summary>
    public long LeftRelativeSize => -LeftLowerBound;

    /// <summary>Right rows down to a left row's time minus this match it.</summary>
    public long RightRelativeSize => LeftUpperBound;

    /// <summary>How long a row may wait for its match (and its padded row) behind the watermark: the output's watermark lags by it.</summary>
    public long MaxOutputDelay => Math.Max(LeftRelativeSize, RightRelativeSize);
}

/// <summary>
/// An interval join, as Flink's TimeIntervalJoin (RowTimeIntervalJoin, ProcTimeIntervalJoin):
/// input 0 the left side, input 1 the right, keyed by the join key. A row joins the other side's
/// rows of its key within its time bounds that pass the residual condition, and waits in its side's
/// state, by time, only while rows of the other side could still come for it (the operator time,
/// the watermark or the clock, has not passed its upper bound). A clean-up timer per key and side
/// removes the rows that can match no more; an outer side's row that never matched is emitted padded
/// with nulls then (or at once, when it comes too late to wait). Only inserts come out; in event
/// time the watermark sent on lags by the largest relative bound, as rows up to that late are
/// emitted. Rows without a time, or with a NULL in a key compared by =, match nothing.
/// </summary>
public sealed class IntervalJoinOperator : SqlOperator, ITimerTarget
{
    private readonly IntervalJoinSpec _spec;
    private readonly JoinOperatorSpec _join;
    private readonly RowKeys _leftKeys;
    private readonly RowKeys _rightKeys;
    private readonly int[] _leftNullFiltered;
    private readonly int[] _rightNullFiltered;
    private readonly RowBuilder _output;
    private readonly RowBuilder _candidates;
    private readonly TimerQueue _eventTimers = new();
    private string _leftRows = "";
    private string _rightRows = "";
    private string _leftCleanup = "";
    private string _rightCleanup = "";
    private bool _timersRestored;

    // Operator-wide approximations of the oldest row each cache can hold (Flink's left/rightExpirationTime).
    private long _leftExpiration;
    private long _rightExpiration;

    public IntervalJoinOperator(string name, IntervalJoinSpec spec, int inputCount = 2)
        : base(name, inputCount)
    {
        _spec = spec;
        _join = spec.Join;
        _leftKeys = _join.LeftKeys.Copy();
        _rightKeys = _join.RightKeys.Copy();
        _leftNullFiltered = _join.NullFiltered(_join.LeftKeys);
        _rightNullFiltered = _join.NullFiltered(_join.RightKeys);
        _output = new RowBuilder(_join.OutputTypes);
        _candidates = new RowBuilder([.. _join.LeftTypes, .. _join.RightTypes]);
    }

    public override void Open(TaskContext context)
    {
        base.Open(context);
        _leftRows = StateKeys.MapPrefix + StateKey + "/left-rows";
        _rightRows = StateKeys.MapPrefix + StateKey + "/right-rows";
        _leftCleanup = StateKey + "/left-cleanup";
        _rightCleanup = StateKey + "/right-cleanup";
    }

    private long OperatorTime => _spec.ProcTime ? Context.Timers.Now : Math.Max(CurrentWatermark, 0);

    protected override void ProcessRows(int input, RowBatch rows)
    {
        RestoreTimers();
        var isLeft = input == 0;
        var keys = isLeft ? _leftKeys : _rightKeys;
        var timeIndex = isLeft ? _spec.LeftTimeIndex : _spec.RightTimeIndex;
        for (var i = 0; i < rows.Count; i++)
        {
            var row = new object?[rows.Columns.Length];
            for (var c = 0; c < row.Length; c++)
                row[c] = rows.Columns[c].GetBoxed(i);
            long? time = _spec.ProcTime ? Context.Timers.Now : row[timeIndex] is long micros ? TimeMath.MillisOf(micros) : null;
            if (time is null || (isLeft ? _leftNullFiltered : _rightNullFiltered).Any(c => row[c] is null))
            {
                if (isLeft ? _join.LeftOuter : _join.RightOuter)
                    Padded(row, isLeft);
                continue;
            }

            Process(isLeft, keys.KeyOf(rows, i), row, time.Value);
            if (_output.Count >= 8192)
                EmitRows(_output.Take());
        }

        EmitRows(_output.Take());
    }

    private void Process(bool isLeft, byte[] key, object?[] row, long time)
    {
        var operatorTime = OperatorTime;
        var (ownSize, otherSize) = isLeft ? (_spec.LeftRelativeSize, _spec.RightRelativeSize) : (_spec.RightRelativeSize, _spec.LeftRelativeSize);
        var (otherRows, otherOuter) = isLeft ? (_rightRows, _join.RightOuter) : (_leftRows, _join.LeftOuter);
        var lower = time - otherSize;
        var upper = time + ownSize;
        var emitted = false;

        ref var otherExpiration = ref isLeft ? ref _rightExpiration : ref _leftExpiration;
        if (otherExpiration < upper)
        {
            // The other side may hold rows in the bounds: join them, and drop its expired rows on the way.
            otherExpiration = Expiration(operatorTime, otherSize);
            foreach (var (entry, value) in Context.State.MapEntries(otherRows, key).ToList())
            {
                var otherTime = ReadTime(entry);
                var waiting = Decode(value, !isLeft);
                var updated = false;
                if (otherTime >= lower && otherTime <= upper)
                {
                    var matches = Matching(isLeft, row, waiting.Select(w => w.Row).ToList());
                    for (var m = 0; m < waiting.Count; m++)
                    {
                        if (!matches[m])
                            continue;
                        Joined(row, waiting[m].Row, isLeft);
                        emitted = true;
                        if (otherOuter && !waiting[m].Emitted)
                        {
                            waiting[m] = waiting[m] with { Emitted = true };
                            updated = true;
                        }
                    }
                }

                if (otherTime <= otherExpiration)
                {
                    if (otherOuter)
                        PadUnmatched(waiting, !isLeft);
                    Context.State.Remove(otherRows, Stored(key, otherTime));
                }
                else if (updated)
                {
                    Context.State.Put(otherRows, Stored(key, otherTime), Encode(waiting, !isLeft));
                }
            }
        }

        if (operatorTime < upper)
        {
            // Rows of the other side can still come for this one: it waits.
            var ownRows = isLeft ? _leftRows : _rightRows;
            var stored = Stored(key, time);
            var waiting = Context.State.Get(ownRows, stored) is { } bytes ? Decode(bytes, isLeft) : [];
            waiting.Add(new Waiting(row, emitted));
            Context.State.Put(ownRows, stored, Encode(waiting, isLeft));
            if (Context.State.Get(isLeft ? _leftCleanup : _rightCleanup, key) is null)
                RegisterCleanup(key, time, isLeft);
        }
        else if (!emitted && (isLeft ? _join.LeftOuter : _join.RightOuter))
        {
            Padded(row, isLeft);
        }
    }

    private static long Expiration(long operatorTime, long relativeSize) =>
        operatorTime < long.MaxValue ? operatorTime - relativeSize - 1 : long.MaxValue;

    /// <summary>The clean-up of one side's rows of a key, once the other side's rows can no longer reach a row at <paramref name="time"/>.</summary>
    private void RegisterCleanup(byte[] key, long time, bool left)
    {
        var at = time + (left ? _spec.LeftRelativeSize : _spec.RightRelativeSize) + 1;
        var value = new byte[8];
        BinaryPrimitives.WriteInt64BigEndian(value, at);
        Context.State.Put(left ? _leftCleanup : _rightCleanup, key, value);
        Register(key, at);
    }

    private void Register(byte[] key, long at)
    {
        if (_spec.ProcTime)
            Context.Timers.Register(this, 0, key, at);
        else
            _eventTimers.Register(this, 0, key, at);
    }

    public void OnTimers(int operation, TimeDomain domain, IReadOnlyList<FiredTimer> timers)
    {
        foreach (var timer in timers)
        {
            var operatorTime = OperatorTime;
            foreach (var left in new[] { false, true })
            {
                if (Context.State.Get(left ? _leftCleanup : _rightCleanup, timer.Key) is { } at && BinaryPrimitives.ReadInt64BigEndian(at) == timer.Timestamp)
                {
                    var expiration = Expiration(operatorTime, left ? _spec.LeftRelativeSize : _spec.RightRelativeSize);
                    if (left)
                        _leftExpiration = expiration;
                    else
                        _rightExpiration = expiration;
                    RemoveExpired(timer.Key, expiration, left);
                }
            }
        }

        if (domain == TimeDomain.ProcessingTime)
            EmitRows(_output.Take());
    }

    /// <summary>Removes a side's rows of a key at or before <paramref name="expiration"/> (padding an outer side's unmatched ones), and waits for the next.</summary>
    private void RemoveExpired(byte[] key, long expiration, bool left)
    {
        var (rows, outer) = left ? (_leftRows, _join.LeftOuter) : (_rightRows, _join.RightOuter);
        long? earliest = null;
        foreach (var (entry, value) in Context.State.MapEntries(rows, key).ToList())
        {
            var time = ReadTime(entry);
            if (time <= expiration)
            {
                if (outer)
                    PadUnmatched(Decode(value, left), left);
                Context.State.Remove(rows, Stored(key, time));
            }
            else
            {
                earliest = Math.Min(earliest ?? long.MaxValue, time);
            }
        }

        if (earliest is { } next)
            RegisterCleanup(key, next, left);
        else
            Context.State.Remove(left ? _leftCleanup : _rightCleanup, key);
    }

    protected override void OnWatermark(long watermark)
    {
        RestoreTimers();
        if (!_spec.ProcTime)
            _eventTimers.FireUpTo(watermark, TimeDomain.EventTime);
        EmitRows(_output.Take());
        var delayed = _spec.ProcTime || watermark == long.MaxValue || watermark == long.MinValue ? watermark : watermark - _spec.MaxOutputDelay;
        base.OnWatermark(delayed);
    }

    /// <summary>After a restore the clean-up timers are only in state: register them again (once).</summary>
    private void RestoreTimers()
    {
        if (_timersRestored)
            return;
        _timersRestored = true;
        foreach (var state in new[] { _leftCleanup, _rightCleanup })
        {
            foreach (var (key, value) in Context.State.Entries(state).ToList())
                Register(key, BinaryPrimitives.ReadInt64BigEndian(value));
        }
    }

    private bool[] Matching(bool isLeft, object?[] row, List<object?[]> candidates)
    {
        if (_join.Residual is null)
            return candidates.Select(_ => true).ToArray();
        foreach (var other in candidates)
            _candidates.Add(RowKind.Insert, isLeft ? [.. row, .. other] : [.. other, .. row]);
        return ((Column<bool>)_join.Residual.Run(_candidates.Take()!)!.Columns[0]).Values;
    }

    private void Joined(object?[] row, object?[] other, bool isLeft) =>
        _output.Add(RowKind.Insert, isLeft ? [.. row, .. other] : [.. other, .. row]);

    private void PadUnmatched(List<Waiting> rows, bool left)
    {
        foreach (var waiting in rows.Where(w => !w.Emitted))
            Padded(waiting.Row, left);
    }

    private void Padded(object?[] row, bool isLeft) =>
        _output.Add(RowKind.Insert, isLeft ? [.. row, .. new object?[_join.RightTypes.Count]] : [.. new object?[_join.LeftTypes.Count], .. row]);

    private sealed record Waiting(object?[] Row, bool Emitted);

    private static byte[] Stored(byte[] key, long time) => TimeEntryKey.Stored(key, time);

    private static long ReadTime(ReadOnlySpan<byte> entry) => TimeEntryKey.Time(entry);

    private byte[] Encode(List<Waiting> rows, bool left)
    {
        var types = left ? _join.LeftTypes : _join.RightTypes;
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream))
        {
            writer.Write(rows.Count);
            foreach (var waiting in rows)
            {
                writer.Write(waiting.Emitted);
                ValueCodec.WriteRow(writer, waiting.Row, types);
            }
        }

        return stream.ToArray();
    }

    private List<Waiting> Decode(byte[] bytes, bool left)
    {
        var types = left ? _join.LeftTypes : _join.RightTypes;
        using var reader = new BinaryReader(new MemoryStream(bytes));
        var rows = new List<Waiting>(reader.ReadInt32());
        for (var r = rows.Capacity; r > 0; r--)
        {
            var emitted = reader.ReadBoolean();
            rows.Add(new Waiting(ValueCodec.ReadRow(reader, types), emitted));
        }

        return rows;
    }
}
