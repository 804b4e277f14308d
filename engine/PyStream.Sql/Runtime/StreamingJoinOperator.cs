using PyStream.Engine.Records;
using PyStream.Engine.Runtime;
using PyStream.Engine.State;
using PyStream.Sql.Compiling;
using PyStream.Sql.Types;

namespace PyStream.Sql.Runtime;

/// <summary>
/// What a regular join computes: which sides are outer, the join key columns of each input, the
/// inputs' and the output's types, the residual condition (compiled over the left columns then the
/// right ones, to one BOOLEAN NOT NULL column: the condition IS TRUE), the state TTL (0: kept forever).
/// </summary>
public sealed record JoinOperatorSpec(bool LeftOuter, bool RightOuter, RowKeys LeftKeys, RowKeys RightKeys, IReadOnlyList<SqlType> LeftTypes, IReadOnlyList<SqlType> RightTypes,
    IReadOnlyList<SqlType> OutputTypes, CalcProgram? Residual, long TtlMillis, bool BatchMode);

/// <summary>
/// A regular join in streaming mode, as Flink's StreamingJoinOperator: input 0 is the left side,
/// input 1 the right, both keyed by the join key. Each row is kept in its side's state with its
/// multiplicity and joined with the other side's rows of its key that pass the residual condition.
/// Retractions (-U/-D) take a row back out and retract what it joined. An outer side's row without
/// a match is emitted padded with nulls (+I), and that padded row is retracted (-D) when its first
/// match comes and emitted again when its last match goes: each outer row counts its associations.
/// An inner join of two insert-only inputs emits only inserts; otherwise rows keep their input's
/// kind where Flink keeps it. A row whose join key has a NULL matches nothing. In batch mode rows
/// are only stored, and the join's rows are emitted at end of input.
/// </summary>
public sealed class StreamingJoinOperator : SqlOperator
{
    private readonly JoinOperatorSpec _spec;
    private readonly RowKeys _leftKeys;
    private readonly RowKeys _rightKeys;
    private readonly RowBuilder _output;
    private readonly RowBuilder _candidates;
    private JoinRecordState _left = null!;
    private JoinRecordState _right = null!;

    public StreamingJoinOperator(string name, JoinOperatorSpec spec, int inputCount = 2)
        : base(name, inputCount)
    {
        _spec = spec;
        _leftKeys = spec.LeftKeys.Copy();
        _rightKeys = spec.RightKeys.Copy();
        _output = new RowBuilder(spec.OutputTypes);
        _candidates = new RowBuilder([.. spec.LeftTypes, .. spec.RightTypes]);
    }

    public override void Open(TaskContext context)
    {
        base.Open(context);
        var leftId = StateKeys.MapPrefix + StateKey + "/left";
        var rightId = StateKeys.MapPrefix + StateKey + "/right";
        if (_spec.TtlMillis > 0)
        {
            // Flink's SQL state TTL: written entries live that long, cleaned in the background.
            context.StateTtls.Declare(leftId, _spec.TtlMillis, "background");
            context.StateTtls.Declare(rightId, _spec.TtlMillis, "background");
        }

        _left = new JoinRecordState(context.State, leftId, _spec.LeftTypes, _spec.LeftOuter, _spec.TtlMillis);
        _right = new JoinRecordState(context.State, rightId, _spec.RightTypes, _spec.RightOuter, _spec.TtlMillis);
    }

    private long Now => Context.Time.GetUtcNow().ToUnixTimeMilliseconds();

    protected override void ProcessRows(int input, RowBatch rows)
    {
        var isLeft = input == 0;
        var keys = isLeft ? _leftKeys : _rightKeys;
        var now = Now;
        var batchKeys = new byte[rows.Count][];
        var nullKeys = new bool[rows.Count];
        var inputRows = new object?[rows.Count][];
        for (var i = 0; i < rows.Count; i++)
        {
            var row = new object?[rows.Columns.Length];
            for (var c = 0; c < row.Length; c++)
                row[c] = rows.Columns[c].GetBoxed(i);
            foreach (var c in keys.Columns)
                nullKeys[i] |= row[c] is null;
            inputRows[i] = row;
            batchKeys[i] = keys.KeyOf(rows, i);
        }

        var matches = _spec.BatchMode ? null : MatchingAll(isLeft, inputRows, batchKeys, nullKeys, now);
        for (var i = 0; i < rows.Count; i++)
        {
            if (matches is null)
                Store(isLeft, batchKeys[i], nullKeys[i], inputRows[i], rows.KindAt(i), now);
            else
                Process(isLeft, batchKeys[i], nullKeys[i], inputRows[i], rows.KindAt(i), matches[i], now);
            if (_output.Count >= 8192)
                EmitRows(_output.Take());
        }

        EmitRows(_output.Take());
    }

    /// <summary>
    /// The other side's rows that join each row of a batch, the residual condition run once over all
    /// the batch's candidate pairs. The other side does not change while this side's batch is processed
    /// (but for associations, which live in the shared records), so each key's rows are read once.
    /// </summary>
    private List<JoinRecordState.Record>[] MatchingAll(bool isLeft, object?[][] inputRows, byte[][] batchKeys, bool[] nullKeys, long now)
    {
        var otherState = isLeft ? _right : _left;
        var byKey = new Dictionary<byte[], List<JoinRecordState.Record>>(Engine.State.ByteArrayComparer.Instance);
        var candidates = new List<JoinRecordState.Record>[inputRows.Length];
        var pairs = 0;
        for (var i = 0; i < inputRows.Length; i++)
        {
            if (nullKeys[i])
            {
                candidates[i] = [];
                continue;
            }

            if (!byKey.TryGetValue(batchKeys[i], out var records))
                byKey.Add(batchKeys[i], records = otherState.Records(batchKeys[i], now));
            candidates[i] = records;
            pairs += records.Count;
        }

        if (_spec.Residual is null || pairs == 0)
            return candidates;
        for (var i = 0; i < inputRows.Length; i++)
        {
            foreach (var other in candidates[i])
                _candidates.Add(RowKind.Insert, isLeft ? [.. inputRows[i], .. other.Row] : [.. other.Row, .. inputRows[i]]);
        }

        var passed = ((Column<bool>)_spec.Residual.Run(_candidates.Take()!)!.Columns[0]).Values;
        var at = 0;
        for (var i = 0; i < inputRows.Length; i++)
        {
            var matched = new List<JoinRecordState.Record>();
            foreach (var other in candidates[i])
            {
                if (passed[at++])
                    matched.Add(other);
            }

            candidates[i] = matched;
        }

        return candidates;
    }

    private void Process(bool isLeft, byte[] key, bool nullKey, object?[] row, RowKind kind, List<JoinRecordState.Record> matches, long now)
    {
        var (inputState, otherState) = isLeft ? (_left, _right) : (_right, _left);
        var bytes = inputState.Encode(row);
        if (kind.IsAccumulate())
        {
            if (matches.Count == 0 && inputState.Outer)
            {
                Padded(RowKind.Insert, row, isLeft, 1);
                if (!nullKey)
                    inputState.Add(key, bytes, 0, now);
                return;
            }

            // The other side's outer rows matched for the first time lose their null-padded row.
            if (otherState.Outer)
            {
                foreach (var other in matches)
                {
                    if (other.Associations == 0)
                        Padded(RowKind.Delete, other.Row, !isLeft, other.Count);
                    otherState.UpdateAssociations(key, other, other.Associations + 1, now);
                }
            }

            var joinedKind = inputState.Outer || otherState.Outer ? RowKind.Insert : kind;
            foreach (var other in matches)
                Joined(joinedKind, row, other.Row, isLeft, other.Count);
            if (!nullKey)
                inputState.Add(key, bytes, inputState.Outer ? matches.Sum(m => m.Count) : 0, now);
            return;
        }

        if (!nullKey)
            inputState.Retract(key, bytes, now);
        if (matches.Count == 0)
        {
            if (inputState.Outer)
                Padded(RowKind.Delete, row, isLeft, 1);
            return;
        }

        foreach (var other in matches)
            Joined(inputState.Outer ? RowKind.Delete : kind, row, other.Row, isLeft, other.Count);

        // The other side's outer rows that lose their last match get their null-padded row back.
        if (otherState.Outer)
        {
            foreach (var other in matches)
            {
                if (other.Associations == 1)
                    Padded(RowKind.Insert, other.Row, !isLeft, other.Count);
                otherState.UpdateAssociations(key, other, other.Associations - 1, now);
            }
        }
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
    private void Store(bool isLeft, byte[] key, bool nullKey, object?[] row, RowKind kind, long now)
    {
        var state = isLeft ? _left : _right;
        if (nullKey)
        {
            if (state.Outer && kind.IsAccumulate())
                Padded(RowKind.Insert, row, isLeft, 1);
            return;
        }

        if (kind.IsAccumulate())
            state.Add(key, state.Encode(row), 0, now);
        else
            state.Retract(key, state.Encode(row), now);
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
        var keys = Owners(_left).Concat(Owners(_right)).Distinct(Engine.State.ByteArrayComparer.Instance).ToList();
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

    private IEnumerable<byte[]> Owners(JoinRecordState state) =>
        Context.State.Entries(state.StateId).Select(e => MapEntryKey.Owner(state.StateId, e.Key).ToArray()).Distinct(Engine.State.ByteArrayComparer.Instance).ToList();
}
