using PyStream.Engine.Keys;
using PyStream.Engine.Records;
using PyStream.Engine.Spec;
using PyStream.Engine.UserCode;

namespace PyStream.Engine.Runtime.Partitioning;

/// <summary>Spreads one batch over the target channels of an edge, by the edge's partitioning.</summary>
internal sealed class BatchRouter(PyStream.Engine.Spec.Partitioning partitioning, int targetCount, int maxParallelism, IPythonBatchOps? python, int firstTarget)
{
    private readonly Random _random = new(firstTarget);
    private int _next = firstTarget;

    /// <summary>
    /// Whether a split of Python records (by key, or in turn) pickles its parts in the same call (until records
    /// turn out not to pickle). Handed over as objects, the part that stays in this process lived on in its consumer's queue
    /// while the records of the other parts were freed, which left CPython's memory pools half used: later
    /// records were scattered over them and every pass over a batch missed the cache on each record
    /// (BENCHMARKS.md, "Spine at parallelism 2"). Pickled while still in cache, a batch's records are freed
    /// together, and each consumer unpickles its records into contiguous memory just before it runs them.
    /// </summary>
    private bool _picklePythonSplits = true;

    /// <summary>The target of every record of the batch being routed (what keys, timestamps and gaps follow).</summary>
    private int[]? _lastTargets;

    /// <summary>Whether a batch is spread over the targets (each gets part of it), as opposed to copied to each.</summary>
    public bool Spreads => partitioning != PyStream.Engine.Spec.Partitioning.Broadcast;

    public Batch?[] Route(Batch batch)
    {
        if (targetCount == 1)
            return [batch];
        var routed = RouteRecords(batch);
        return HasColumns(batch) && partitioning != PyStream.Engine.Spec.Partitioning.Broadcast
            ? AttachColumns(routed, batch)
            : routed;
    }

    private static bool HasColumns(Batch batch) => batch.Keys is not null || batch.Timestamps is not null || batch.SessionGaps is not null;

    /// <summary>Each part gets the keys, timestamps and session gaps of its records, in order (parts keep the order of the batch).</summary>
    private Batch?[] AttachColumns(Batch?[] parts, Batch batch)
    {
        var targets = _lastTargets!;
        // One pass over the batch per column for all parts, into arrays sized by a first count: no per-record list growth.
        var counts = new int[parts.Length];
        foreach (var target in targets)
            counts[target]++;
        var keys = batch.Keys is { } blob ? KeysByTarget(targets, counts, blob) : null;
        var timestamps = batch.Timestamps is { } stamps ? ColumnByTarget(targets, counts, stamps) : null;
        var gaps = batch.SessionGaps is { } sessionGaps ? ColumnByTarget(targets, counts, sessionGaps) : null;
        for (var t = 0; t < parts.Length; t++)
        {
            if (parts[t] is { } part)
                parts[t] = part.WithColumns(keys?[t], timestamps?[t], gaps?[t]);
        }

        return parts;
    }

    private static KeyBlob[] KeysByTarget(int[] targets, int[] counts, KeyBlob keys)
    {
        var lengths = new int[counts.Length];
        for (var i = 0; i < targets.Length; i++)
            lengths[targets[i]] += keys.KeyAt(i).Length;
        var data = new byte[counts.Length][];
        var ends = new long[counts.Length][];
        for (var t = 0; t < counts.Length; t++)
        {
            data[t] = new byte[lengths[t]];
            ends[t] = new long[counts[t]];
        }

        var written = new int[counts.Length];
        var filled = new int[counts.Length];
        for (var i = 0; i < targets.Length; i++)
        {
            var t = targets[i];
            var key = keys.KeyAt(i);
            key.CopyTo(data[t].AsSpan(written[t]));
            written[t] += key.Length;
            ends[t][filled[t]++] = written[t];
        }

        var blobs = new KeyBlob[counts.Length];
        for (var t = 0; t < counts.Length; t++)
            blobs[t] = new KeyBlob(data[t], ends[t]);
        return blobs;
    }

    private static long[][] ColumnByTarget(int[] targets, int[] counts, long[] column)
    {
        var columns = new long[counts.Length][];
        for (var t = 0; t < counts.Length; t++)
            columns[t] = new long[counts[t]];
        var filled = new int[counts.Length];
        for (var i = 0; i < column.Length; i++)
            columns[targets[i]][filled[targets[i]]++] = column[i];
        return columns;
    }

    private Batch?[] RouteRecords(Batch batch)
    {
        _lastTargets = null;
        switch (partitioning)
        {
            case PyStream.Engine.Spec.Partitioning.Broadcast:
                return Broadcast(batch);
            case PyStream.Engine.Spec.Partitioning.Hash:
                return Split(batch, HashTargets(batch));
            case PyStream.Engine.Spec.Partitioning.Custom:
                return Split(batch, CustomTargets(batch));
            case PyStream.Engine.Spec.Partitioning.Shuffle when batch is LongRangeBatch or BytesBatch:
                // Not splittable per record: the whole batch goes to one random target.
                return Split(batch, Enumerable.Repeat(_random.Next(targetCount), batch.Count).ToArray());
            case PyStream.Engine.Spec.Partitioning.Shuffle:
                var targets = new int[batch.Count];
                for (var i = 0; i < targets.Length; i++)
                    targets[i] = _random.Next(targetCount);
                return Split(batch, targets);
            default:
                var first = _next;
                _next = (int)((_next + (long)batch.Count) % targetCount);
                return RoundRobin(batch, first);
        }
    }

    private int[] HashTargets(Batch batch)
    {
        var keys = batch.Keys ?? throw new PyStreamException("hash partitioning needs keyed records");
        var targets = new int[batch.Count];
        for (var i = 0; i < targets.Length; i++)
            targets[i] = KeyGroups.SubtaskOf(keys.KeyAt(i), maxParallelism, targetCount);
        return targets;
    }

    private int[] CustomTargets(Batch batch)
    {
        var partitions = batch.Partitions ?? throw new PyStreamException("custom partitioning needs partition indexes");
        foreach (var p in partitions)
        {
            if ((uint)p >= (uint)targetCount)
                throw new PyStreamException($"custom partitioner returned {p}, outside 0..{targetCount - 1}");
        }

        return partitions;
    }

    private Batch?[] Broadcast(Batch batch)
    {
        var copies = new Batch?[targetCount];
        for (var i = 0; i < targetCount; i++)
            copies[i] = batch is PythonBatch py && i > 0 ? Python.Share(py) : batch;
        return copies;
    }

    private Batch?[] RoundRobin(Batch batch, int first)
    {
        if (HasColumns(batch))
        {
            _lastTargets = new int[batch.Count];
            for (var i = 0; i < batch.Count; i++)
                _lastTargets[i] = (first + i) % targetCount;
        }

        switch (batch)
        {
            case PythonBatch py when !_picklePythonSplits:
                return Python.RoundRobin(py, first, targetCount);
            case LongRangeBatch range:
                var ranges = new Batch?[targetCount];
                for (var t = 0; t < targetCount; t++)
                {
                    var offset = ((t - first) % targetCount + targetCount) % targetCount;
                    if (offset < range.Count)
                        ranges[t] = new LongRangeBatch(range[offset], ((range.Count - offset - 1) / targetCount) + 1, range.Step * targetCount);
                }

                return ranges;
            case TextBatch or RowBatch or PythonBatch:
                var targets = new int[batch.Count];
                for (var i = 0; i < targets.Length; i++)
                    targets[i] = (first + i) % targetCount;
                return Split(batch, targets);
            default:
                // Serialized records cannot be split: the whole batch takes the next turn.
                return Split(batch, Enumerable.Repeat(first, batch.Count).ToArray());
        }
    }

    private Batch?[] Split(Batch batch, int[] targets)
    {
        _lastTargets = targets;
        switch (batch)
        {
            case PythonBatch py when _picklePythonSplits:
                var parts = Python.SplitPickled(py, targets, targetCount);
                _picklePythonSplits = !parts.Any(p => p is PythonBatch);
                return parts;
            case PythonBatch py:
                return Python.Split(py, targets, targetCount);
            case TextBatch text:
                var lines = new List<string>?[targetCount];
                var source = text.Lines;
                for (var i = 0; i < source.Length; i++)
                    (lines[targets[i]] ??= []).Add(source[i]);
                return lines.Select(l => l is null ? null : (Batch)new TextBatch([.. l])).ToArray();
            case RowBatch rows:
                return SplitRows(rows, targets);
            default:
                // Ranges and serialized batches cannot be split per record: only a batch bound for one target moves.
                var target = targets.Length > 0 ? targets[0] : 0;
                if (targets.AsSpan().ContainsAnyExcept(target))
                    throw new PyStreamException($"{partitioning} partitioning cannot split a {batch.GetType().Name} per record");
                var whole = new Batch?[targetCount];
                whole[target] = batch;
                _lastTargets = targets;
                return whole;
        }
    }

    private Batch?[] SplitRows(RowBatch rows, int[] targets)
    {
        var counts = new int[targetCount];
        foreach (var t in targets)
            counts[t]++;
        var parts = new Batch?[targetCount];
        for (var t = 0; t < targetCount; t++)
        {
            if (counts[t] == rows.Count)
            {
                parts[t] = rows;
                return parts;
            }
        }

        var selected = new int[targetCount][];
        for (var t = 0; t < targetCount; t++)
            selected[t] = new int[counts[t]];
        var filled = new int[targetCount];
        for (var i = 0; i < targets.Length; i++)
            selected[targets[i]][filled[targets[i]]++] = i;
        for (var t = 0; t < targetCount; t++)
            parts[t] = counts[t] == 0 ? null : rows.Select(selected[t]);
        return parts;
    }

    private IPythonBatchOps Python => python ?? throw new PyStreamException("Python records need the Python runtime");
}
