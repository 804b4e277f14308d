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
/// A HOP or CUMULATE window aggregate by window slicing (Flink's SlicingWindowOperator): the time
/// axis is cut into slices one slide wide, a row is added to the accumulators of its key in its
/// one slice, and when a window fires (the watermark reaches its end - 1) the accumulators of its
/// slices are merged into its result. A slice is dropped once the last window using it has fired.
/// Results equal <see cref="WindowAggOperator"/>'s, which keeps one accumulator per window and is
/// used when an aggregate cannot merge (see <see cref="Sliceable"/>). As there, the slices touched
/// are kept in memory and written to the keyed state backend at a checkpoint (under the key's
/// bytes, then the slice's start and end); each entry's leading number holds the end of the last
/// window fired, so a restore does not fire a window again.
/// </summary>
public sealed class SlicedWindowAggOperator : WindowAggBase
{
    /// <summary>Slices held in memory before they are all written to the state backend and dropped from memory.</summary>
    private const int MaxLiveSlices = 1 << 20;

    /// <summary>Per key (its bytes), its slices held in memory, by slice end.</summary>
    private readonly Dictionary<byte[], Dictionary<long, LiveSlice>> _live = new(ByteArrayComparer.Instance);
    private int _liveCount;
    /// <summary>The stored keys of every slice not yet dropped, by slice end.</summary>
    private readonly SortedDictionary<long, List<byte[]>> _bySliceEnd = [];
    private bool _indexed;
    private bool _backendHoldsSlices;
    /// <summary>The end of the last window fired (or passed by the watermark with nothing to fire).</summary>
    private long _lastFired = long.MinValue;

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
        var live = _live.GetAlternateLookup<ReadOnlySpan<byte>>();
        Span<byte> fixedKey = stackalloc byte[Math.Max(Keys.MaxFixedSize, 0)];
        for (var i = 0; i < rows.Count; i++)
        {
            if (times.IsNull(i))
                continue;
            var end = WindowAssignment.StartOf(TimeMath.MillisOf(times.Values[i]), Window.Offset, slide) + slide;
            var lastWindow = LastWindowEnd(end);
            var late = 0;
            for (var w = end; w <= lastWindow && (w - 1 <= watermark || w <= _lastFired); w += slide)
                late++;
            LateRowsDropped += late;
            if (end + (late * slide) > lastWindow)
                continue;

            ReadOnlySpan<byte> key = Keys.MaxFixedSize >= 0 ? fixedKey[..Keys.Write(rows, i, fixedKey)] : Keys.KeyOf(rows, i);
            if (!live.TryGetValue(key, out var slices))
            {
                slices = [];
                _live[key.ToArray()] = slices;
            }

            if (!slices.TryGetValue(end, out var slice))
            {
                slice = Load(StoredKey(key, end - slide, end), end);
                slices[end] = slice;
                _liveCount++;
            }

            Calls.Apply(slice.Accumulators, rows, i, !rows.KindAt(i).IsAccumulate());
        }

        if (_liveCount > MaxLiveSlices)
            WriteLive(forget: true);
    }

    protected override void OnWatermark(long watermark)
    {
        IndexRestoredSlices();
        while (_bySliceEnd.Count > 0)
        {
            var end = Math.Max(_bySliceEnd.First().Key, _lastFired == long.MinValue ? long.MinValue : _lastFired + Window.Slide);
            if (end - 1 > watermark)
                break;
            Fire(end);
            _lastFired = end;
            DropSlicesUpTo(end);
            if (Output.Count >= 8192)
                EmitRows(Output.Take());
        }

        // Windows the watermark passed with no slices to fire: rows for them are late from now on.
        if (watermark != long.MinValue && watermark != long.MaxValue)
            _lastFired = Math.Max(_lastFired, WindowAssignment.StartOf(watermark + 1, Window.Offset, Window.Slide));
        EmitRows(Output.Take());
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
        var merged = new Dictionary<byte[], Accumulator[]>(ByteArrayComparer.Instance);
        var mergedByKey = merged.GetAlternateLookup<ReadOnlySpan<byte>>();
        foreach (var (sliceEnd, storedKeys) in _bySliceEnd)
        {
            if (sliceEnd > end)
                break;
            if (sliceEnd <= start)
                continue;
            foreach (var stored in storedKeys)
            {
                if (SliceAccumulators(stored, sliceEnd) is not { } slice)
                    continue;
                if (!mergedByKey.TryGetValue(KeyOf(stored), out var accumulators))
                    merged[KeyOf(stored).ToArray()] = accumulators = Calls.Create();
                for (var a = 0; a < accumulators.Length; a++)
                    accumulators[a].Merge(slice[a]);
            }
        }

        foreach (var (key, accumulators) in merged)
            WindowAggOperator.AddResult(Output, Keys.Values(key), start, end, end - 1, accumulators);
    }

    /// <summary>A slice's accumulators: in memory, or read from the backend when they were written there and forgotten.</summary>
    private Accumulator[]? SliceAccumulators(byte[] stored, long sliceEnd)
    {
        var live = _live.GetAlternateLookup<ReadOnlySpan<byte>>();
        if (live.TryGetValue(KeyOf(stored), out var slices) && slices.TryGetValue(sliceEnd, out var slice))
            return slice.Accumulators;
        return Context.State.Get(StateId, stored) is { } bytes ? Calls.Deserialize(bytes, out _) : null;
    }

    /// <summary>Drops every slice whose last window ends at or before <paramref name="windowEnd"/> (it has fired).</summary>
    private void DropSlicesUpTo(long windowEnd)
    {
        var live = _live.GetAlternateLookup<ReadOnlySpan<byte>>();
        while (_bySliceEnd.Count > 0 && _bySliceEnd.First() is var (sliceEnd, storedKeys) && LastWindowEnd(sliceEnd) <= windowEnd)
        {
            _bySliceEnd.Remove(sliceEnd);
            foreach (var stored in storedKeys)
            {
                var inMemory = live.TryGetValue(KeyOf(stored), out var slices) && slices.Remove(sliceEnd, out var slice);
                if (inMemory)
                {
                    _liveCount--;
                    if (slices!.Count == 0)
                        live.Remove(KeyOf(stored));
                }

                if (!inMemory || _backendHoldsSlices)
                    Context.State.Remove(StateId, stored);
            }
        }
    }

    /// <summary>A slice's accumulators from the state backend, or new ones (then indexed).</summary>
    private LiveSlice Load(byte[] stored, long end)
    {
        var bytes = _backendHoldsSlices ? Context.State.Get(StateId, stored) : null;
        if (bytes is null)
        {
            // A slice in the backend was indexed when it was new (or restored); only new ones are added.
            WindowAggOperator.Index(_bySliceEnd, end, stored);
        }

        return new LiveSlice(stored, bytes is null ? Calls.Create() : Calls.Deserialize(bytes, out _));
    }

    protected override void WriteLive(bool forget)
    {
        _backendHoldsSlices |= _liveCount > 0;
        foreach (var slices in _live.Values)
        {
            foreach (var slice in slices.Values)
                Context.State.Put(StateId, slice.StoredKey, AggregateCalls.Serialize(slice.Accumulators, _lastFired));
        }

        if (forget)
        {
            _live.Clear();
            _liveCount = 0;
        }
    }

    /// <summary>After a restore the slices in state are not indexed yet, and the last window fired is the largest one their entries recorded.</summary>
    private void IndexRestoredSlices()
    {
        if (_indexed)
            return;
        _indexed = true;
        foreach (var (stored, bytes) in Context.State.Entries(StateId))
        {
            _backendHoldsSlices = true;
            _lastFired = Math.Max(_lastFired, BinaryPrimitives.ReadInt64LittleEndian(bytes));
            WindowAggOperator.Index(_bySliceEnd, BinaryPrimitives.ReadInt64BigEndian(MapEntryKey.EntryKey(StateId, stored)[8..]), stored);
        }
    }

    /// <summary>The key's bytes in a stored slice key (its length, its bytes, then start and end).</summary>
    private static ReadOnlySpan<byte> KeyOf(byte[] stored) => stored.AsSpan(4, (int)BinaryPrimitives.ReadUInt32BigEndian(stored));

    private static byte[] StoredKey(ReadOnlySpan<byte> key, long start, long end) => WindowAggOperator.StoredKey(key, start, end);

    /// <summary>A slice's accumulators held in memory.</summary>
    private sealed record LiveSlice(byte[] StoredKey, Accumulator[] Accumulators);
}
