using System.Buffers.Binary;
using PyStream.Engine.Records;
using PyStream.Engine.State;
using PyStream.Sql.Planning;
using PyStream.Sql.Types;

namespace PyStream.Sql.Runtime;

/// <summary>
/// SESSION windows aggregated by window_start and window_end (Flink's merging session windows:
/// SessionWindowAssigner with MergingWindowSet). Each row opens the window [ts, ts + gap) for
/// its key; windows of a key that overlap or touch merge into the one covering them, their
/// accumulators merged (aggregates that cannot merge keep their values: <see cref="ReplayAccumulator"/>).
/// A window fires once the watermark reaches its end - 1, append-only, and is dropped. A row
/// whose window merges with none and is already behind the watermark is late and dropped.
/// Accumulators live in the keyed state backend (a map per key: (start, end) -> accumulators),
/// written at the end of each batch; the open windows of each key and the timer index are kept in
/// memory and rebuilt from the backend after a restore.
/// </summary>
public sealed class SessionWindowAggOperator : WindowAggBase
{
    /// <summary>Per key (its bytes), its open windows, disjoint and not touching, in no particular order.</summary>
    private readonly Dictionary<byte[], List<(long Start, long End)>> _open = new(ByteArrayComparer.Instance);

    /// <summary>Stored keys of open windows by the instant they fire at (their end); entries of windows merged away since are skipped when they come up.</summary>
    private readonly SortedDictionary<long, List<byte[]>> _byEnd = [];

    /// <summary>The accumulators changed by the batch being processed, by stored key: written to the backend at its end.</summary>
    private readonly Dictionary<byte[], Accumulator[]> _touched = new(ByteArrayComparer.Instance);

    private readonly List<(long Start, long End)> _merging = [];
    private bool _indexed;

    public SessionWindowAggOperator(string name, RowKeys keys, AggregateCalls calls, WindowDefinition window, int timeIndex, IReadOnlyList<SqlType> outputTypes, int inputCount = 1)
        : base(name, keys, new AggregateCalls(calls.Calls, mergeable: true), window, timeIndex, outputTypes, inputCount, "sessions")
    {
        if (window.Kind != WindowKind.Session || window.Gap <= 0)
            throw new ArgumentException("a session window aggregate needs a SESSION window with a positive gap", nameof(window));
    }

    protected override void ProcessRows(int input, RowBatch rows)
    {
        IndexRestoredWindows();
        var times = (Column<long>)rows.Columns[TimeIndex];
        var watermark = CurrentWatermark;
        for (var i = 0; i < rows.Count; i++)
        {
            if (times.IsNull(i))
                continue;
            var timestamp = WindowMillis(times.Values[i]);
            var key = Keys.KeyOf(rows, i);
            if (!_open.TryGetValue(key, out var windows))
                _open[key] = windows = [];
            var accumulators = Merge(key, windows, timestamp, timestamp + Window.Gap, watermark);
            if (accumulators is null)
            {
                LateRowsDropped++;
                continue;
            }

            Calls.Apply(accumulators, rows, i, retract: !rows.KindAt(i).IsAccumulate());
        }

        WriteLive(forget: true);
    }

    /// <summary>
    /// Adds the window [start, end) to a key's open windows, merging it with every one it overlaps or
    /// touches (Flink's TimeWindow.intersects); returns the accumulators of the window it ends up in,
    /// or null when it merged with none and the watermark has passed it (a late row).
    /// </summary>
    private Accumulator[]? Merge(byte[] key, List<(long Start, long End)> windows, long start, long end, long watermark)
    {
        _merging.Clear();
        foreach (var w in windows)
        {
            if (w.Start <= end && w.End >= start)
                _merging.Add(w);
        }

        if (_merging.Count == 1 && _merging[0].Start <= start && _merging[0].End >= end)
            return Load(key, _merging[0]);
        if (_merging.Count == 0 && FiringMillis(end) - 1 <= watermark)
            return null;

        // The earlier window's accumulators first: what a replayed FIRST_VALUE or LISTAGG sees.
        _merging.Sort();

        Accumulator[]? merged = null;
        foreach (var w in _merging)
        {
            start = Math.Min(start, w.Start);
            end = Math.Max(end, w.End);
            var accumulators = Load(key, w);
            Forget(key, w);
            windows.Remove(w);
            if (merged is null)
            {
                merged = accumulators;
                continue;
            }

            for (var a = 0; a < merged.Length; a++)
                merged[a].Merge(accumulators[a]);
        }

        windows.Add((start, end));
        WindowAggOperator.Index(_byEnd, FiringMillis(end), StoredKey(key, start, end));
        merged ??= Calls.Create();
        _touched[StoredKey(key, start, end)] = merged;
        return merged;
    }

    private Accumulator[] Load(byte[] key, (long Start, long End) window)
    {
        var stored = StoredKey(key, window.Start, window.End);
        if (_touched.TryGetValue(stored, out var accumulators))
            return accumulators;
        var bytes = Context.State.Get(StateId, stored)
            ?? throw new SqlRuntimeException($"'{Name}': the state of an open session window ({window.Start}, {window.End}) is missing");
        accumulators = Calls.Deserialize(bytes, out _);
        _touched[stored] = accumulators;
        return accumulators;
    }

    /// <summary>Drops a window's accumulators from the batch's and from the backend (it was merged into another, or fired).</summary>
    private void Forget(byte[] key, (long Start, long End) window)
    {
        var stored = StoredKey(key, window.Start, window.End);
        _touched.Remove(stored);
        Context.State.Remove(StateId, stored);
    }

    protected override void WriteLive(bool forget)
    {
        foreach (var (stored, accumulators) in _touched)
            Context.State.Put(StateId, stored, AggregateCalls.Serialize(accumulators, 0));
        if (forget)
            _touched.Clear();
    }

    protected override void OnWatermark(long watermark)
    {
        IndexRestoredWindows();
        while (_byEnd.Count > 0 && _byEnd.First() is var (fires, entries) && fires - 1 <= watermark)
        {
            _byEnd.Remove(fires);
            foreach (var stored in entries)
                Fire(stored);
            if (Output.Count >= 8192)
                EmitRows(Output.Take());
        }

        EmitRows(Output.Take());
        base.OnWatermark(watermark);
    }

    /// <summary>Emits and drops a window, unless it was merged into another since it was indexed.</summary>
    private void Fire(byte[] stored)
    {
        var key = MapEntryKey.Owner(StateId, stored).ToArray();
        var start = BinaryPrimitives.ReadInt64BigEndian(stored.AsSpan(^16));
        var end = BinaryPrimitives.ReadInt64BigEndian(stored.AsSpan(^8));
        if (!_open.TryGetValue(key, out var windows) || !windows.Remove((start, end)))
            return;
        if (windows.Count == 0)
            _open.Remove(key);
        var accumulators = Load(key, (start, end));
        Forget(key, (start, end));
        WindowAggOperator.AddResult(Output, Keys.Values(key), start, end, FiringMillis(end) - 1, accumulators);
    }

    /// <summary>After a restore the open windows are only in the backend: the first call indexes them.</summary>
    private void IndexRestoredWindows()
    {
        if (_indexed)
            return;
        _indexed = true;
        foreach (var (stored, _) in Context.State.Entries(StateId))
        {
            var key = MapEntryKey.Owner(StateId, stored).ToArray();
            var start = BinaryPrimitives.ReadInt64BigEndian(stored.AsSpan(^16));
            var end = BinaryPrimitives.ReadInt64BigEndian(stored.AsSpan(^8));
            if (!_open.TryGetValue(key, out var windows))
                _open[key] = windows = [];
            windows.Add((start, end));
            WindowAggOperator.Index(_byEnd, FiringMillis(end), stored);
        }
    }

    private static byte[] StoredKey(byte[] key, long start, long end) => WindowAggOperator.StoredKey(key, start, end);
}
