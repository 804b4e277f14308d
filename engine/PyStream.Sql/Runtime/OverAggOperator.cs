using System.Buffers.Binary;
using PyStream.Engine.Checkpointing;
using PyStream.Engine.Records;
using PyStream.Engine.Runtime;
using PyStream.Engine.State;
using PyStream.Sql.Functions;
using PyStream.Sql.Planning;
using PyStream.Sql.Types;

namespace PyStream.Sql.Runtime;

/// <summary>What an over aggregate computes: the forwarded input columns, the order key, whether it is processing time, the frame.</summary>
public sealed record OverSpec(int ForwardedCount, int OrderIndex, bool ProcTime, OverFrame Frame);

/// <summary>
/// OVER aggregates (Flink's RowTime/ProcTime Rows/Range Bounded/Unbounded PrecedingFunctions in
/// one operator). Every input row gives one output row: its forwarded columns and the
/// aggregates over its frame, append-only. In event time a row waits in keyed state until the
/// watermark passes its timestamp; then the rows of a key are processed in timestamp order
/// (rows of one timestamp in arrival order). A ROWS frame is the row and the n rows before it; a
/// RANGE frame every row whose timestamp is at most the offset before the row's, including its
/// peers (rows of the same timestamp, which all get the same result). Rows at or behind the
/// watermark when they come are late and dropped. In processing time rows are processed as they
/// come, at the task's clock in milliseconds; rows of one millisecond are peers only within a batch.
/// <para>
/// State, per partition key: a map from timestamp to the rows of that timestamp that wait or are
/// still in a frame, and a value with the last processed timestamp and the accumulators. Rows that
/// wait are held in memory between checkpoints and added to the map when one is taken (or when
/// too many wait); the timer
/// index (which keys have rows at which timestamps) is rebuilt from the map after a restore.
/// </para>
/// </summary>
public sealed class OverAggOperator : SqlOperator
{
    private readonly RowKeys _keys;
    private readonly AggregateCalls _calls;
    private readonly OverSpec _spec;
    private readonly IReadOnlyList<SqlType> _inputTypes;
    private readonly RowBuilder _output;

    /// <summary>Rows that wait, not yet in the state backend: per key, per timestamp, in arrival order.</summary>
    private readonly Dictionary<byte[], SortedDictionary<long, List<object?[]>>> _waiting = new(ByteArrayComparer.Instance);

    /// <summary>Rows held in memory (by default) before they are all written to the state backend.</summary>
    public const int DefaultMaxWaitingRows = 1 << 20;

    private readonly int _maxWaitingRows;
    private int _waitingCount;

    /// <summary>The keys that have rows at each timestamp (in memory or in the backend).</summary>
    private readonly SortedDictionary<long, HashSet<byte[]>> _timers = [];
    private bool _indexed;
    private string _rowsState = "";
    private string _keyState = "";

    public OverAggOperator(string name, RowKeys keys, AggregateCalls calls, OverSpec spec, IReadOnlyList<SqlType> inputTypes, IReadOnlyList<SqlType> outputTypes, int inputCount = 1,
        int maxWaitingRows = DefaultMaxWaitingRows)
        : base(name, inputCount)
    {
        _maxWaitingRows = maxWaitingRows;
        _keys = keys;
        _calls = calls;
        _spec = spec;
        _inputTypes = inputTypes;
        _output = new RowBuilder(outputTypes);
    }

    public long LateRowsDropped { get; private set; }

    public override void Open(TaskContext context)
    {
        base.Open(context);
        _rowsState = StateKeys.MapPrefix + StateKey + "/rows";
        _keyState = StateKey + "/over";
    }

    protected override void ProcessRows(int input, RowBatch rows)
    {
        IndexRestoredRows();
        var watermark = CurrentWatermark;
        var touched = _spec.ProcTime ? new HashSet<byte[]>(ByteArrayComparer.Instance) : null;
        var now = Context.Time.GetUtcNow().ToUnixTimeMilliseconds();
        for (var i = 0; i < rows.Count; i++)
        {
            long timestamp;
            if (_spec.ProcTime)
                timestamp = now;
            else if (rows.Columns[_spec.OrderIndex].GetBoxed(i) is long time)
                timestamp = TimeMath.MillisOf(time);
            else
                continue; // no event time: no place in any frame
            if (!_spec.ProcTime && timestamp <= watermark)
            {
                LateRowsDropped++;
                continue;
            }

            var key = _keys.KeyOf(rows, i);
            var row = new object?[rows.Columns.Length];
            for (var c = 0; c < row.Length; c++)
                row[c] = rows.Columns[c].GetBoxed(i);
            Wait(key, timestamp, row);
            touched?.Add(key);
        }

        if (_waitingCount > _maxWaitingRows)
            WriteWaiting();
        if (touched is not null)
        {
            foreach (var key in touched)
                Process(key, long.MaxValue);
            EmitRows(_output.Take());
        }
    }

    private void Wait(byte[] key, long timestamp, object?[] row)
    {
        if (!_waiting.TryGetValue(key, out var byTime))
            _waiting[key] = byTime = [];
        if (!byTime.TryGetValue(timestamp, out var list))
        {
            byTime[timestamp] = list = [];
            if (!_spec.ProcTime)
                Index(timestamp, key);
        }

        list.Add(row);
        _waitingCount++;
    }

    private void Index(long timestamp, byte[] key)
    {
        if (!_timers.TryGetValue(timestamp, out var keys))
            _timers[timestamp] = keys = new HashSet<byte[]>(ByteArrayComparer.Instance);
        keys.Add(key);
    }

    protected override void OnWatermark(long watermark)
    {
        IndexRestoredRows();
        var due = new HashSet<byte[]>(ByteArrayComparer.Instance);
        while (_timers.Count > 0 && _timers.First() is var (timestamp, keys) && timestamp <= watermark)
        {
            _timers.Remove(timestamp);
            due.UnionWith(keys);
        }

        foreach (var key in due)
        {
            Process(key, watermark);
            if (_output.Count >= 8192)
                EmitRows(_output.Take());
        }

        EmitRows(_output.Take());
        base.OnWatermark(watermark);
    }

    /// <summary>Processes the rows of <paramref name="key"/> up to <paramref name="upTo"/> in timestamp order, emitting a row for each.</summary>
    private void Process(byte[] key, long upTo)
    {
        var (lastProcessed, accumulators) = LoadKey(key);
        var stored = new SortedDictionary<long, List<object?[]>>();
        foreach (var (entry, value) in Context.State.MapEntries(_rowsState, key))
            stored[ReadTime(entry)] = DecodeRows(value);
        var loaded = stored.ToDictionary(s => s.Key, s => s.Value.Count);

        // Rows in memory come after the backend's rows of the same timestamp (they arrived later).
        // Processing-time rows that come in the same millisecond as processed ones join those.
        if (_waiting.TryGetValue(key, out var waiting))
        {
            foreach (var (timestamp, rows) in waiting.Where(w => w.Key <= upTo).ToList())
            {
                var at = _spec.ProcTime ? Math.Max(timestamp, lastProcessed + 1) : timestamp;
                if (!stored.TryGetValue(at, out var list))
                    stored[at] = list = [];
                list.AddRange(rows);
                waiting.Remove(timestamp);
                _waitingCount -= rows.Count;
            }

            if (waiting.Count == 0)
                _waiting.Remove(key);
        }

        // The rows still in the frame of the last processed row, oldest first.
        var frame = new Queue<(long Time, object?[] Row)>();
        foreach (var (timestamp, rows) in stored.Where(s => s.Key <= lastProcessed))
        {
            foreach (var row in rows)
                frame.Enqueue((timestamp, row));
        }

        var processed = new List<long>();
        foreach (var (timestamp, rows) in stored.Where(s => s.Key > lastProcessed && s.Key <= upTo))
        {
            processed.Add(timestamp);
            var batch = Batch(rows);
            if (_spec.Frame.Rows)
            {
                for (var i = 0; i < rows.Count; i++)
                {
                    if (_spec.Frame.Preceding is { } count && frame.Count > count)
                        _calls.Apply(accumulators, Batch([frame.Dequeue().Row]), 0, retract: true);
                    _calls.Apply(accumulators, batch, i, retract: false);
                    AddResult(rows[i], accumulators);
                    if (_spec.Frame.Preceding is not null)
                        frame.Enqueue((timestamp, rows[i]));
                }
            }
            else
            {
                // RANGE: the rows of one timestamp are peers, all in each other's frame.
                if (_spec.Frame.Preceding is { } range)
                {
                    while (frame.Count > 0 && frame.Peek().Time < timestamp - range)
                        _calls.Apply(accumulators, Batch([frame.Dequeue().Row]), 0, retract: true);
                }

                for (var i = 0; i < rows.Count; i++)
                    _calls.Apply(accumulators, batch, i, retract: false);
                foreach (var row in rows)
                {
                    AddResult(row, accumulators);
                    if (_spec.Frame.Preceding is not null)
                        frame.Enqueue((timestamp, row));
                }
            }

            lastProcessed = timestamp;
        }

        // What stays: the frame's rows, and the rows that still wait in the backend. A group is
        // written again when it was processed now or lost rows from its front.
        var kept = frame.GroupBy(f => f.Time).ToDictionary(g => g.Key, g => g.Select(f => f.Row).ToList());
        foreach (var (timestamp, rows) in stored.Where(s => s.Key > upTo))
            kept[timestamp] = rows;
        foreach (var timestamp in loaded.Keys.Where(t => !kept.ContainsKey(t)))
            Context.State.Remove(_rowsState, StoredKey(key, timestamp));
        foreach (var (timestamp, rows) in kept)
        {
            if (!loaded.TryGetValue(timestamp, out var count) || count != rows.Count || processed.Contains(timestamp))
                Context.State.Put(_rowsState, StoredKey(key, timestamp), EncodeRows(rows));
        }

        if (processed.Count > 0)
            StoreKey(key, lastProcessed, accumulators);
    }

    private RowBatch Batch(List<object?[]> rows)
    {
        var builder = new RowBuilder(_inputTypes);
        foreach (var row in rows)
            builder.Add(RowKind.Insert, row);
        return builder.Take()!;
    }

    private void AddResult(object?[] row, Accumulator[] accumulators)
    {
        var result = new object?[_spec.ForwardedCount + accumulators.Length];
        Array.Copy(row, result, _spec.ForwardedCount);
        for (var a = 0; a < accumulators.Length; a++)
            result[_spec.ForwardedCount + a] = accumulators[a].Result;
        _output.Add(RowKind.Insert, result);
    }

    public override void SnapshotState(CheckpointBarrier barrier, IDictionary<string, byte[]> states)
    {
        WriteWaiting();
        base.SnapshotState(barrier, states);
    }

    /// <summary>Adds the rows that wait in memory to the backend, after any it holds for the same key and timestamp.</summary>
    private void WriteWaiting()
    {
        foreach (var (key, byTime) in _waiting)
        {
            foreach (var (timestamp, rows) in byTime)
            {
                var stored = StoredKey(key, timestamp);
                var all = Context.State.Get(_rowsState, stored) is { } bytes ? DecodeRows(bytes) : [];
                all.AddRange(rows);
                Context.State.Put(_rowsState, stored, EncodeRows(all));
            }
        }

        _waiting.Clear();
        _waitingCount = 0;
    }

    /// <summary>After a restore the backend's rows are not in the timer index yet: the first call indexes them (rows already processed are skipped when their timer fires).</summary>
    private void IndexRestoredRows()
    {
        if (_indexed)
            return;
        _indexed = true;
        if (_spec.ProcTime)
            return;
        foreach (var (stored, _) in Context.State.Entries(_rowsState))
            Index(ReadTime(MapEntryKey.EntryKey(_rowsState, stored)), MapEntryKey.Owner(_rowsState, stored).ToArray());
    }

    /// <summary>A key's accumulators and last processed timestamp (kept in the serialized accumulators' row-count slot).</summary>
    private (long LastProcessed, Accumulator[] Accumulators) LoadKey(byte[] key)
    {
        if (Context.State.Get(_keyState, key) is not { } bytes)
            return (long.MinValue, _calls.Create());
        var accumulators = _calls.Deserialize(bytes, out var lastProcessed);
        return (lastProcessed, accumulators);
    }

    private void StoreKey(byte[] key, long lastProcessed, Accumulator[] accumulators) =>
        Context.State.Put(_keyState, key, AggregateCalls.Serialize(accumulators, lastProcessed));

    private static byte[] StoredKey(byte[] key, long timestamp) => TimeEntryKey.Stored(key, timestamp);

    private static long ReadTime(ReadOnlySpan<byte> entry) => TimeEntryKey.Time(entry);

    private byte[] EncodeRows(List<object?[]> rows)
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream))
        {
            writer.Write(rows.Count);
            foreach (var row in rows)
            {
                for (var c = 0; c < row.Length; c++)
                    ValueCodec.Write(writer, row[c], _inputTypes[c]);
            }
        }

        return stream.ToArray();
    }

    private List<object?[]> DecodeRows(byte[] bytes)
    {
        using var reader = new BinaryReader(new MemoryStream(bytes));
        var rows = new List<object?[]>(reader.ReadInt32());
        for (var r = rows.Capacity; r > 0; r--)
        {
            var row = new object?[_inputTypes.Count];
            for (var c = 0; c < row.Length; c++)
                row[c] = ValueCodec.Read(reader, _inputTypes[c]);
            rows.Add(row);
        }

        return rows;
    }
}
