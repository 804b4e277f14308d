using PyStream.Engine.Records;
using PyStream.Engine.UserCode;

namespace PyStream.Engine.Runtime.Operators;

/// <summary>Cuts the first records off a batch, with each record's key, timestamp, gap and partition.</summary>
internal static class BatchPieces
{
    /// <summary>Whether the batch's records can be cut apart (serialized ones cannot).</summary>
    public static bool CanCut(Batch batch) => batch is LongRangeBatch or TextBatch or PythonBatch;

    /// <summary>
    /// Hands <paramref name="batch"/> to <paramref name="process"/> in pieces of at most the
    /// sizer's limit (when its records can be cut), timing each piece for the sizer; a cancelled
    /// job stops between two pieces.
    /// </summary>
    public static void InSizedPieces(Batch batch, BatchSizer sizer, IPythonBatchOps? python, CancellationToken cancellation, Action<Batch> process)
    {
        while (true)
        {
            var piece = batch;
            Batch? rest = null;
            if (batch.Count > sizer.Limit && CanCut(batch))
                (piece, rest) = Take(batch, sizer.Limit, python);
            var records = piece.Count;
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            process(piece);
            sizer.Observe(records, System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            if (rest is null)
                return;
            cancellation.ThrowIfCancellationRequested();
            batch = rest;
        }
    }

    /// <summary>The first <paramref name="count"/> records and the rest; the batch must hold more than that.</summary>
    public static (Batch Head, Batch Tail) Take(Batch batch, int count, IPythonBatchOps? python)
    {
        var rest = batch.Count - count;
        var (head, tail) = batch switch
        {
            LongRangeBatch range => ((Batch)new LongRangeBatch(range.Start, count, range.Step), (Batch)new LongRangeBatch(range[count], rest, range.Step)),
            TextBatch text => (new TextBatch(text.Lines[..count]), new TextBatch(text.Lines[count..])),
            PythonBatch py => (python ?? throw new PyStreamException("Python records need the Python runtime")).Take(py, count),
            _ => throw new PyStreamException($"cannot cut a {batch.GetType().Name}"),
        };
        return (With(head, batch, 0, count), With(tail, batch, count, rest));
    }

    private static Batch With(Batch piece, Batch whole, int start, int length)
    {
        if (whole.Keys is null && whole.Timestamps is null && whole.SessionGaps is null && whole.Partitions is null)
        {
            piece.Split = whole.Split;
            return piece;
        }

        var result = piece.WithColumns(Keys(whole.Keys, start, length), Slice(whole.Timestamps, start, length),
            Slice(whole.SessionGaps, start, length), Slice(whole.Partitions, start, length));
        result.Split = whole.Split;
        return result;
    }

    private static T[]? Slice<T>(T[]? column, int start, int length) => column?[start..(start + length)];

    private static KeyBlob? Keys(KeyBlob? keys, int start, int length)
    {
        if (keys is null)
            return null;
        var from = start == 0 ? 0 : keys.Ends[start - 1];
        var to = keys.Ends[start + length - 1];
        var ends = new long[length];
        for (var i = 0; i < length; i++)
            ends[i] = keys.Ends[start + i] - from;
        return new KeyBlob(keys.Data[(int)from..(int)to], ends);
    }
}
