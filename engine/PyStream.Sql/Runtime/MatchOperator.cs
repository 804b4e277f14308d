using PyStream.Engine.Cep;
using PyStream.Engine.Checkpointing;
using PyStream.Engine.Records;
using PyStream.Engine.Runtime;
using PyStream.Engine.State;
using PyStream.Sql.Compiling;
using PyStream.Sql.Expressions;
using PyStream.Sql.Functions;
using PyStream.Sql.Planning;
using PyStream.Sql.Types;

namespace PyStream.Sql.Runtime;

/// <summary>
/// MATCH_RECOGNIZE ... ONE ROW PER MATCH (Flink's CepOperator running the generated
/// PatternProcessFunction): rows are events of the native NFA, keyed by the partition columns
/// and, in event time, ordered by their rowtime through the CEP core's buffer (rows behind the
/// watermark are late and dropped; rows of equal time in the order of the ORDER BY keys after the
/// time attribute, as Flink's event comparator). Each match gives one row: the partition columns, then the
/// measures, compiled over the values their navigations read from the match. State is the CEP
/// core's, with rows written by the SQL value codec.
/// </summary>
public sealed class MatchOperator : SqlOperator
{
    private readonly MatchSpec _spec;
    private readonly RowKeys _keys;
    private readonly Core _core;
    private readonly MatchConditions _conditions;
    private readonly CalcProgram _measures;
    private readonly RowBuilder _matches;
    private readonly RowOrdering _tieOrder;

    /// <summary>The input columns a match can read (the others stay null in the rows the NFA holds), and the arena of kept rows.</summary>
    private readonly MatchRowLayout _layout;

    private bool _inBatch;

    // One batch's rows for the core, reused from batch to batch; the keys as one buffer and the end of each (the core makes an array per key held).
    private readonly ScratchArray<byte> _batchKeyBytes = new();
    private readonly ScratchArray<long> _batchKeyEnds = new();
    private readonly ScratchArray<MatchRow> _batchEvents = new();
    private readonly ScratchArray<int> _allRows = new();
    private readonly ScratchArray<long> _batchTimes = new();
    private readonly ScratchArray<ulong> _batchBits = new();
    private readonly ScratchArray<ulong> _simple = new();

    public MatchOperator(string name, MatchSpec spec, RowKeys keys, IReadOnlyList<SqlType> inputTypes, SqlContext context, int inputCount = 1)
        : base(name, inputCount)
    {
        _spec = spec;
        _keys = keys;
        var mode = spec.ProcTime ? CepTimeMode.ProcessingTime : CepTimeMode.EventTime;
        _conditions = new MatchConditions(spec, inputTypes, context);
        _layout = new MatchRowLayout(inputTypes, ReadColumns(spec, inputTypes.Count));
        _core = new Core(this, NfaCompiler.Compile(spec.Pattern), _conditions, new MatchRowSerializer(inputTypes), mode);
        IReadOnlyList<SqlType> matchTypes = [.. spec.PartitionKeys.Select(k => inputTypes[k]), .. spec.MeasureNavigations.Select(n => n.Type)];
        var width = spec.PartitionKeys.Count;
        _measures = CalcProgram.Compile(matchTypes, null, [.. Enumerable.Range(0, width).Select(k => new InputRef(k, matchTypes[k])), .. spec.Measures], context);
        _matches = new RowBuilder(matchTypes);
        _tieOrder = new RowOrdering(spec.TieOrder);
    }

    /// <summary>
    /// The columns a match reads: the partition columns, those ordering rows of equal time, and those the measures navigate to (the time column
    /// for MATCH_ROWTIME), or every column
    /// when a DEFINE condition reads the partial match (its compiled program takes the whole row).
    /// </summary>
    private static int[] ReadColumns(MatchSpec spec, int width)
    {
        if (spec.Conditions.Any(c => c.Iterative))
            return [.. Enumerable.Range(0, width)];
        var navigated = spec.MeasureNavigations.Select(n => n.Kind == NavigationKind.MatchRowtime ? spec.OrderIndex : n.Column);
        return [.. spec.PartitionKeys.Concat(spec.TieOrder.Select(k => k.Column)).Concat(navigated).Where(c => c >= 0 && c < width).Distinct().Order()];
    }

    public long LateRowsDropped => _core.LateEventsDropped;

    /// <summary>Rows the shared buffers keep now (in the operator's arena).</summary>
    internal int KeptRows => _layout.KeptRows;

    public override void Open(TaskContext context)
    {
        base.Open(context);
        _core.Open(context, StateKey);
    }

    protected override void ProcessRows(int input, RowBatch rows)
    {
        var keyEnds = _batchKeyEnds.Take(rows.Count);
        var keyBytes = _batchKeyBytes.Take(rows.Count * Math.Max(_keys.MaxFixedSize, 0));
        var keyLength = 0;
        var batchEvents = _batchEvents.Take(rows.Count);
        var batchTimes = _batchTimes.Take(rows.Count);
        var batchBits = _batchBits.Take(rows.Count);
        var simple = _simple.Take(rows.Count);
        var allRows = _allRows.Take(rows.Count);
        if (allRows.Length > 0 && allRows[^1] != allRows.Length - 1)
        {
            // Not yet made this long (a fill covers every index before its last).
            for (var i = 0; i < allRows.Length; i++)
                allRows[i] = i;
        }

        // The simple DEFINE conditions run over the batch's columns, before any row is boxed.
        _conditions.TestSimple(rows, simple);
        // Rows wait for the watermark as references into a copy of the columns matches read; the NFA keeps a row in the arena (typed, unboxed).
        var read = new Column[_layout.ReadColumns.Length];
        for (var c = 0; c < read.Length; c++)
            read[c] = rows.Columns[_layout.ReadColumns[c]].Select(allRows);
        var readBatch = new RowBatch(read, rows.Count);
        var count = 0;
        var time = rows.Columns[_spec.OrderIndex];
        var times = time as Column<long>;
        for (var i = 0; i < rows.Count; i++)
        {
            long timestamp = 0;
            if (!_spec.ProcTime)
            {
                if (times is not null && !times.IsNull(i))
                    timestamp = TimeMath.MillisOf(times.Values[i]);
                else if (time.GetBoxed(i) is long rowtime)
                    timestamp = TimeMath.MillisOf(rowtime);
                else
                    continue; // no event time: no place in the order
            }

            keyLength += WriteKey(rows, i, ref keyBytes, keyLength);
            (keyEnds[count], batchEvents[count], batchTimes[count], batchBits[count]) = (keyLength, new MatchRow(_layout, readBatch, i), timestamp, simple[i]);
            count++;
        }

        _inBatch = true;
        try
        {
            _core.ProcessElements(keyBytes[..keyLength], keyEnds[..count], batchEvents[..count], batchTimes[..count], batchBits[..count]);
        }
        finally
        {
            _inBatch = false;
            batchEvents[..count].Clear();
        }

        EmitMatches();
        _layout.Arena.Recycle(); // the matches' rows are built: slots the buffer let go may serve again
    }

    /// <summary>Writes a row's key at <paramref name="at"/>, growing the batch's key buffer for a key of variable width; returns its length.</summary>
    private int WriteKey(RowBatch rows, int row, ref Span<byte> keyBytes, int at)
    {
        if (_keys.MaxFixedSize >= 0)
            return _keys.Write(rows, row, keyBytes[at..]);
        var key = _keys.KeyOf(rows, row);
        if (at + key.Length > keyBytes.Length)
            keyBytes = _batchKeyBytes.Grow(at, Math.Max(2 * keyBytes.Length, at + key.Length));
        key.CopyTo(keyBytes[at..]);
        return key.Length;
    }

    protected override void OnWatermark(long watermark)
    {
        _inBatch = true;
        try
        {
            _core.AdvanceWatermark(watermark);
        }
        finally
        {
            _inBatch = false;
        }

        EmitMatches();
        _layout.Arena.Recycle();
        base.OnWatermark(watermark);
    }

    public override void SnapshotState(CheckpointBarrier barrier, IDictionary<string, byte[]> states)
    {
        _core.Flush();
        base.SnapshotState(barrier, states);
    }

    private void EmitMatches()
    {
        if (_matches.Take() is { } matches)
            EmitRows(_measures.Run(matches));
    }

    /// <summary>One match as the partition columns and the values of the measures' navigations.</summary>
    private void AddMatch(PatternMatch<MatchRow> match)
    {
        // The match's rows stage by stage (stages in the order of their first row), as navigations without a variable read them.
        var all = match.AllEvents;
        var first = all[0];
        var row = new object?[_spec.PartitionKeys.Count + _spec.MeasureNavigations.Count];
        for (var k = 0; k < _spec.PartitionKeys.Count; k++)
            row[k] = first[_spec.PartitionKeys[k]];
        for (var n = 0; n < _spec.MeasureNavigations.Count; n++)
        {
            var navigation = _spec.MeasureNavigations[n];
            row[_spec.PartitionKeys.Count + n] = navigation.Kind switch
            {
                NavigationKind.Classifier => match.StageName(match.StageCount - 1),
                NavigationKind.MatchRowtime => all[^1][_spec.OrderIndex],
                NavigationKind.MatchProctime => Context.Time.GetUtcNow().ToUnixTimeMilliseconds() * TimeMath.MicrosPerMilli,
                _ => MatchRows.Read(navigation, navigation.Variable is null ? all : match.EventsOf(navigation.Variable)),
            };
        }

        _matches.Add(RowKind.Insert, row);
        if (!_inBatch)
            EmitMatches(); // a match completed by a processing-time timer
    }

    private sealed class Core(MatchOperator owner, CompiledPattern pattern, ICepConditions<MatchRow> conditions, ICepEventSerializer<MatchRow> serializer, CepTimeMode mode)
        : CepOperatorCore<MatchRow>(pattern, conditions, serializer, mode, handleTimeouts: false)
    {
        protected override void OnMatch(byte[] key, PatternMatch<MatchRow> match, long timestamp) => owner.AddMatch(match);

        protected override bool OrdersTies => owner._spec.TieOrder.Count > 0;

        /// <summary>Rows of equal time by the ORDER BY keys after the time attribute; rows equal in those too keep arrival order.</summary>
        protected override void OrderTies(ReadOnlySpan<MatchRow> events, Span<int> order)
        {
            var rows = new object?[events.Length][];
            for (var i = 0; i < rows.Length; i++)
            {
                rows[i] = events[i].Values();
                order[i] = i;
            }

            order.Sort((x, y) => owner._tieOrder.Compare(rows[x], rows[y]) is var c and not 0 ? c : x.CompareTo(y));
        }
    }
}
