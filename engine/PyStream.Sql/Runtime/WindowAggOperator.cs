using System.Buffers.Binary;
using PyStream.Engine.Checkpointing;
using PyStream.Engine.Records;
using PyStream.Engine.Runtime;
using PyStream.Engine.State;
using PyStream.Sql.Functions;
using PyStream.Sql.Planning;
using PyStream.Sql.Types;

namespace PyStream.Sql.Runtime;

/// <summary>
/// A window TVF aggregated by window_start and window_end (Flink's WindowAggOperator): each row
/// is added to the accumulators of its key in each of its windows; a window fires once the
/// watermark reaches its end - 1, emitting keys, window_start, window_end, window_time and the
/// results, append-only; its state is then dropped. Rows of windows that already fired are
/// late and dropped. Accumulators live in the keyed state backend (a map per key: window -> state).
/// As Flink's window buffer, the accumulators of the windows touched are kept in memory between
/// checkpoints and written to the backend when a checkpoint is taken (or when too many are held),
/// so a row costs one lookup by its key's bytes (built on the stack) and one per window by its
/// end, not a state read and write.
/// </summary>
public sealed class WindowAggOperator : WindowAggBase
{
    /// <summary>Windows held in memory before they are all written to the state backend and dropped from memory.</summary>
    private const int MaxLiveWindows = 1 << 20;

    /// <summary>Per key (its bytes), its windows held in memory, by window end (unique per key: windows of one key that end together start together).</summary>
    private readonly Dictionary<byte[], Dictionary<long, LiveWindow>> _live = new(ByteArrayComparer.Instance);
    private int _liveCount;
    private readonly SortedDictionary<long, List<byte[]>> _byEnd = [];
    private readonly (long Start, long End)[] _windows;
    private bool _indexed;

    /// <summary>The key of the last row processed (its first <c>_lastKeyLength</c> bytes).</summary>
    private byte[] _lastKey = new byte[16];
    private int _lastKeyLength;

    /// <summary>False until windows are written to the backend (or restored from it): until then a new window is not looked up there.</summary>
    private bool _backendHoldsWindows;

    public WindowAggOperator(string name, RowKeys keys, AggregateCalls calls, WindowDefinition window, int timeIndex, IReadOnlyList<SqlType> outputTypes, int inputCount = 1)
        : base(name, keys, calls, window, timeIndex, outputTypes, inputCount, "windows")
    {
        _windows = new (long, long)[WindowAssignment.MaxWindows(window)];
    }

    protected override void ProcessRows(int input, RowBatch rows)
    {
        IndexRestoredWindows();
        var times = (Column<long>)rows.Columns[TimeIndex];
        var watermark = CurrentWatermark;
        var live = _live.GetAlternateLookup<ReadOnlySpan<byte>>();
        Span<byte> fixedKey = stackalloc byte[Math.Max(Keys.MaxFixedSize, 0)];

        // The last row's key, windows and (of one window) window: rows in time order of one key (all of a window
        // aggregate without keys) find them without a lookup. Valid within the batch: nothing fires or is dropped in it.
        Dictionary<long, LiveWindow>? lastWindows = null;
        var (lastEnd, lastWindow) = (long.MinValue, (LiveWindow?)null);
        for (var i = 0; i < rows.Count; i++)
        {
            if (times.IsNull(i))
                continue;
            var timestamp = WindowMillis(times.Values[i]);
            ReadOnlySpan<byte> key = Keys.MaxFixedSize >= 0 ? fixedKey[..Keys.Write(rows, i, fixedKey)] : Keys.KeyOf(rows, i);
            Dictionary<long, LiveWindow>? windows;
            if (lastWindows is not null && key.SequenceEqual(_lastKey.AsSpan(0, _lastKeyLength)))
            {
                windows = lastWindows;
            }
            else
            {
                if (!live.TryGetValue(key, out windows))
                {
                    windows = [];
                    _live[key.ToArray()] = windows;
                }

                if (_lastKey.Length < key.Length)
                    _lastKey = new byte[key.Length];
                key.CopyTo(_lastKey);
                (_lastKeyLength, lastWindows, lastEnd, lastWindow) = (key.Length, windows, long.MinValue, null);
            }

            var retract = !rows.KindAt(i).IsAccumulate();
            var count = WindowAssignment.Assign(Window, timestamp, _windows);
            for (var w = 0; w < count; w++)
            {
                var (start, end) = _windows[w];
                if (FiringMillis(end) - 1 <= watermark)
                {
                    LateRowsDropped++;
                    continue;
                }

                if (end == lastEnd && lastWindow is not null)
                {
                    Calls.Apply(lastWindow.Accumulators, rows, i, retract);
                    continue;
                }

                if (!windows.TryGetValue(end, out var window))
                {
                    window = Load(StoredKey(key, start, end), end);
                    windows[end] = window;
                    _liveCount++;
                }

                if (count == 1)
                    (lastEnd, lastWindow) = (end, window);
                Calls.Apply(window.Accumulators, rows, i, retract);
            }
        }

        if (_liveCount > MaxLiveWindows)
            WriteLive(forget: true);
    }

    protected override void OnWatermark(long watermark)
    {
        IndexRestoredWindows();
        while (_byEnd.Count > 0 && _byEnd.First() is var (end, keys) && end - 1 <= watermark)
        {
            _byEnd.Remove(end);
            foreach (var stored in keys)
                Fire(stored);
            if (Output.Count >= 8192)
                EmitRows(Output.Take());
        }

        EmitRows(Output.Take());
        base.OnWatermark(watermark);
    }

    /// <summary>A window's accumulators from the state backend, or new ones (then indexed for firing).</summary>
    private LiveWindow Load(byte[] stored, long end)
    {
        var bytes = _backendHoldsWindows ? Context.State.Get(StateId, stored) : null;
        var window = new LiveWindow(stored, bytes is null ? Calls.Create() : Calls.Deserialize(bytes, out _)) { Stored = bytes is not null };
        if (bytes is null)
        {
            // A window in the backend was indexed when it was new (or restored); only new ones are added.
            Index(_byEnd, FiringMillis(end), stored);
        }

        return window;
    }

    protected override void WriteLive(bool forget)
    {
        _backendHoldsWindows |= _liveCount > 0;
        foreach (var windows in _live.Values)
        {
            foreach (var window in windows.Values)
            {
                Context.State.Put(StateId, window.StoredKey, AggregateCalls.Serialize(window.Accumulators, 0));
                window.Stored = true;
            }
        }

        if (forget)
        {
            _live.Clear();
            _liveCount = 0;
        }
    }

    private void Fire(byte[] stored)
    {
        Accumulator[] accumulators;
        var keyLength = (int)BinaryPrimitives.ReadUInt32BigEndian(stored);
        var live = _live.GetAlternateLookup<ReadOnlySpan<byte>>();
        if (live.TryGetValue(stored.AsSpan(4, keyLength), out var windows) && windows.Remove(BinaryPrimitives.ReadInt64BigEndian(stored.AsSpan(^8)), out var window))
        {
            _liveCount--;
            if (windows.Count == 0)
                live.Remove(stored.AsSpan(4, keyLength));
            accumulators = window.Accumulators;
            if (window.Stored)
                Context.State.Remove(StateId, stored);
        }
        else
        {
            var bytes = Context.State.Get(StateId, stored);
            Context.State.Remove(StateId, stored);
            if (bytes is null)
                return;
            accumulators = Calls.Deserialize(bytes, out _);
        }

        var entry = MapEntryKey.EntryKey(StateId, stored);
        var start = BinaryPrimitives.ReadInt64BigEndian(entry);
        var end = BinaryPrimitives.ReadInt64BigEndian(entry[8..]);
        AddResult(Output, Keys.Values(MapEntryKey.Owner(StateId, stored).ToArray()), start, end, FiringMillis(end) - 1, accumulators);
    }

    /// <summary>A fired window's row: keys, window_start, window_end, window_time (the instant before the end; all in microseconds), then the results.</summary>
    internal static void AddResult(RowBuilder output, object?[] keys, long start, long end, long time, Accumulator[] accumulators)
    {
        var row = new object?[keys.Length + 3 + accumulators.Length];
        keys.CopyTo(row, 0);
        row[keys.Length] = start * 1000;
        row[keys.Length + 1] = end * 1000;
        row[keys.Length + 2] = time * 1000;
        for (var a = 0; a < accumulators.Length; a++)
            row[keys.Length + 3 + a] = accumulators[a].Result;
        output.Add(RowKind.Insert, row);
    }

    /// <summary>Adds a stored key to the timer index under <paramref name="end"/>.</summary>
    internal static void Index(SortedDictionary<long, List<byte[]>> byEnd, long end, byte[] stored)
    {
        if (!byEnd.TryGetValue(end, out var keys))
            byEnd[end] = keys = [];
        keys.Add(stored);
    }

    /// <summary>After a restore the windows in state are not in the timer index yet: the first call indexes them.</summary>
    private void IndexRestoredWindows()
    {
        if (_indexed)
            return;
        _indexed = true;
        foreach (var (stored, _) in Context.State.Entries(StateId))
        {
            _backendHoldsWindows = true;
            Index(_byEnd, FiringMillis(BinaryPrimitives.ReadInt64BigEndian(MapEntryKey.EntryKey(StateId, stored)[8..])), stored);
        }
    }

    /// <summary>The bytes a window of <paramref name="key"/> is stored under: the key's length and bytes, then start and end (big-endian).</summary>
    internal static byte[] StoredKey(ReadOnlySpan<byte> key, long start, long end)
    {
        var stored = new byte[4 + key.Length + 16];
        BinaryPrimitives.WriteUInt32BigEndian(stored, (uint)key.Length);
        key.CopyTo(stored.AsSpan(4));
        BinaryPrimitives.WriteInt64BigEndian(stored.AsSpan(4 + key.Length), start);
        BinaryPrimitives.WriteInt64BigEndian(stored.AsSpan(12 + key.Length), end);
        return stored;
    }

    /// <summary>A window's accumulators held in memory; <see cref="Stored"/> once the backend has a copy (to remove when it fires).</summary>
    private sealed class LiveWindow(byte[] storedKey, Accumulator[] accumulators)
    {
        public byte[] StoredKey { get; } = storedKey;

        public Accumulator[] Accumulators { get; } = accumulators;

        public bool Stored { get; set; }
    }
}
