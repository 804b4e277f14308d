using System.Buffers.Binary;
using PyStream.Engine.Checkpointing;
using PyStream.Engine.Records;
using PyStream.Engine.Runtime;
using PyStream.Engine.State;
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
public sealed class WindowAggOperator : SqlOperator
{
    /// <summary>Windows held in memory before they are all written to the state backend and dropped from memory.</summary>
    private const int MaxLiveWindows = 1 << 20;

    private readonly RowKeys _keys;
    private readonly AggregateCalls _calls;
    private readonly WindowDefinition _window;
    private readonly int _timeIndex;
    private readonly RowBuilder _output;
    /// <summary>Per key (its bytes), its windows held in memory, by window end (unique per key: windows of one key that end together start together).</summary>
    private readonly Dictionary<byte[], Dictionary<long, LiveWindow>> _live = new(ByteArrayComparer.Instance);
    private int _liveCount;
    private readonly SortedDictionary<long, List<byte[]>> _byEnd = [];
    private readonly (long Start, long End)[] _windows;
    private string _stateId = "";
    private bool _indexed;

    /// <summary>False until windows are written to the backend (or restored from it): until then a new window is not looked up there.</summary>
    private bool _backendHoldsWindows;

    public WindowAggOperator(string name, RowKeys keys, AggregateCalls calls, WindowDefinition window, int timeIndex, IReadOnlyList<SqlType> outputTypes, int inputCount = 1)
        : base(name, inputCount)
    {
        _keys = keys;
        _calls = calls;
        _window = window;
        _timeIndex = timeIndex;
        _output = new RowBuilder(outputTypes);
        _windows = new (long, long)[WindowAssignment.MaxWindows(window)];
    }

    public long LateRowsDropped { get; private set; }

    public override void Open(TaskContext context)
    {
        base.Open(context);
        _stateId = StateKeys.MapPrefix + StateKey + "/windows";
    }

    protected override void ProcessRows(int input, RowBatch rows)
    {
        IndexRestoredWindows();
        var times = (Column<long>)rows.Columns[_timeIndex];
        var watermark = CurrentWatermark;
        var live = _live.GetAlternateLookup<ReadOnlySpan<byte>>();
        Span<byte> fixedKey = stackalloc byte[Math.Max(_keys.MaxFixedSize, 0)];
        for (var i = 0; i < rows.Count; i++)
        {
            if (times.IsNull(i))
                continue;
            var timestamp = Millis(times.Values[i]);
            ReadOnlySpan<byte> key = _keys.MaxFixedSize >= 0 ? fixedKey[.._keys.Write(rows, i, fixedKey)] : _keys.KeyOf(rows, i);
            if (!live.TryGetValue(key, out var windows))
            {
                windows = [];
                _live[key.ToArray()] = windows;
            }

            var retract = !rows.KindAt(i).IsAccumulate();
            var count = WindowAssignment.Assign(_window, timestamp, _windows);
            for (var w = 0; w < count; w++)
            {
                var (start, end) = _windows[w];
                if (end - 1 <= watermark)
                {
                    LateRowsDropped++;
                    continue;
                }

                if (!windows.TryGetValue(end, out var window))
                {
                    window = Load(StoredKey(key, start, end), end);
                    windows[end] = window;
                    _liveCount++;
                }

                _calls.Apply(window.Accumulators, rows, i, retract);
            }
        }

        if (_liveCount > MaxLiveWindows)
            WriteLiveWindows(forget: true);
    }

    public override void SnapshotState(CheckpointBarrier barrier, IDictionary<string, byte[]> states)
    {
        WriteLiveWindows(forget: false);
        base.SnapshotState(barrier, states);
    }

    protected override void OnWatermark(long watermark)
    {
        IndexRestoredWindows();
        while (_byEnd.Count > 0 && _byEnd.First() is var (end, keys) && end - 1 <= watermark)
        {
            _byEnd.Remove(end);
            foreach (var stored in keys)
                Fire(stored);
            if (_output.Count >= 8192)
                EmitRows(_output.Take());
        }

        EmitRows(_output.Take());
        base.OnWatermark(watermark);
    }

    /// <summary>A window's accumulators from the state backend, or new ones (then indexed for firing).</summary>
    private LiveWindow Load(byte[] stored, long end)
    {
        var bytes = _backendHoldsWindows ? Context.State.Get(_stateId, stored) : null;
        var window = new LiveWindow(stored, bytes is null ? _calls.Create() : _calls.Deserialize(bytes, out _)) { Stored = bytes is not null };
        if (bytes is null)
        {
            // A window in the backend was indexed when it was new (or restored); only new ones are added.
            Index(_byEnd, end, stored);
        }

        return window;
    }

    private void WriteLiveWindows(bool forget)
    {
        _backendHoldsWindows |= _liveCount > 0;
        foreach (var windows in _live.Values)
        {
            foreach (var window in windows.Values)
            {
                Context.State.Put(_stateId, window.StoredKey, AggregateCalls.Serialize(window.Accumulators, 0));
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
                Context.State.Remove(_stateId, stored);
        }
        else
        {
            var bytes = Context.State.Get(_stateId, stored);
            Context.State.Remove(_stateId, stored);
            if (bytes is null)
                return;
            accumulators = _calls.Deserialize(bytes, out _);
        }

        var entry = MapEntryKey.EntryKey(_stateId, stored);
        var start = BinaryPrimitives.ReadInt64BigEndian(entry);
        var end = BinaryPrimitives.ReadInt64BigEndian(entry[8..]);
        AddResult(_output, _keys.Values(MapEntryKey.Owner(_stateId, stored).ToArray()), start, end, accumulators);
    }

    /// <summary>A fired window's row: keys, window_start, window_end, window_time (end - 1 ms; all in microseconds), then the results.</summary>
    internal static void AddResult(RowBuilder output, object?[] keys, long start, long end, Accumulator[] accumulators)
    {
        var row = new object?[keys.Length + 3 + accumulators.Length];
        keys.CopyTo(row, 0);
        row[keys.Length] = start * 1000;
        row[keys.Length + 1] = end * 1000;
        row[keys.Length + 2] = (end - 1) * 1000;
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
        foreach (var (stored, _) in Context.State.Entries(_stateId))
        {
            _backendHoldsWindows = true;
            Index(_byEnd, BinaryPrimitives.ReadInt64BigEndian(MapEntryKey.EntryKey(_stateId, stored)[8..]), stored);
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

    /// <summary>A TIMESTAMP(p) value (microseconds) in milliseconds, rounded down.</summary>
    internal static long Millis(long micros) => Math.DivRem(micros, 1000L) is var (q, r) && r < 0 ? q - 1 : q;

    /// <summary>A window's accumulators held in memory; <see cref="Stored"/> once the backend has a copy (to remove when it fires).</summary>
    private sealed class LiveWindow(byte[] storedKey, Accumulator[] accumulators)
    {
        public byte[] StoredKey { get; } = storedKey;

        public Accumulator[] Accumulators { get; } = accumulators;

        public bool Stored { get; set; }
    }
}
