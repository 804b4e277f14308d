using PyStream.Engine.Checkpointing;
using PyStream.Engine.Records;

namespace PyStream.Engine.Runtime.Operators;

/// <summary>Emits this subtask's share of <c>[from, to]</c>, split evenly as Flink's NumberSequenceSource does.</summary>
public sealed class NumberSequenceSourceOperator : SourceOperator
{
    /// <summary>Numbers cost nothing to produce, so batches are as large as PyFlink's default bundle allows.</summary>
    private const int RangeBatchSize = 65536;

    // What is left to emit: (next number, how many), first range first.
    private List<(long Next, ulong Remaining)> _splits;

    public NumberSequenceSourceOperator(string name, long from, long to, int subtask, int parallelism) : base(name)
    {
        // As unsigned: [long.MinValue, long.MaxValue] holds 2^64 numbers, one more than ulong can count; clamp.
        var total = to >= from ? Math.Max((ulong)(to - from), (ulong)(to - from) + 1) : 0;
        var share = total / (ulong)parallelism;
        var extra = total % (ulong)parallelism;
        var skip = ((ulong)subtask * share) + Math.Min((ulong)subtask, extra);
        var mine = share + ((ulong)subtask < extra ? 1UL : 0UL);
        _splits = mine > 0 ? [(unchecked(from + (long)skip), mine)] : [];
    }

    public override bool EmitNext()
    {
        if (_splits.Count == 0)
            return false;
        var (next, remaining) = _splits[0];
        var count = (int)Math.Min((ulong)NextBatchSize(RangeBatchSize), remaining);
        Emit(0, new LongRangeBatch(next, count));
        remaining -= (ulong)count;
        if (remaining > 0)
            _splits[0] = (next + count, remaining); // counting up to the last number only: it may be long.MaxValue
        else
            _splits.RemoveAt(0);
        return _splits.Count > 0;
    }

    public override void SnapshotState(CheckpointBarrier barrier, IDictionary<string, byte[]> states) =>
        states[StateKey] = SourceSplits.Write(_splits, (w, s) =>
        {
            w.Write(s.Next);
            w.Write(s.Remaining);
        });

    public override void RestoreState(TaskRestore restore)
    {
        if (SourceSplits.Assign(restore, StateKey, r => (r.ReadInt64(), r.ReadUInt64())) is { } splits)
            _splits = splits;
    }
}
