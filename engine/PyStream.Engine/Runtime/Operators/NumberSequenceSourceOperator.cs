namespace PyStream.Engine.Runtime.Operators;

/// <summary>Emits this subtask's share of <c>[from, to]</c>, split evenly as Flink's NumberSequenceSource does.</summary>
public sealed class NumberSequenceSourceOperator : SourceOperator
{
    /// <summary>Numbers cost nothing to produce, so batches are as large as PyFlink's default bundle allows.</summary>
    private const int RangeBatchSize = 65536;

    private long _next;
    private readonly long _end;

    public NumberSequenceSourceOperator(string name, long from, long to, int subtask, int parallelism) : base(name)
    {
        var total = to >= from ? (ulong)(to - from) + 1 : 0;
        var share = total / (ulong)parallelism;
        var extra = total % (ulong)parallelism;
        var skip = ((ulong)subtask * share) + Math.Min((ulong)subtask, extra);
        var mine = share + ((ulong)subtask < extra ? 1UL : 0UL);
        _next = from + (long)skip;
        _end = _next + (long)mine;
    }

    public override bool EmitNext()
    {
        if (_next >= _end)
            return false;
        var count = (int)Math.Min(RangeBatchSize, _end - _next);
        Emit(0, new LongRangeBatch(_next, count));
        _next += count;
        return _next < _end;
    }
}
