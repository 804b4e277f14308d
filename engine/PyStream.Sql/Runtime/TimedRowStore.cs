using System.Buffers.Binary;
using PyStream.Engine.Records;
using PyStream.Engine.State;
using PyStream.Sql.Types;

namespace PyStream.Sql.Runtime;

/// <summary>
/// Rows kept per key and time (a window's end, a row's event time) in a map state of the task's
/// keyed backend: the owner is the key's bytes, the entry the time, the value the rows of that key
/// and time with their kinds, in arrival order. Rows added are held in memory until
/// <see cref="Flush"/> (at a checkpoint, or when too many are held) appends them to the backend,
/// so a row costs no read of the rows before it.
/// </summary>
internal sealed class TimedRowStore(string stateId, IReadOnlyList<SqlType> types)
{
    private readonly Dictionary<byte[], SortedDictionary<long, List<(RowKind Kind, object?[] Row)>>> _pending = new(ByteArrayComparer.Instance);

    public string StateId => stateId;

    /// <summary>Rows held in memory, not yet in the backend.</summary>
    public int PendingCount { get; private set; }

    public void Add(byte[] key, long time, RowKind kind, object?[] row)
    {
        if (!_pending.TryGetValue(key, out var byTime))
            _pending[key] = byTime = [];
        if (!byTime.TryGetValue(time, out var rows))
            byTime[time] = rows = [];
        rows.Add((kind, row));
        PendingCount++;
    }

    /// <summary>Removes and returns the rows of <paramref name="key"/> at <paramref name="time"/>: the backend's first, then those held in memory.</summary>
    public List<(RowKind Kind, object?[] Row)> Take(IKeyedStateStore state, byte[] key, long time)
    {
        var stored = StoredKey(key, time);
        var rows = state.Get(stateId, stored) is { } bytes ? Decode(bytes) : [];
        if (rows.Count > 0)
            state.Remove(stateId, stored);
        if (_pending.TryGetValue(key, out var byTime) && byTime.Remove(time, out var held))
        {
            rows.AddRange(held);
            PendingCount -= held.Count;
            if (byTime.Count == 0)
                _pending.Remove(key);
        }

        return rows;
    }

    /// <summary>Removes and returns the rows of <paramref name="key"/> at times up to <paramref name="upTo"/>, by time, each time's rows in arrival order.</summary>
    public SortedDictionary<long, List<(RowKind Kind, object?[] Row)>> TakeUpTo(IKeyedStateStore state, byte[] key, long upTo)
    {
        var times = new SortedSet<long>();
        foreach (var (entry, _) in state.MapEntries(stateId, key))
            times.Add(ReadTime(entry));
        if (_pending.TryGetValue(key, out var byTime))
            times.UnionWith(byTime.Keys);
        var taken = new SortedDictionary<long, List<(RowKind, object?[])>>();
        foreach (var time in times.Where(t => t <= upTo))
            taken[time] = Take(state, key, time);
        return taken;
    }

    /// <summary>Appends the rows held in memory to the backend's rows of the same key and time.</summary>
    public void Flush(IKeyedStateStore state)
    {
        foreach (var (key, byTime) in _pending)
        {
            foreach (var (time, rows) in byTime)
            {
                var stored = StoredKey(key, time);
                var all = state.Get(stateId, stored) is { } bytes ? Decode(bytes) : [];
                all.AddRange(rows);
                state.Put(stateId, stored, Encode(all));
            }
        }

        _pending.Clear();
        PendingCount = 0;
    }

    /// <summary>Every (key, time) the backend holds rows at: what a restored operator indexes its timers from.</summary>
    public IEnumerable<(byte[] Key, long Time)> StoredTimes(IKeyedStateStore state)
    {
        foreach (var (stored, _) in state.Entries(stateId))
            yield return (MapEntryKey.Owner(stateId, stored).ToArray(), ReadTime(MapEntryKey.EntryKey(stateId, stored)));
    }

    /// <summary>A key's entry at a time: the key, then the time (big-endian, sign flipped so bytes sort as times do).</summary>
    public static byte[] StoredKey(byte[] key, long time)
    {
        var prefix = MapEntryKey.Prefix(key);
        var stored = new byte[prefix.Length + 8];
        prefix.CopyTo(stored, 0);
        BinaryPrimitives.WriteUInt64BigEndian(stored.AsSpan(prefix.Length), (ulong)time ^ (1UL << 63));
        return stored;
    }

    public static long ReadTime(ReadOnlySpan<byte> entry) => (long)(BinaryPrimitives.ReadUInt64BigEndian(entry) ^ (1UL << 63));

    public byte[] Encode(List<(RowKind Kind, object?[] Row)> rows)
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream))
        {
            writer.Write(rows.Count);
            foreach (var (kind, row) in rows)
            {
                writer.Write((byte)kind);
                ValueCodec.WriteRow(writer, row, types);
            }
        }

        return stream.ToArray();
    }

    public List<(RowKind Kind, object?[] Row)> Decode(byte[] bytes)
    {
        using var reader = new BinaryReader(new MemoryStream(bytes));
        var rows = new List<(RowKind, object?[])>(reader.ReadInt32());
        for (var r = rows.Capacity; r > 0; r--)
        {
            var kind = (RowKind)reader.ReadByte();
            rows.Add((kind, ValueCodec.ReadRow(reader, types)));
        }

        return rows;
    }
}
