using PyStream.Engine;
using PyStream.Engine.Checkpointing;
using PyStream.Engine.Records;
using PyStream.Engine.Runtime;
using PyStream.Engine.State;
using PyStream.Sql.Compiling;
using PyStream.Sql.Planning;
using PyStream.Sql.Types;

namespace PyStream.Sql.Runtime;

/// <summary>
/// What a regular join computes: which sides are outer, the join key columns of each input, the
/// inputs' and the output's types, the residual condition (compiled over the left columns then the
/// right ones, to one BOOLEAN NOT NULL column: the condition IS TRUE), the state TTL (0: kept forever),
/// each side's unique key (its columns; null: none known), by which a side keeps one row per key, and the
/// state retention by watermark of an inner join's side (null: rows are kept until retracted or the TTL).
/// </summary>
public sealed record JoinOperatorSpec(bool LeftOuter, bool RightOuter, RowKeys LeftKeys, RowKeys RightKeys, IReadOnlyList<SqlType> LeftTypes, IReadOnlyList<SqlType> RightTypes,
    IReadOnlyList<SqlType> OutputTypes, CalcProgram? Residual, long TtlMillis, bool BatchMode, IReadOnlyList<bool>? NullSafe = null,
    int[]? LeftUniqueKey = null, int[]? RightUniqueKey = null, JoinRetention? Retention = null)
{
    /// <summary>Of one side's key columns, those where a NULL matches nothing (all but the IS NOT DISTINCT FROM pairs').</summary>
    public int[] NullFiltered(RowKeys keys) => keys.Columns.Where((_, k) => NullSafe is not { } nullSafe || !nullSafe[k]).ToArray();
}

/// <summary>
/// A regular join in streaming mode, as Flink's StreamingJoinOperator: input 0 is the left side,
/// input 1 the right, both keyed by the join key. Each row is kept in its side's state with its
/// multiplicity and joined with the other side's rows of its key that pass the residual condition.
/// Retractions (-U/-D) take a row back out and retract what it joined. An outer side's row without
/// a match is emitted padded with nulls (+I), and that padded row is retracted (-D) when its first
/// match comes and emitted again when its last match goes: each outer row counts its associations.
/// An inner join of two insert-only inputs emits only inserts; otherwise rows keep their input's
/// kind where Flink keeps it. A row with a NULL in a key compared by = matches nothing (NULL matches
/// NULL in one compared by IS NOT DISTINCT FROM). In batch mode rows are only stored, and the join's
/// rows are emitted at end of input.
/// </summary>
public sealed class StreamingJoinOperator : SqlOperator
{
    private readonly JoinOperatorSpec _spec;
    private readonly RowKeys _leftKeys;
    private readonly RowKeys _rightKeys;
    private readonly int[] _leftNullFiltered;
    private readonly int[] _rightNullFiltered;

    /// <summary>Streaming output: rows of the input batch beside rows of the other side's state.</summary>
    private readonly JoinPairs _pairs;

    /// <summary>The candidate pairs of a batch that the residual condition decides on.</summary>
    private readonly JoinPairs _candidatePairs;

    /// <summary>Batch mode's result at end of input: rows of both sides' state.</summary>
    private readonly RowBuilder _output;
    private readonly RowBuilder _candidates;

    /// <summary>The keys of the batch being processed, and (an inner join with a residual condition) which of its candidate pairs are output, of what kind.</summary>
    private readonly BatchKeys _batchKeys = new();
    private readonly List<int> _selected = [];
    private readonly List<RowKind> _selectedKinds = [];

    /// <summary>Per row of the batch being processed, the other side's rows of its key (reused: nothing keeps it past the batch).</summary>
    private List<JoinRecordState.Record>[] _candidateLists = [];
    private JoinRecordState _left = null!;
    private JoinRecordState _right = null!;

    public StreamingJoinOperator(string name, JoinOperatorSpec spec, int inputCount = 2)
        : base(name, inputCount)
    {
        _spec = spec;
        _leftKeys = spec.LeftKeys.Copy();
        _rightKeys = spec.RightKeys.Copy();
        _leftNullFiltered = spec.NullFiltered(spec.LeftKeys);
        _rightNullFiltered = spec.NullFiltered(spec.RightKeys);
        _pairs = new JoinPairs(spec.LeftTypes, spec.RightTypes);
        _candidatePairs = new JoinPairs(spec.LeftTypes, spec.RightTypes);
        _output = new RowBuilder(spec.OutputTypes);
        _candidates = new RowBuilder([.. spec.LeftTypes, .. spec.RightTypes]);
    }

    public override void Open(TaskContext context)
    {
        base.Open(context);
        var leftId = JoinRecordState.StateIdFor(StateKey, "left", _spec.LeftOuter, _spec.TtlMillis, _spec.LeftUniqueKey is not null);
        var rightId = JoinRecordState.StateIdFor(StateKey, "right", _spec.RightOuter, _spec.TtlMillis, _spec.RightUniqueKey is not null);
        if (_spec.TtlMillis > 0)
        {
            // Flink's SQL state TTL: written entries live that long, cleaned in the background.
            context.StateTtls.Declare(leftId, _spec.TtlMillis, "background");
            context.StateTtls.Declare(rightId, _spec.TtlMillis, "background");
        }

        RefuseOtherLayout(context.State, "left", leftId);
        RefuseOtherLayout(context.State, "right", rightId);
        _left = new JoinRecordState(context.State, leftId, _spec.LeftTypes, _spec.LeftOuter, _spec.TtlMillis, _spec.LeftUniqueKey);
        _right = new JoinRecordState(context.State, rightId, _spec.RightTypes, _spec.RightOuter, _spec.TtlMillis, _spec.RightUniqueKey);
        if (_spec.Retention is { } retention)
            (retention.DropLeft ? _left : _right).ExpireByTime(retention.TimeColumn);
    }

    /// <summary>
    /// The aligned side's watermark moved: the other side's rows that no later row of it can match go, and such rows that come
    /// later are joined but not kept (the aligned side may run ahead of the other, or end first, and send no later watermark).
    /// </summary>
    protected override void OnInputWatermark(int input, long watermark)
    {
        if (_spec.Retention is { } retention && input == retention.AlignedInput && !_spec.BatchMode)
            (retention.DropLeft ? _left : _right).Expire(retention.Threshold(watermark));
    }

    /// <summary>
    /// A restored side whose rows were saved in another layout (by a join planned as outer or with a TTL
    /// where it is now neither, or the reverse; with a unique key where it now has none, or the reverse;
    /// or by an older PyStream) would be silently empty: refused.
    /// </summary>
    private void RefuseOtherLayout(IKeyedStateStore store, string side, string stateId)
    {
        foreach (var unique in (bool[])[false, true])
        {
            foreach (var outer in (bool[])[false, true])
            {
                var otherId = JoinRecordState.StateIdFor(StateKey, side, outer, ttlMillis: 0, unique);
                if (otherId != stateId && store.Entries(otherId).Any())
                    throw new PyStreamException(
                        $"the join '{StateKey}' cannot restore its {side} rows: they were saved as {Layout(outer, unique)}, and this join keeps "
                        + $"{Layout(stateId.StartsWith(StateKeys.MapPrefix, StringComparison.Ordinal), stateId.EndsWith("-unique", StringComparison.Ordinal))} (an outer side or one "
                        + "with table.exec.state.ttl keeps a map state, an inner side without one a list state; a side with a unique key keeps one row per key; PyStream "
                        + "before 2026-12-06 kept a map state for every side); restore with the query and settings that took the checkpoint");
            }
        }
    }

    private static string Layout(bool map, bool unique) => (map ? "a map state" : "a list state") + (unique ? " of one row per unique key" : " of every copy of every row");

    public override void SnapshotState(CheckpointBarrier barrier, IDictionary<string, byte[]> states)
    {
        _left.Flush();
        _right.Flush();
        base.SnapshotState(barrier, states);
    }

    private long Now => Context.Time.GetUtcNow().ToUnixTimeMilliseconds();

    protected override void ProcessRows(int input, RowBatch rows)
    {
        ProcessBatchRows(input, rows);
        Array.Clear(_candidateLists, 0, Math.Min(rows.Count, _candidateLists.Length));

        // The batch's output is built: the rows it took out of state may be overwritten.
        _left.Recycle();
        _right.Recycle();
    }

    private void ProcessBatchRows(int input, RowBatch rows)
    {
        var isLeft = input == 0;
        var now = Now;
        _batchKeys.Fill(isLeft ? _leftKeys : _rightKeys, isLeft ? _leftNullFiltered : _rightNullFiltered, rows);
        if (_spec.BatchMode)
        {
            _pairs.Begin(rows, isLeft);
            for (var i = 0; i < rows.Count; i++)
                Store(isLeft, _batchKeys[i], _batchKeys.HasNull(i), rows, i, now);
            EmitRows(_pairs.Take());
            return;
        }

        var candidates = Candidates(isLeft, rows, now, out var pairs);
        if (_spec.Residual is not null && !_spec.LeftOuter && !_spec.RightOuter)
        {
            ProcessInner(isLeft, rows, candidates, pairs, now);
            return;
        }

        var matches = _spec.Residual is null || pairs == 0 ? candidates : Passing(rows, candidates, ResidualPassed(rows, isLeft, candidates, pairs));
        _pairs.Begin(rows, isLeft);
        for (var i = 0; i < rows.Count; i++)
        {
            Process(isLeft, _batchKeys[i], _batchKeys.HasNull(i), rows, i, matches[i], now);
            if (_pairs.Count >= 8192)
                EmitRows(_pairs.Take());
        }

        EmitRows(_pairs.Take());
    }

    /// <summary>
    /// The other side's rows of each row's join key; <paramref name="pairs"/> counts them all. The other
    /// side does not change while this side's batch is processed (but for associations, which live in
    /// the shared records), so each key's rows are read once: a list side caches them itself.
    /// </summary>
    private List<JoinRecordState.Record>[] Candidates(bool isLeft, RowBatch rows, long now, out int pairs)
    {
        var otherState = isLeft ? _right : _left;
        var byKey = otherState.Outer || _spec.TtlMillis > 0 ? new Dictionary<byte[], List<JoinRecordState.Record>>(Engine.State.ByteArrayComparer.Instance) : null;
        if (_candidateLists.Length < rows.Count)
            _candidateLists = new List<JoinRecordState.Record>[Math.Max(rows.Count, _candidateLists.Length * 2)];
        var candidates = _candidateLists;
        pairs = 0;
        for (var i = 0; i < rows.Count; i++)
        {
            if (_batchKeys.HasNull(i))
            {
                candidates[i] = NoRecords;
                continue;
            }

            var key = _batchKeys[i];
            List<JoinRecordState.Record>? records;
            if (byKey is null)
                records = otherState.Records(key, now);
            else if (!byKey.GetAlternateLookup<ReadOnlySpan<byte>>().TryGetValue(key, out records))
                byKey.Add(key.ToArray(), records = otherState.Records(key, now));
            candidates[i] = records;
            pairs += records.Count;
        }

        return candidates;
    }

    private static readonly List<JoinRecordState.Record> NoRecords = [];

    /// <summary>
    /// Adds every candidate pair of the batch (its rows beside their candidates, in order) to <see cref="_candidatePairs"/>
    /// and runs the residual condition over them; of the pairs only the columns the condition reads are built.
    /// </summary>
    private (Column?[] Read, bool[] Passed) RunResidual(RowBatch rows, bool isLeft, List<JoinRecordState.Record>[] candidates, int pairs)
    {
        _candidatePairs.Begin(rows, isLeft);
        for (var i = 0; i < rows.Count; i++)
        {
            foreach (var other in candidates[i])
                _candidatePairs.Add(RowKind.Insert, i, other);
        }

        var read = _candidatePairs.Columns(_spec.Residual!.ColumnsRead);
        return (read, _spec.Residual.RunCondition(read, pairs));
    }

    private bool[] ResidualPassed(RowBatch rows, bool isLeft, List<JoinRecordState.Record>[] candidates, int pairs)
    {
        var passed = RunResidual(rows, isLeft, candidates, pairs).Passed;
        _candidatePairs.Clear();
        return passed;
    }

    /// <summary>Each row's candidates that passed the residual condition; a row whose candidates all passed keeps the (shared) list.</summary>
    private static List<JoinRecordState.Record>[] Passing(RowBatch rows, List<JoinRecordState.Record>[] candidates, bool[] passed)
    {
        var at = 0;
        for (var i = 0; i < rows.Count; i++)
        {
            var count = candidates[i].Count;
            if (Array.IndexOf(passed, false, at, count) >= 0)
            {
                var matched = new List<JoinRecordState.Record>();
                for (var c = 0; c < count; c++)
                {
                    if (passed[at + c])
                        matched.Add(candidates[i][c]);
                }

                candidates[i] = matched;
            }

            at += count;
        }

        return candidates;
    }

    /// <summary>
    /// An inner join with a residual condition: its output is the candidate pairs that passed, each once
    /// per copy of the other side's row and of its input row's kind, so it is selected from the pairs the
    /// condition ran over: each output column is gathered once, for the selected pairs (the condition's own
    /// columns are reused when every pair passed once).
    /// </summary>
    private void ProcessInner(bool isLeft, RowBatch rows, List<JoinRecordState.Record>[] candidates, int pairs, long now)
    {
        var inputState = isLeft ? _left : _right;
        var (read, passed) = pairs == 0 ? (null, []) : RunResidual(rows, isLeft, candidates, pairs);
        _selected.Clear();
        _selectedKinds.Clear();
        var at = 0;
        var allInserts = true;
        var allOnce = true;
        for (var i = 0; i < rows.Count; i++)
        {
            var kind = rows.KindAt(i);
            allInserts &= kind == RowKind.Insert;
            var rowCandidates = candidates[i];
            for (var c = 0; c < rowCandidates.Count; c++, at++)
            {
                allOnce &= passed[at] && rowCandidates[c].Count == 1;
                if (!passed[at])
                    continue;
                for (var t = 0; t < rowCandidates[c].Count; t++)
                {
                    _selected.Add(at);
                    _selectedKinds.Add(kind);
                }
            }

            if (_batchKeys.HasNull(i))
                continue;
            if (kind.IsAccumulate())
                inputState.Add(_batchKeys[i], rows, i, 0, now);
            else
                inputState.Retract(_batchKeys[i], rows, i, now);
        }

        if (read is null)
            return;
        if (_selected.Count == 0)
        {
            _candidatePairs.Clear();
            return;
        }

        var kinds = allInserts ? null : _selectedKinds.ToArray();
        EmitRows(_candidatePairs.TakeSelected(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_selected), kinds, read, everyRow: allOnce));
    }

    private void Process(bool isLeft, ReadOnlySpan<byte> key, bool nullKey, RowBatch rows, int row, List<JoinRecordState.Record> matches, long now)
    {
        var (inputState, otherState) = isLeft ? (_left, _right) : (_right, _left);
        var kind = rows.KindAt(row);
        if (kind.IsAccumulate())
        {
            if (matches.Count == 0 && inputState.Outer)
            {
                _pairs.Add(RowKind.Insert, row, null);
                if (!nullKey)
                    inputState.Add(key, rows, row, 0, now);
                return;
            }

            // The other side's outer rows matched for the first time lose their null-padded row.
            if (otherState.Outer)
            {
                foreach (var other in matches)
                {
                    if (other.Associations == 0)
                        PaddedOther(RowKind.Delete, other);
                    otherState.UpdateAssociations(key, other, other.Associations + 1, now);
                }
            }

            var joinedKind = inputState.Outer || otherState.Outer ? RowKind.Insert : kind;
            foreach (var other in matches)
                Joined(joinedKind, row, other);
            if (!nullKey)
                inputState.Add(key, rows, row, inputState.Outer ? matches.Sum(m => m.Count) : 0, now);
            return;
        }

        if (!nullKey)
            inputState.Retract(key, rows, row, now);
        if (matches.Count == 0)
        {
            if (inputState.Outer)
                _pairs.Add(RowKind.Delete, row, null);
            return;
        }

        foreach (var other in matches)
            Joined(inputState.Outer ? RowKind.Delete : kind, row, other);

        // The other side's outer rows that lose their last match get their null-padded row back.
        if (otherState.Outer)
        {
            foreach (var other in matches)
            {
                if (other.Associations == 1)
                    PaddedOther(RowKind.Insert, other);
                otherState.UpdateAssociations(key, other, other.Associations - 1, now);
            }
        }
    }

    /// <summary>Input row <paramref name="row"/> joined with <paramref name="other"/>, once per copy of the other row.</summary>
    private void Joined(RowKind kind, int row, JoinRecordState.Record other)
    {
        for (var t = 0; t < other.Count; t++)
            _pairs.Add(kind, row, other);
    }

    /// <summary>The other side's row padded with nulls, once per copy of it.</summary>
    private void PaddedOther(RowKind kind, JoinRecordState.Record other)
    {
        for (var t = 0; t < other.Count; t++)
            _pairs.Add(kind, -1, other);
    }

    /// <summary>The other side's rows that join <paramref name="row"/>: all of its key's, less those the residual condition rejects.</summary>
    private List<JoinRecordState.Record> Matching(bool isLeft, object?[] row, List<JoinRecordState.Record> candidates)
    {
        if (_spec.Residual is null || candidates.Count == 0)
            return candidates;
        foreach (var other in candidates)
            _candidates.Add(RowKind.Insert, isLeft ? [.. row, .. other.Row] : [.. other.Row, .. row]);
        var passed = (Column<bool>)_spec.Residual.Run(_candidates.Take()!)!.Columns[0];
        return candidates.Where((_, i) => passed.Values[i]).ToList();
    }

    private void Joined(RowKind kind, object?[] row, object?[] other, bool isLeft, int times)
    {
        object?[] joined = isLeft ? [.. row, .. other] : [.. other, .. row];
        for (var t = 0; t < times; t++)
            _output.Add(kind, joined);
    }

    private void Padded(RowKind kind, object?[] row, bool isLeft, int times)
    {
        object?[] padded = isLeft ? [.. row, .. new object?[_spec.RightTypes.Count]] : [.. new object?[_spec.LeftTypes.Count], .. row];
        for (var t = 0; t < times; t++)
            _output.Add(kind, padded);
    }

    /// <summary>Batch mode: only the state changes; an outer row that can match nothing (a NULL key) is out at once.</summary>
    private void Store(bool isLeft, ReadOnlySpan<byte> key, bool nullKey, RowBatch rows, int row, long now)
    {
        var state = isLeft ? _left : _right;
        var kind = rows.KindAt(row);
        if (nullKey)
        {
            if (state.Outer && kind.IsAccumulate())
                _pairs.Add(RowKind.Insert, row, null);
            return;
        }

        if (kind.IsAccumulate())
            state.Add(key, rows, row, 0, now);
        else
            state.Retract(key, rows, row, now);
    }

    protected override void Finish()
    {
        if (_spec.BatchMode)
            EmitBatchResult();
        base.Finish();
    }

    /// <summary>Every join key's rows joined, and the outer sides' rows that matched nothing padded with nulls.</summary>
    private void EmitBatchResult()
    {
        var now = Now;
        var keys = _left.Keys().Concat(_right.Keys()).Distinct(Engine.State.ByteArrayComparer.Instance).ToList();
        foreach (var key in keys)
        {
            var rights = _right.Records(key, now);
            var rightMatched = new bool[rights.Count];
            foreach (var left in _left.Records(key, now))
            {
                var matches = Matching(true, left.Row, rights);
                foreach (var right in matches)
                {
                    rightMatched[rights.IndexOf(right)] = true;
                    Joined(RowKind.Insert, left.Row, right.Row, true, left.Count * right.Count);
                }

                if (matches.Count == 0 && _spec.LeftOuter)
                    Padded(RowKind.Insert, left.Row, true, left.Count);
            }

            for (var r = 0; r < rights.Count && _spec.RightOuter; r++)
            {
                if (!rightMatched[r])
                    Padded(RowKind.Insert, rights[r].Row, false, rights[r].Count);
            }

            if (_output.Count >= 8192)
                EmitRows(_output.Take());
        }

        EmitRows(_output.Take());
    }
}
