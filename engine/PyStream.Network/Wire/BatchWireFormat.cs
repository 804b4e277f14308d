using PyStream.Engine.Records;
using PyStream.Engine.UserCode;

namespace PyStream.Network.Wire;

/// <summary>
/// Every batch kind that crosses an edge between processes, as bytes: the kind, the record count,
/// the per-record columns the batch carries (keys, target partitions, timestamps, session gaps),
/// its bucket and split, then the records. Fixed-width values are copied as memory; per-record
/// numbers that are usually small (lengths, partitions, timestamp deltas) are variable-length.
/// </summary>
internal static class BatchWireFormat
{
    private const byte LongRangeKind = 1, TextKind = 2, BytesKind = 3, RowKind = 4, PythonKind = 5;

    [Flags]
    private enum Parts : byte
    {
        None = 0,
        Keys = 1,
        FixedWidthKeys = 2,
        Partitions = 4,
        Timestamps = 8,
        SessionGaps = 16,
        Bucket = 32,
        Split = 64,
    }

    public static void Write(Batch batch, WireWriter output, IPythonBatchWire? python, bool release = false)
    {
        output.Byte(batch switch
        {
            LongRangeBatch => LongRangeKind,
            TextBatch => TextKind,
            BytesBatch => BytesKind,
            RowBatch => RowKind,
            PythonBatch or PickledPythonBatch => PythonKind,
            _ => throw new WireFormatException($"a {batch.GetType().Name} has no wire form"),
        });
        output.VarUInt((ulong)batch.Count);
        var keyWidth = batch.Keys is { } keys ? FixedWidth(keys) : -1;
        var bucket = batch switch { TextBatch t => t.Bucket, BytesBatch b => b.Bucket, _ => null };
        var parts = (batch.Keys is null ? Parts.None : keyWidth >= 0 ? Parts.Keys | Parts.FixedWidthKeys : Parts.Keys)
            | (batch.Partitions is null ? Parts.None : Parts.Partitions)
            | (batch.Timestamps is null ? Parts.None : Parts.Timestamps)
            | (batch.SessionGaps is null ? Parts.None : Parts.SessionGaps)
            | (bucket is null ? Parts.None : Parts.Bucket)
            | (batch.Split < 0 ? Parts.None : Parts.Split);
        output.Byte((byte)parts);
        if (batch.Split >= 0)
            output.VarUInt((ulong)batch.Split);
        if (bucket is not null)
            output.String(bucket);
        if (batch.Keys is { } blob)
            WriteKeys(blob, keyWidth, output);
        if (batch.Partitions is { } partitions)
        {
            foreach (var p in partitions)
                output.VarInt(p);
        }

        if (batch.Timestamps is { } timestamps)
            WriteDeltas(timestamps, output);
        if (batch.SessionGaps is { } gaps)
        {
            foreach (var gap in gaps)
                output.VarInt(gap);
        }

        switch (batch)
        {
            case LongRangeBatch range:
                output.VarInt(range.Start);
                output.VarInt(range.Step);
                break;
            case TextBatch text:
                foreach (var line in text.Lines)
                    output.String(line);
                break;
            case BytesBatch bytes:
                output.VarUInt((ulong)bytes.Data.Length);
                output.Bytes(bytes.Data);
                break;
            case RowBatch rows:
                RowWireFormat.Write(rows, output);
                break;
            case PythonBatch py:
                // Last in the frame: the pickle runs to its end, so its length needs no prefix.
                (python ?? throw NoPythonBridge()).Pickle(py, output, release);
                break;
            case PickledPythonBatch pickled:
                output.Bytes(pickled.Pickle.Span);
                break;
        }
    }

    public static Batch Read(ref WireReader input, IPythonBatchWire? python)
    {
        var kind = input.Byte();
        var count = input.Count();
        var parts = (Parts)input.Byte();
        var split = parts.HasFlag(Parts.Split) ? (int)input.VarUInt() : -1;
        var bucket = parts.HasFlag(Parts.Bucket) ? input.String() : null;
        var keys = parts.HasFlag(Parts.Keys) ? ReadKeys(ref input, count, parts.HasFlag(Parts.FixedWidthKeys)) : null;
        int[]? partitions = null;
        if (parts.HasFlag(Parts.Partitions))
        {
            partitions = new int[count];
            for (var i = 0; i < count; i++)
                partitions[i] = checked((int)input.VarInt());
        }

        var timestamps = parts.HasFlag(Parts.Timestamps) ? ReadDeltas(ref input, count) : null;
        long[]? gaps = null;
        if (parts.HasFlag(Parts.SessionGaps))
        {
            gaps = new long[count];
            for (var i = 0; i < count; i++)
                gaps[i] = input.VarInt();
        }

        Batch batch = kind switch
        {
            LongRangeKind => new LongRangeBatch(input.VarInt(), count, input.VarInt()) { Keys = keys, Partitions = partitions, Timestamps = timestamps, SessionGaps = gaps },
            TextKind => new TextBatch(ReadLines(ref input, count)) { Keys = keys, Partitions = partitions, Timestamps = timestamps, SessionGaps = gaps, Bucket = bucket },
            BytesKind => new BytesBatch(input.Bytes(input.Count()).ToArray(), count) { Keys = keys, Partitions = partitions, Timestamps = timestamps, SessionGaps = gaps, Bucket = bucket },
            RowKind => RowWireFormat.Read(ref input, count).WithColumns(keys, timestamps, gaps, partitions),
            // Unpickled later, on the consuming task's thread: this one must not wait for the GIL.
            PythonKind => new PickledPythonBatch(input.Rest().ToArray(), count, python ?? throw NoPythonBridge())
            {
                Keys = keys, Partitions = partitions, Timestamps = timestamps, SessionGaps = gaps,
            },
            _ => throw new WireFormatException($"unknown batch kind {kind}"),
        };
        batch.Split = split;
        return batch;
    }

    private static WireFormatException NoPythonBridge() =>
        new("a batch of Python records crossed a network channel that has no Python bridge to pickle or unpickle it");

    /// <summary>The length every key has, or -1 when they differ.</summary>
    private static int FixedWidth(KeyBlob keys)
    {
        if (keys.Ends.Length == 0)
            return 0;
        var width = keys.Ends[0];
        for (var i = 1; i < keys.Ends.Length; i++)
        {
            if (keys.Ends[i] - keys.Ends[i - 1] != width)
                return -1;
        }

        return (int)width;
    }

    private static void WriteKeys(KeyBlob keys, int fixedWidth, WireWriter output)
    {
        var length = keys.Ends.Length == 0 ? 0 : (int)keys.Ends[^1];
        if (fixedWidth >= 0)
        {
            output.VarUInt((ulong)fixedWidth);
        }
        else
        {
            long start = 0;
            foreach (var end in keys.Ends)
            {
                output.VarUInt((ulong)(end - start));
                start = end;
            }
        }

        output.Bytes(keys.Data.AsSpan(0, length));
    }

    private static KeyBlob ReadKeys(ref WireReader input, int count, bool fixedWidth)
    {
        var ends = new long[count];
        long end = 0;
        if (fixedWidth)
        {
            var width = input.Count();
            for (var i = 0; i < count; i++)
                ends[i] = end += width;
        }
        else
        {
            for (var i = 0; i < count; i++)
                ends[i] = end += input.Count();
        }

        return new KeyBlob(input.Bytes(checked((int)end)).ToArray(), ends);
    }

    /// <summary>Each value as its difference from the one before (timestamps of a batch are close); wrapping arithmetic keeps <see cref="long.MinValue"/> exact.</summary>
    private static void WriteDeltas(long[] values, WireWriter output)
    {
        long previous = 0;
        foreach (var value in values)
        {
            output.VarInt(unchecked(value - previous));
            previous = value;
        }
    }

    private static long[] ReadDeltas(ref WireReader input, int count)
    {
        var values = new long[count];
        long previous = 0;
        for (var i = 0; i < count; i++)
            values[i] = previous = unchecked(previous + input.VarInt());
        return values;
    }

    private static string[] ReadLines(ref WireReader input, int count)
    {
        var lines = new string[count];
        for (var i = 0; i < count; i++)
            lines[i] = input.String();
        return lines;
    }
}
