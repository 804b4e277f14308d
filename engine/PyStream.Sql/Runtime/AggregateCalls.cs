using PyStream.Engine.Records;
using PyStream.Sql.Planning;
using PyStream.Sql.Types;

namespace PyStream.Sql.Runtime;

/// <summary>Creates the accumulators of aggregate calls and feeds them rows.</summary>
public sealed class AggregateCalls
{
    /// <summary>What COUNT(*) is fed for each row (boxed once, not per row).</summary>
    private static readonly object Row = true;

    private readonly IReadOnlyList<AggCall> _list;
    private readonly AggCall[] _calls;
    private readonly Feed[] _feeds;
    private readonly bool _mergeable;
    private readonly bool _insertOnly;

    /// <param name="mergeable">Whether every accumulator must merge: those that cannot keep their values (<see cref="ReplayAccumulator"/>).</param>
    /// <param name="insertOnly">Whether the input never retracts a row: MIN and MAX then keep only their extreme.</param>
    public AggregateCalls(IReadOnlyList<AggCall> calls, bool mergeable = false, bool insertOnly = false)
    {
        _list = calls;
        _mergeable = mergeable;
        _insertOnly = insertOnly;
        _calls = [.. calls];
        _feeds = _calls.Select(FeedOf).ToArray();
    }

    /// <summary>How a call reads a row, decided once so the per-row loop compares no strings.</summary>
    private enum Feed
    {
        /// <summary>COUNT(*) with no DISTINCT: its <see cref="CountAccumulator"/> is counted directly, nothing boxed.</summary>
        CountRows,
        /// <summary>A call with no argument fed a marker value.</summary>
        Row,
        /// <summary>The value of the first argument.</summary>
        Value,
        /// <summary>LISTAGG's value and separator.</summary>
        ListAgg,
    }

    public IReadOnlyList<AggCall> Calls => _list;

    public Accumulator[] Create()
    {
        var accumulators = new Accumulator[_calls.Length];
        for (var c = 0; c < accumulators.Length; c++)
        {
            var accumulator = Create(_calls[c], _insertOnly);
            accumulators[c] = _mergeable && !accumulator.CanMerge ? new ReplayAccumulator(_calls[c]) : accumulator;
        }

        return accumulators;
    }

    public static Accumulator Create(AggCall call, bool insertOnly = false)
    {
        Accumulator inner = call.Function switch
        {
            "COUNT" => new CountAccumulator(call.Args.Count == 0),
            "SUM" or "SUM0" or "AVG" => new SumAccumulator(call.Type, call.ArgTypes[0], call.Function),
            "MIN" or "MAX" when insertOnly => new RunningExtremeAccumulator(call.Type, call.Function == "MAX"),
            "MIN" or "MAX" => new ExtremeAccumulator(call.Type, call.Function == "MAX"),
            "FIRST_VALUE" or "LAST_VALUE" => new PickAccumulator(call.Type, call.Function == "LAST_VALUE"),
            "LISTAGG" => new ListAggAccumulator(),
            _ => throw new SqlValidationException($"aggregate function {call.Function} is not supported yet"),
        };
        return call.Distinct ? new DistinctAccumulator(inner, call.ArgTypes[0]) : inner;
    }

    private static Feed FeedOf(AggCall call) => call switch
    {
        { Args.Count: 0, Function: "COUNT", Distinct: false } => Feed.CountRows,
        { Args.Count: 0 } => Feed.Row,
        { Function: "LISTAGG" } => Feed.ListAgg,
        _ => Feed.Value,
    };

    /// <summary>Feeds one row to every accumulator: added when it accumulates, retracted when it takes away.</summary>
    public void Apply(Accumulator[] accumulators, RowBatch batch, int row, bool retract)
    {
        for (var c = 0; c < _calls.Length; c++)
        {
            var call = _calls[c];
            if (call.FilterArg >= 0 && batch.Columns[call.FilterArg].GetBoxed(row) is not true)
                continue;
            object? value;
            switch (_feeds[c])
            {
                case Feed.CountRows:
                    ((CountAccumulator)accumulators[c]).Count(retract ? -1 : 1);
                    continue;
                case Feed.Row:
                    value = Row;
                    break;
                case Feed.ListAgg:
                    value = (batch.Columns[call.Args[0]].GetBoxed(row), call.Args.Count > 1 ? batch.Columns[call.Args[1]].GetBoxed(row) : ",");
                    break;
                default:
                    if (retract)
                        accumulators[c].Retract(batch.Columns[call.Args[0]], row);
                    else
                        accumulators[c].Add(batch.Columns[call.Args[0]], row);
                    continue;
            }

            if (retract)
                accumulators[c].Retract(value);
            else
                accumulators[c].Add(value);
        }
    }

    public static byte[] Serialize(Accumulator[] accumulators, long rows)
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream))
            Serialize(writer, accumulators, rows);
        return stream.ToArray();
    }

    /// <summary>What <see cref="Serialize(Accumulator[], long)"/> returns, written to <paramref name="writer"/>.</summary>
    public static void Serialize(BinaryWriter writer, Accumulator[] accumulators, long rows)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(accumulators);
        writer.Write(rows);
        foreach (var a in accumulators)
            a.Write(writer);
    }

    public Accumulator[] Deserialize(byte[] data, out long rows)
    {
        using var reader = new BinaryReader(new MemoryStream(data));
        rows = reader.ReadInt64();
        var accumulators = Create();
        foreach (var a in accumulators)
            a.Read(reader);
        return accumulators;
    }
}
