namespace PyStream.Engine.Runtime.Operators;

/// <summary>Emits this subtask's share of <c>[from, to]</c>, split evenly as Flink's NumberSequenceSource does.</summary>
public sealed class NumberSequenceSourceOperator : SourceOperator
{
    /// <summary>Numbers cost nothing to produce, so batches are as large as PyFlink's default bundle allows.</summary>
    private const int RangeBatchSize = 65536;

    private long _next;
    private ulong _remaining;

    public NumberSequenceSourceOperator(string name, long from, long to, int subtask, int parallelism) : base(name)
    {
        // As unsigned: [long.MinValue, long.MaxValue] holds 2^64 numbers, one more than ulong can count; clamp.
        var total = to >= from ? Math.Max((ulong)(to - from), (ulong)(to - from) + 1) : 0;
        var share = total / (ulong)parallelism;
        var extra = total % (ulong)parallelism;
        var skip = ((ulong)subtask * share) + Math.Min((ulong)subtask, extra);
        var mine = share + ((ulong)subtask < extra ? 1UL : 0UL);
        _next = unchecked(from + (long)skip);
        _remaining = mine;
    }

    public override bool EmitNext()
    {
        if (_remaining == 0)
            return false;
        var count = (int)Math.Min(RangeBatchSize, _remaining);
        Emit(0, new LongRangeBatch(_next, count));
        _remaining -= (ulong)count;
        if (_remaining > 0)
            _next += count; // counting up to the last number only: it may be long.MaxValue
        return _remaining > 0;
    }
}
