namespace PyStream.Engine.Records;

/// <summary>
/// A batch of records moving between operators. Records stay in the form their producer
/// made them: native values for C# sources, an opaque handle for Python objects.
/// </summary>
public abstract class Batch
{
    protected Batch(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        Count = count;
    }

    public int Count { get; }

    /// <summary>Canonical key bytes of every record, when an edge's key selector produced them.</summary>
    public KeyBlob? Keys { get; init; }

    /// <summary>Target partition of every record, when a custom partitioner chose them.</summary>
    public int[]? Partitions { get; init; }

    /// <summary>Event timestamp of every record (<see cref="long.MinValue"/>: none), or null when no record has one.</summary>
    public long[]? Timestamps { get; init; }

    /// <summary>The session gap of every record, for session windows with a dynamic gap.</summary>
    public long[]? SessionGaps { get; init; }

    /// <summary>
    /// The directory, relative to a file source's or sink's base path, all records were read from
    /// or go to (SQL's partitioned tables: <c>dt=2024-01-01/hr=10</c>); null: the sink's own rule.
    /// </summary>
    public string? Bucket { get; init; }

    /// <summary>The source split (e.g. Kafka partition) all records came from, or -1; it follows them through chained Python operations.</summary>
    public int Split { get; set; } = -1;

    /// <summary>The same records with these per-record columns instead (the split is not carried over).</summary>
    public Batch WithColumns(KeyBlob? keys, long[]? timestamps, long[]? gaps, int[]? partitions = null) => this switch
    {
        PythonBatch py => new PythonBatch(py.Handle, py.Count) { Keys = keys, Timestamps = timestamps, SessionGaps = gaps, Partitions = partitions },
        TextBatch text => new TextBatch(text.Lines) { Keys = keys, Timestamps = timestamps, SessionGaps = gaps, Partitions = partitions, Bucket = text.Bucket },
        LongRangeBatch range => new LongRangeBatch(range.Start, range.Count, range.Step) { Keys = keys, Timestamps = timestamps, SessionGaps = gaps, Partitions = partitions },
        BytesBatch bytes => new BytesBatch(bytes.Data, bytes.Count) { Keys = keys, Timestamps = timestamps, SessionGaps = gaps, Partitions = partitions, Bucket = bytes.Bucket },
        RowBatch rows => new RowBatch(rows.Columns, rows.Count, rows.Kinds) { Keys = keys, Timestamps = timestamps, SessionGaps = gaps, Partitions = partitions },
        _ => WithOtherColumns(keys, timestamps, gaps, partitions),
    };

    /// <summary><see cref="WithColumns"/> for a batch kind defined above this layer (records still pickled).</summary>
    protected virtual Batch WithOtherColumns(KeyBlob? keys, long[]? timestamps, long[]? gaps, int[]? partitions) =>
        throw new PyStreamException($"cannot attach columns to a {GetType().Name}");
}

/// <summary>The integers <c>Start, Start + Step, ...</c>, <see cref="Batch.Count"/> of them.</summary>
public sealed class LongRangeBatch(long start, int count, long step = 1) : Batch(count)
{
    public long Start { get; } = start;

    public long Step { get; } = step;

    public long this[int index] => Start + (index * Step);
}

/// <summary>Strings, one per record: text file lines, or records formatted for a sink.</summary>
public sealed class TextBatch : Batch
{
    private string[]? _lines;
    private string? _joined;
    private long[]? _ends;

    public TextBatch(string[] lines) : base(lines.Length) => _lines = lines;

    /// <summary>
    /// Records joined by '\n' (the cheap form to hand across the Python boundary). When a
    /// record itself contains '\n', <paramref name="ends"/> gives where each record ends.
    /// </summary>
    public TextBatch(string joined, int count, long[]? ends = null) : base(count)
    {
        if (ends is not null && ends.Length != count)
            throw new ArgumentException($"{ends.Length} record ends for {count} records", nameof(ends));
        _joined = joined;
        _ends = ends;
    }

    public string[] Lines => _lines ??= Count == 0 ? [] : _ends is null ? _joined!.Split('\n') : SplitAtEnds();

    public string Joined
    {
        get
        {
            if (_joined is null)
                Join();
            return _joined!;
        }
    }

    /// <summary>
    /// Where each record ends in <see cref="Joined"/>, counted in code points as Python counts a
    /// str (a character outside the BMP is one); null when no record contains '\n'.
    /// </summary>
    public long[]? Ends
    {
        get
        {
            if (_joined is null)
                Join();
            return _ends;
        }
    }

    private void Join()
    {
        _joined = string.Join('\n', _lines!);
        if (!_lines!.Any(line => line.Contains('\n')))
            return;
        _ends = new long[_lines!.Length];
        long end = -1;
        for (var i = 0; i < _lines.Length; i++)
        {
            end += CodePoints(_lines[i]) + 1;
            _ends[i] = end;
        }
    }

    /// <summary>Cuts <see cref="Joined"/> at the record ends, which count code points, not UTF-16 units.</summary>
    private string[] SplitAtEnds()
    {
        var lines = new string[Count];
        var text = _joined!;
        var at = 0;
        long codePoint = 0;
        for (var i = 0; i < lines.Length; i++)
        {
            var start = at;
            for (; codePoint < _ends![i]; codePoint++)
                at += char.IsHighSurrogate(text[at]) && at + 1 < text.Length && char.IsLowSurrogate(text[at + 1]) ? 2 : 1;
            lines[i] = text[start..at];
            at++; // the '\n' between records
            codePoint++;
        }

        return lines;
    }

    private static int CodePoints(string text)
    {
        var count = text.Length;
        for (var i = 1; i < text.Length; i++)
        {
            if (char.IsLowSurrogate(text[i]) && char.IsHighSurrogate(text[i - 1]))
                count--;
        }

        return count;
    }
}

/// <summary>Bytes standing for records: a pickled list (collect) or encoded file lines.</summary>
public sealed class BytesBatch(byte[] data, int count) : Batch(count)
{
    public byte[] Data { get; } = data;
}

/// <summary>
/// Python records owned by the Python bridge. The engine never looks inside; it routes the
/// batch and asks <see cref="UserCode.IPythonBatchOps"/> to split or copy it.
/// </summary>
public sealed class PythonBatch(object handle, int count) : Batch(count), IDisposable
{
    public object Handle { get; } = handle;

    public void Dispose() => (Handle as IDisposable)?.Dispose();
}

/// <summary>Keys as one buffer plus the end offset of each key.</summary>
public sealed record KeyBlob(byte[] Data, long[] Ends)
{
    public ReadOnlySpan<byte> KeyAt(int index)
    {
        var start = index == 0 ? 0 : (int)Ends[index - 1];
        return Data.AsSpan(start, (int)Ends[index] - start);
    }
}
