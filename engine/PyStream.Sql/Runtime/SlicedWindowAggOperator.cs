using System.Buffers.Binary;
using System.Runtime.InteropServices;
using PyStream.Engine.Records;
using PyStream.Engine.State;
using PyStream.Sql.Functions;
using PyStream.Sql.Planning;
using PyStream.Sql.Types;

namespace PyStream.Sql.Runtime;

/// <summary>
/// A HOP or CUMULATE window aggregate by window slicing (Flink's SlicingWindowOperator): the time
/// axis is cut into slices one slide wide, a row is added to the accumulators of its key in its
/// one slice, and when a window fires (the watermark reaches its end - 1) the accumulators of its
/// slices are merged into its result. A slice is dropped once the last window using it has fired.
/// Results equal <see cref="WindowAggOperator"/>'s, which keeps one accumulator per window and is
/// used when an aggregate cannot merge (see <see cref="Sliceable"/>).
/// Each slice holds its keys' accumulators in memory (a map by the key's bytes, as Flink's window
/// buffer), so a row costs one lookup: rows come mostly in time order and the slice of the
/// previous row is kept. At a checkpoint (or when too many are held) they are written to the keyed
/// state backend under the key's bytes, then the slice's start and end; the slice remembers which
/// keys the backend holds. Each entry's leading number holds the end of the last window fired, so
/// a restore does not fire a window again. A fired window's rows are written straight into typed
/// columns.
/// </summary>
public sealed class SlicedWindowAggOperator : WindowAggBase
{
    /// <summary>Accumulators (a key in a slice) held in memory before they are all written to the state backend and dropped from memory.</summary>
    private const int MaxLiveSlices = 1 << 20;

    /// <summary>The most rows in one emitted batch of results.</summary>
    private const int MaxResultRows = 8192;

    /// <summary>Every slice not yet dropped, by its end.</summary>
    private readonly SortedDictionary<long, Slice> _slices = [];
    private int _liveCount;
    private bool _indexed;
    /// <summary>The end of the last window fired (or passed by the watermark with nothing to fire).</summary>
    private long _lastFired = long.MinValue;
    /// <summary>The window being fired: its keys' merged accumulators (reused from window to window).</summary>
    private readonly Dictionary<byte[], Accumulator[]> _merged = new(ByteArrayComparer.Instance);

    public SlicedWindowAggOperator(string name, RowKeys keys, AggregateCalls calls, WindowDefinition window, int timeIndex, IReadOnlyList<SqlType> outputTypes, int inputCount = 1)
        : base(name, keys, calls, window, timeIndex, outputTypes, inputCount, "slices")
    {
        if (!Sliceable(window, calls))
            throw new ArgumentException("window slicing needs a HOP or CUMULATE window whose size is a multiple of its slide, and aggregates that merge", nameof(window));
    }

    /// <summary>Whether a window aggregate can be computed by slices: HOP or CUMULATE with the size a multiple of the slide, and every aggregate able to merge.</summary>
    public static bool Sliceable(WindowDefinition window, AggregateCalls calls) =>
        window.Kind is WindowKind.Hop or WindowKind.Cumulate && window.Slide > 0 && window.Size % window.Slide == 0
        && calls.Create().All(a => a.CanMerge);

    protected override void ProcessRows(int input, RowBatch rows)
    {
        IndexRestoredSlices();
        var times = (Column<long>)rows.Columns[TimeIndex];
        var watermark = CurrentWatermark;
        var slide = Window.Slide;
        Span<byte> fixedKey = stackalloc byte[Math.Max(Keys.MaxFixedSize, 0)];
        // The slice of the previous row and how many of its windows are late (the watermark does not move within a batch).
        var sliceEnd = long.MinValue;
        var late = 0;
        Slice? slice = null;
        Dictionary<byte[], Accumulator[]>.AlternateLookup<ReadOnlySpan<byte>> live = default;
        for (var i = 0; i < rows.Count; i++)
        {
            if (times.IsNull(i))
                continue;
            var end = WindowAssignment.StartOf(TimeMath.MillisOf(times.Values[i]), Window.Offset, slide) + slide;
            if (end != sliceEnd)
            {
                sliceEnd = end;
                late = LateWindows(end, watermark);
                slice = end + (late * slide) > LastWindowEnd(end) ? null : SliceEnding(end);
                if (slice is not null)
                    live = slice.Live.GetAlternateLookup<ReadOnlySpan<byte>>();
            }

            LateRowsDropped += late;
            if (slice is null)
                continue;

            ReadOnlySpan<byte> key = Keys.MaxFixedSize >= 0 ? fixedKey[..Keys.Write(rows, i, fixedKey)] : Keys.KeyOf(rows, i);
            ref var accumulators = ref CollectionsMarshal.GetValueRefOrAddDefault(live, key, out var exists);
            if (!exists)
            {
                accumulators = Load(slice, key);
                _liveCount++;
            }

            Calls.Apply(accumulators!, rows, i, !rows.KindAt(i).IsAccumulate());
        }

        if (_liveCount > MaxLiveSlices)
            WriteLive(forget: true);
    }

    /// <summary>How many windows of the slice ending at <paramref name="end"/> a row can no longer reach: the watermark passed them or they fired.</summary>
    private int LateWindows(long end, long watermark)
    {
        var late = 0;
        for (var w = end; w <= LastWindowEnd(end) && (w - 1 <= watermark || w <= _lastFired); w += Window.Slide)
            late++;
        return late;
    }

    private Slice SliceEnding(long end)
    {
        if (!_slices.TryGetValue(end, out var slice))
            _slices[end] = slice = new Slice(end);
        return slice;
    }

    protected override void OnWatermark(long watermark)
    {
        IndexRestoredSlices();
        while (_slices.Count > 0)
        {
            var end = Math.Max(_slices.First().Key, _lastFired == long.MinValue ? long.MinValue : _lastFired + Window.Slide);
            if (end - 1 > watermark)
                break;
            Fire(end);
            _lastFired = end;
            DropSlicesUpTo(end);
        }

        // Windows the watermark passed with no slices to fire: rows for them are late from now on.
        if (watermark != long.MinValue && watermark != long.MaxValue)
            _lastFired = Math.Max(_lastFired, WindowAssignment.StartOf(watermark + 1, Window.Offset, Window.Slide));
        base.OnWatermark(watermark);
    }

    /// <summary>The end of the last window that uses the slice ending at <paramref name="sliceEnd"/>.</summary>
    private long LastWindowEnd(long sliceEnd) => Window.Kind == WindowKind.Hop
        ? sliceEnd + Window.Size - Window.Slide
        : WindowAssignment.StartOf(sliceEnd - 1, Window.Offset, Window.Size) + Window.Size;

    /// <summary>The start of the window ending at <paramref name="windowEnd"/>: its slices end after it, up to the window's end.</summary>
    private long WindowStart(long windowEnd) => Window.Kind == WindowKind.Hop
        ? windowEnd - Window.Size
        : WindowAssignment.StartOf(windowEnd - 1, Window.Offset, Window.Size);

    /// <summary>Emits the window ending at <paramref name="end"/> for every key with a slice in it: the merge of those slices.</summary>
    private void Fire(long end)
    {
        var start = WindowStart(end);
        _merged.Clear();
        foreach (var (sliceEnd, slice) in _slices)
        {
            if (sliceEnd > end)
                break;
            if (sliceEnd <= start)
                continue;
            foreach (var (key, accumulators) in slice.Live)
                Merge(key, accumulators);
            foreach (var key in slice.Stored ?? [])
            {
                if (!slice.Live.ContainsKey(key) && Context.State.Get(StateId, StoredKey(key, sliceEnd)) is { } bytes)
                    Merge(key, Calls.Deserialize(bytes, out _));
            }
        }

        EmitResults(start, end);
    }

    private void Merge(byte[] key, Accumulator[] slice)
    {
        ref var merged = ref CollectionsMarshal.GetValueRefOrAddDefault(_merged, key, out var exists);
        if (!exists)
            merged = Calls.Create();
        for (var a = 0; a < slice.Length; a++)
            merged![a].Merge(slice[a]);
    }

    /// <summary>The rows of a fired window (keys, window_start, window_end, window_time in microseconds, then the results), in batches of typed columns.</summary>
    private void EmitResults(long start, long end)
    {
        var keyCount = Keys.Columns.Count;
        var left = _merged.Count;
        Column[]? columns = null;
        var row = 0;
        foreach (var (key, accumulators) in _merged)
        {
            if (columns is null)
            {
                columns = new Column[OutputTypes.Count];
                for (var c = 0; c < columns.Length; c++)
                    columns[c] = Column.Create(OutputTypes[c].ClrType, Math.Min(left, MaxResultRows));
                row = 0;
            }

            Keys.ReadInto(key, columns, row);
            ((Column<long>)columns[keyCount]).Values[row] = start * 1000;
            ((Column<long>)columns[keyCount + 1]).Values[row] = end * 1000;
            ((Column<long>)columns[keyCount + 2]).Values[row] = (end - 1) * 1000;
            for (var a = 0; a < accumulators.Length; a++)
                accumulators[a].WriteResult(columns[keyCount + 3 + a], row);
            row++;
            left--;
            if (row == columns[^1].Count)
            {
                EmitRows(new RowBatch(columns, row, null));
                columns = null;
            }
        }
    }

    /// <summary>Drops every slice whose last window ends at or before <paramref name="windowEnd"/> (it has fired), and its entries in the backend.</summary>
    private void DropSlicesUpTo(long windowEnd)
    {
        while (_slices.Count > 0 && _slices.First() is var (sliceEnd, slice) && LastWindowEnd(sliceEnd) <= windowEnd)
        {
            _slices.Remove(sliceEnd);
            _liveCount -= slice.Live.Count;
            foreach (var key in slice.Stored ?? [])
                Context.State.Remove(StateId, StoredKey(key, sliceEnd));
        }
    }

    /// <summary>A key's accumulators in a slice: from the state backend when it holds them, else new ones.</summary>
    private Accumulator[] Load(Slice slice, ReadOnlySpan<byte> key) =>
        slice.Stored is { } stored && stored.GetAlternateLookup<ReadOnlySpan<byte>>().Contains(key)
        && Context.State.Get(StateId, StoredKey(key, slice.End)) is { } bytes
            ? Calls.Deserialize(bytes, out _)
            : Calls.Create();

    protected override void WriteLive(bool forget)
    {
        foreach (var slice in _slices.Values)
        {
            if (slice.Live.Count == 0)
                continue;
            slice.Stored ??= new HashSet<byte[]>(ByteArrayComparer.Instance);
            foreach (var (key, accumulators) in slice.Live)
            {
                Context.State.Put(StateId, StoredKey(key, slice.End), AggregateCalls.Serialize(accumulators, _lastFired));
                slice.Stored.Add(key);
            }

            if (forget)
                slice.Live.Clear();
        }

        if (forget)
            _liveCount = 0;
    }

    /// <summary>After a restore the slices in state are not known yet, and the last window fired is the largest one their entries recorded.</summary>
    private void IndexRestoredSlices()
    {
        if (_indexed)
            return;
        _indexed = true;
        foreach (var (stored, bytes) in Context.State.Entries(StateId))
        {
            _lastFired = Math.Max(_lastFired, BinaryPrimitives.ReadInt64LittleEndian(bytes));
            var slice = SliceEnding(BinaryPrimitives.ReadInt64BigEndian(MapEntryKey.EntryKey(StateId, stored)[8..]));
            (slice.Stored ??= new HashSet<byte[]>(ByteArrayComparer.Instance)).Add(stored.AsSpan(4, (int)BinaryPrimitives.ReadUInt32BigEndian(stored)).ToArray());
        }
    }

    private byte[] StoredKey(ReadOnlySpan<byte> key, long sliceEnd) => WindowAggOperator.StoredKey(key, sliceEnd - Window.Slide, sliceEnd);

    /// <summary>One slice: its keys' accumulators in memory, and the keys whose accumulators the state backend holds.</summary>
    private sealed class Slice(long end)
    {
        public long End { get; } = end;

        public Dictionary<byte[], Accumulator[]> Live { get; } = new(ByteArrayComparer.Instance);

        public HashSet<byte[]>? Stored { get; set; }
    }
}
