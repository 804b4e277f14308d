using System.Buffers.Binary;
using PyStream.Engine.Records;
using PyStream.Engine.Runtime;

namespace PyStream.Benchmarks;

/// <summary>
/// The keyed shuffle's records: (key, value) rows of two longs, keyed by the key's 8 bytes, record i
/// being (i mod keys, i); and the consumer subtask's side, which sums the values per key.
/// </summary>
internal static class ShuffleRecords
{
    public const int BatchSize = EdgeWriter.FullBatch;

    public static RowBatch Batch(long first, int count, int keys)
    {
        var keyColumn = new long[count];
        var values = new long[count];
        var keyBytes = new byte[count * 8];
        var ends = new long[count];
        for (var i = 0; i < count; i++)
        {
            var value = first + i;
            var key = value % keys;
            keyColumn[i] = key;
            values[i] = value;
            BinaryPrimitives.WriteInt64LittleEndian(keyBytes.AsSpan(i * 8), key);
            ends[i] = (i + 1) * 8L;
        }

        return new RowBatch([new Column<long>(keyColumn), new Column<long>(values)], count) { Keys = new KeyBlob(keyBytes, ends) };
    }

    /// <summary>Sends <paramref name="records"/> records through the writer, then ends its input.</summary>
    public static void Produce(EdgeWriter writer, long records, int keys)
    {
        for (long first = 0; first < records; first += BatchSize)
            writer.Accept(Batch(first, (int)Math.Min(BatchSize, records - first), keys));
        writer.EndOfInput();
    }

    /// <summary>A consumer subtask: takes its gate's batches until the end of partition; returns its records and each key's sum.</summary>
    public static (long Records, long[] Sums) Consume(InputGate gate, int keys)
    {
        var sums = new long[keys];
        long records = 0;
        while (true)
        {
            var e = gate.Reader.ReadAsync().AsTask().GetAwaiter().GetResult();
            if (e.Kind == InputEventKind.EndOfPartition)
                return (records, sums);
            if (e.Batch is not RowBatch rows)
                continue;
            var keyColumn = ((Column<long>)rows.Columns[0]).Values;
            var values = ((Column<long>)rows.Columns[1]).Values;
            for (var i = 0; i < rows.Count; i++)
                sums[keyColumn[i]] += values[i];
            records += rows.Count;
        }
    }
}
