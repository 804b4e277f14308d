using System.Buffers.Binary;
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
/// late and dropped. Accumulators live in the keyed state backend (a map per key: window -> state),
/// read and written once per key and window per batch.
/// </summary>
public sealed class WindowAggOperator : SqlOperator
{
    private readonly RowKeys _keys;
    private readonly AggregateCalls _calls;
    private readonly WindowDefinition _window;
    private readonly int _timeIndex;
    private readonly RowBuilder _output;
    private readonly Dictionary<byte[], Accumulator[]> _touched = new(ByteArrayComparer.Instance);
    private readonly SortedDictionary<long, HashSet<byte[]>> _byEnd = [];
    private string _stateId = "";
    private bool _indexed;

    public WindowAggOperator(string name, RowKeys keys, AggregateCalls calls, WindowDefinition window, int timeIndex, IReadOnlyList<SqlType> outputTypes, int inputCount = 1)
        : base(name, inputCount)
    {
        _keys = keys;
        _calls = calls;
        _window = window;
        _timeIndex = timeIndex;
        _output = new RowBuilder(outputTypes);
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
        var times = rows.Columns[_timeIndex];
        var watermark = CurrentWatermark;
        for (var i = 0; i < rows.Count; i++)
        {
            if (times.IsNull(i))
                continue;
            var timestamp = Millis(times.GetBoxed(i)!);
            var key = _keys.KeyOf(rows, i);
            var retract = !rows.KindAt(i).IsAccumulate();
            WindowAssignment.Assign(_window, timestamp, (start, end) =>
            {
                if (end - 1 <= watermark)
                {
                    LateRowsDropped++;
                    return;
                }

                var stored = StoredKey(key, start, end);
                if (!_touched.TryGetValue(stored, out var accumulators))
                {
                    accumulators = Context.State.Get(_stateId, stored) is { } bytes ? _calls.Deserialize(bytes, out _) : _calls.Create();
                    _touched[stored] = accumulators;
                    if (!_byEnd.TryGetValue(end, out var keys))
                        _byEnd[end] = keys = new HashSet<byte[]>(ByteArrayComparer.Instance);
                    keys.Add(stored);
                }

                _calls.Apply(accumulators, rows, i, retract);
            });
        }

        foreach (var (stored, accumulators) in _touched)
            Context.State.Put(_stateId, stored, AggregateCalls.Serialize(accumulators, 0));
        _touched.Clear();
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

    private void Fire(byte[] stored)
    {
        var bytes = Context.State.Get(_stateId, stored);
        Context.State.Remove(_stateId, stored);
        if (bytes is null)
            return;
        var accumulators = _calls.Deserialize(bytes, out _);
        var entry = MapEntryKey.EntryKey(_stateId, stored);
        var start = BinaryPrimitives.ReadInt64BigEndian(entry);
        var end = BinaryPrimitives.ReadInt64BigEndian(entry[8..]);
        var key = MapEntryKey.Owner(_stateId, stored).ToArray();
        _output.Add(RowKind.Insert, [.. _keys.Values(key), start * 1000, end * 1000, (end - 1) * 1000, .. accumulators.Select(a => a.Result)]);
    }

    /// <summary>After a restore the windows in state are not in the timer index yet: the first call indexes them.</summary>
    private void IndexRestoredWindows()
    {
        if (_indexed)
            return;
        _indexed = true;
        foreach (var (stored, _) in Context.State.Entries(_stateId))
        {
            var end = BinaryPrimitives.ReadInt64BigEndian(MapEntryKey.EntryKey(_stateId, stored)[8..]);
            if (!_byEnd.TryGetValue(end, out var keys))
                _byEnd[end] = keys = new HashSet<byte[]>(ByteArrayComparer.Instance);
            keys.Add(stored);
        }
    }

    private static byte[] StoredKey(byte[] key, long start, long end)
    {
        var stored = new byte[4 + key.Length + 16];
        BinaryPrimitives.WriteUInt32BigEndian(stored, (uint)key.Length);
        key.CopyTo(stored, 4);
        BinaryPrimitives.WriteInt64BigEndian(stored.AsSpan(4 + key.Length), start);
        BinaryPrimitives.WriteInt64BigEndian(stored.AsSpan(12 + key.Length), end);
        return stored;
    }

    /// <summary>A TIMESTAMP(p) value (microseconds) in milliseconds, rounded down.</summary>
    private static long Millis(object micros) => Math.DivRem((long)micros, 1000L) is var (q, r) && r < 0 ? q - 1 : q;
}
