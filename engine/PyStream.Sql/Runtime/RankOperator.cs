using PyStream.Engine.Checkpointing;
using PyStream.Engine.Records;
using PyStream.Engine.Runtime;
using PyStream.Engine.State;
using PyStream.Sql.Planning;
using PyStream.Sql.Types;

namespace PyStream.Sql.Runtime;

/// <summary>What a Top-N keeps: the sort keys, the rank range, whether the rank is a column of the output.</summary>
public sealed record RankSpec(IReadOnlyList<SortKey> OrderKeys, long RankStart, long RankEnd, bool OutputRankNumber);

/// <summary>
/// Top-N per partition (Flink's AppendOnlyTopNFunction and RetractableTopNFunction). On an
/// append-only input (<paramref name="appendOnly"/>) a partition keeps at most N rows: a row that
/// does not sort before the N-th is dropped at once. On an updating input it keeps every row, so
/// a retraction lets the rows below move up. Each change emits what changed in the ranks shown:
/// with the rank in the output (or a range that starts after rank 1), -U/+U for every rank whose
/// row changed (+I for a rank newly filled, -D for one emptied); otherwise -D for rows that left
/// the range, then +I for rows that entered it, so rows that only moved within it are not sent again.
/// In batch mode nothing is emitted until the end of input, then each partition's ranks, +I.
/// With <c>table.exec.state.ttl</c> (<paramref name="stateTtlMillis"/>) a row is forgotten that
/// long after it was written, without emitting anything (as Flink's TTL).
/// </summary>
public sealed class RankOperator(string name, RowKeys keys, RankSpec spec, bool appendOnly, IReadOnlyList<SqlType> inputTypes, IReadOnlyList<SqlType> outputTypes, int inputCount = 1,
    bool batchMode = false, long stateTtlMillis = 0)
    : SqlOperator(name, inputCount)
{
    private readonly RowBuilder _output = new(outputTypes);
    private readonly RowOrdering _ordering = new(spec.OrderKeys);
    private RankRowStore? _store;

    private RankRowStore Store => _store ?? throw new InvalidOperationException("the rank is not open");

    public override void Open(TaskContext context)
    {
        base.Open(context);
        var stateId = StateKeys.MapPrefix + StateKey + "/rows";
        _store = new RankRowStore(context.State, stateId, _ordering, inputTypes, StateRetention.For(stateTtlMillis, context, stateId));
    }

    public override void SnapshotState(CheckpointBarrier barrier, IDictionary<string, byte[]> states)
    {
        Store.Flush();
        base.SnapshotState(barrier, states);
    }

    protected override void ProcessRows(int input, RowBatch rows)
    {
        // An append-only rank first compares the sort columns alone: most rows do not make the top N.
        var sortColumns = new object?[inputTypes.Count];
        for (var i = 0; i < rows.Count; i++)
        {
            var key = keys.KeyOf(rows, i);
            var accumulate = rows.KindAt(i).IsAccumulate();
            if (accumulate && appendOnly)
            {
                var partition = Store.Rows(key);
                if (partition.Count >= spec.RankEnd)
                {
                    foreach (var sortKey in spec.OrderKeys)
                        sortColumns[sortKey.Column] = rows.Columns[sortKey.Column].GetBoxed(i);
                    if (_ordering.Compare(sortColumns, partition[(int)spec.RankEnd - 1].Row) >= 0)
                        continue; // not before the N-th row: it can never rank
                }
            }

            var row = new object?[inputTypes.Count];
            for (var c = 0; c < row.Length; c++)
                row[c] = rows.Columns[c].GetBoxed(i);
            if (accumulate)
                Accumulate(key, row);
            else
                Retract(key, row);
        }

        EmitRows(_output.Take());
    }

    private void Accumulate(byte[] key, object?[] row)
    {
        var partition = Store.Rows(key);
        var end = spec.RankEnd;
        if (appendOnly && partition.Count >= end && _ordering.Compare(row, partition[(int)end - 1].Row) >= 0)
            return;
        var position = partition.PositionOf(row);
        var before = position < end ? partition.Ranks(spec.RankStart, end) : null;
        Store.Put(key, partition, partition.InsertAt(position, row));
        if (appendOnly)
        {
            while (partition.Count > end)
                Store.Remove(key, partition.RemoveAt(partition.Count - 1));
        }

        if (before is not null && !batchMode)
            EmitChanges(before, partition.Ranks(spec.RankStart, end));
    }

    private void Retract(byte[] key, object?[] row)
    {
        var partition = Store.Rows(key);
        var position = partition.IndexOf(row);
        if (position < 0)
            return; // a row this rank never kept (its state expired, or it never ranked in an append-only rank): ignored, as Flink does
        var before = position < spec.RankEnd ? partition.Ranks(spec.RankStart, spec.RankEnd) : null;
        Store.Remove(key, partition.RemoveAt(position));
        if (before is not null && !batchMode)
            EmitChanges(before, partition.Ranks(spec.RankStart, spec.RankEnd));
    }

    protected override void Finish()
    {
        if (batchMode)
        {
            foreach (var key in Store.StoredPartitions().ToList())
            {
                var ranked = Store.Rows(key).Ranks(spec.RankStart, spec.RankEnd);
                for (var r = 0; r < ranked.Length; r++)
                    _output.Add(RowKind.Insert, Output(ranked[r].Row, spec.RankStart + r));
                if (_output.Count >= 8192)
                    EmitRows(_output.Take());
            }

            EmitRows(_output.Take());
        }

        base.Finish();
    }

    private void EmitChanges(RankedRow[] before, RankedRow[] after)
    {
        // As Flink: ranks with an offset are followed rank by rank even without the rank in the output.
        if (spec.OutputRankNumber || spec.RankStart > 1)
        {
            for (var r = 0; r < Math.Max(before.Length, after.Length); r++)
            {
                var (old, now) = (r < before.Length ? before[r] : null, r < after.Length ? after[r] : null);
                if (ReferenceEquals(old, now))
                    continue;
                var rank = spec.RankStart + r;
                if (old is not null)
                    _output.Add(now is null ? RowKind.Delete : RowKind.UpdateBefore, Output(old.Row, rank));
                if (now is not null)
                    _output.Add(old is null ? RowKind.Insert : RowKind.UpdateAfter, Output(now.Row, rank));
            }

            return;
        }

        foreach (var old in before)
        {
            if (Array.IndexOf(after, old) < 0)
                _output.Add(RowKind.Delete, old.Row);
        }

        foreach (var now in after)
        {
            if (Array.IndexOf(before, now) < 0)
                _output.Add(RowKind.Insert, now.Row);
        }
    }

    private object?[] Output(object?[] row, long rank) => spec.OutputRankNumber ? WithRank(row, rank) : row;

    internal static object?[] WithRank(object?[] row, long rank)
    {
        var ranked = new object?[row.Length + 1];
        Array.Copy(row, ranked, row.Length);
        ranked[^1] = rank;
        return ranked;
    }
}
