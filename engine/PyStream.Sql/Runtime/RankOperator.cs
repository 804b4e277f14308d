using PyStream.Engine.Checkpointing;
using PyStream.Engine.Records;
using PyStream.Engine.Runtime;
using PyStream.Engine.State;
using PyStream.Sql.Planning;
using PyStream.Sql.Types;

namespace PyStream.Sql.Runtime;

/// <summary>What a Top-N keeps: the sort keys, the rank range, whether the rank is a column of the output.</summary>
public sealed record RankSpec(IReadOnlyList<SortKey> OrderKeys, long RankStart, long RankEnd, bool OutputRankNumber)
{
    /// <summary>Checks that a rank's output is its input's columns, then the rank when it is shown.</summary>
    public void CheckOutput(IReadOnlyList<SqlType> inputTypes, IReadOnlyList<SqlType> outputTypes)
    {
        var expected = inputTypes.Count + (OutputRankNumber ? 1 : 0);
        if (outputTypes.Count != expected)
            throw new ArgumentException($"a rank of {inputTypes.Count} columns outputs {expected}, not {outputTypes.Count}", nameof(outputTypes));
    }
}

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
    private RankRowStore? _store;
    private SlotRowBuilder? _output;

    /// <summary>The ranks shown before and after a change (reused buffers).</summary>
    private RankedRow[] _before = [];
    private RankedRow[] _after = [];

    private RankRowStore Store => _store ?? throw new InvalidOperationException("the rank is not open");

    private SlotRowBuilder Output => _output ?? throw new InvalidOperationException("the rank is not open");

    public override void Open(TaskContext context)
    {
        spec.CheckOutput(inputTypes, outputTypes);
        base.Open(context);
        var stateId = StateKeys.MapPrefix + StateKey + "/rows";
        _store = new RankRowStore(context.State, stateId, spec.OrderKeys, inputTypes, StateRetention.For(stateTtlMillis, context, stateId));
        _output = new SlotRowBuilder(_store.Arena, spec.OutputRankNumber);
    }

    public override void SnapshotState(CheckpointBarrier barrier, IDictionary<string, byte[]> states)
    {
        Store.Flush();
        base.SnapshotState(barrier, states);
    }

    protected override void ProcessRows(int input, RowBatch rows)
    {
        for (var i = 0; i < rows.Count; i++)
        {
            var partition = Store.Rows(keys, rows, i);
            if (rows.KindAt(i).IsAccumulate())
                Accumulate(partition, rows, i);
            else
                Retract(partition, rows, i);
            if (Output.Full)
                EmitRows(Output.Take());
        }

        EmitRows(Output.Take());
    }

    private void Accumulate(RankBuffer partition, RowBatch rows, int row)
    {
        var end = spec.RankEnd;
        // An append-only rank keeps N rows: a row that does not sort before the N-th can never rank.
        if (appendOnly && partition.Count >= end && !partition.SortsBefore(rows, row, (int)end - 1))
            return;
        var position = partition.PositionOf(rows, row);
        var shown = position < end && !batchMode;
        var before = shown ? partition.CopyRanks(spec.RankStart, end, ref _before) : 0;
        Store.Insert(partition, position, rows, row);
        if (appendOnly)
        {
            while (partition.Count > end)
                Store.RemoveAt(partition, partition.Count - 1);
        }

        if (shown)
            EmitChanges(before, partition);
    }

    private void Retract(RankBuffer partition, RowBatch rows, int row)
    {
        var position = partition.IndexOf(rows, row);
        if (position < 0)
            return; // a row this rank never kept (its state expired, or it never ranked in an append-only rank): ignored, as Flink does
        var shown = position < spec.RankEnd && !batchMode;
        var before = shown ? partition.CopyRanks(spec.RankStart, spec.RankEnd, ref _before) : 0;
        Store.RemoveAt(partition, position);
        if (shown)
            EmitChanges(before, partition);
    }

    protected override void Finish()
    {
        if (batchMode)
        {
            foreach (var key in Store.StoredPartitions().ToList())
            {
                var ranked = Store.Rows(key).CopyRanks(spec.RankStart, spec.RankEnd, ref _after);
                for (var r = 0; r < ranked; r++)
                    Output.Add(RowKind.Insert, _after[r].Slot, spec.RankStart + r);
                if (Output.Full)
                    EmitRows(Output.Take());
            }

            EmitRows(Output.Take());
        }

        base.Finish();
    }

    /// <summary>What a change did to the ranks shown: <paramref name="beforeCount"/> rows of <see cref="_before"/> then, the partition's rows now.</summary>
    private void EmitChanges(int beforeCount, RankBuffer partition)
    {
        var afterCount = partition.CopyRanks(spec.RankStart, spec.RankEnd, ref _after);
        // As Flink: ranks with an offset are followed rank by rank even without the rank in the output.
        if (spec.OutputRankNumber || spec.RankStart > 1)
        {
            for (var r = 0; r < Math.Max(beforeCount, afterCount); r++)
            {
                var (hadRow, hasRow) = (r < beforeCount, r < afterCount);
                if (hadRow && hasRow && _before[r].Seq == _after[r].Seq)
                    continue;
                var rank = spec.RankStart + r;
                if (hadRow)
                    Output.Add(hasRow ? RowKind.UpdateBefore : RowKind.Delete, _before[r].Slot, rank);
                if (hasRow)
                    Output.Add(hadRow ? RowKind.UpdateAfter : RowKind.Insert, _after[r].Slot, rank);
            }

            return;
        }

        for (var r = 0; r < beforeCount; r++)
        {
            if (!Contains(_after, afterCount, _before[r].Seq))
                Output.Add(RowKind.Delete, _before[r].Slot);
        }

        for (var r = 0; r < afterCount; r++)
        {
            if (!Contains(_before, beforeCount, _after[r].Seq))
                Output.Add(RowKind.Insert, _after[r].Slot);
        }
    }

    private static bool Contains(RankedRow[] rows, int count, long seq)
    {
        for (var i = 0; i < count; i++)
        {
            if (rows[i].Seq == seq)
                return true;
        }

        return false;
    }
}
