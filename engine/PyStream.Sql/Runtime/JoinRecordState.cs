using System.Buffers.Binary;
using PyStream.Engine.State;
using PyStream.Sql.Types;

namespace PyStream.Sql.Runtime;

/// <summary>
/// One side's rows of a regular join (Flink's JoinRecordStateView for an input without a unique
/// key): a map state per join key, from a row's bytes to how many times the row is there and, on
/// an outer side, with how many rows of the other side it is associated (what decides whether its
/// null-padded row is out). With a TTL each entry carries the time it was last written (8 bytes
/// big-endian first, as <see cref="StateTtl"/> reads them) and is gone once the TTL passed since.
/// </summary>
internal sealed class JoinRecordState(IKeyedStateStore store, string stateId, IReadOnlyList<SqlType> types, bool outer, long ttlMillis)
{
    // One buffer for every row encoded: a row's bytes are copied out of it.
    private readonly BinaryWriter _writer = new(new MemoryStream());

    public bool Outer => outer;

    public string StateId => stateId;

    /// <summary>A row of a join key's state: its values and bytes, multiplicity and associations (0 on an inner side).</summary>
    public sealed class Record(object?[] row, byte[] bytes, int count, int associations)
    {
        public object?[] Row { get; } = row;

        public byte[] Bytes { get; } = bytes;

        public int Count { get; set; } = count;

        public int Associations { get; set; } = associations;
    }

    /// <summary>The live rows of a join key (expired ones are removed as they are met).</summary>
    public List<Record> Records(byte[] key, long now)
    {
        var records = new List<Record>();
        foreach (var (entry, value) in store.MapEntries(stateId, key).ToList())
        {
            var at = ttlMillis > 0 ? 8 : 0;
            if (ttlMillis > 0 && BinaryPrimitives.ReadInt64BigEndian(value) + ttlMillis <= now)
            {
                store.Remove(stateId, Stored(key, entry));
                continue;
            }

            var count = BinaryPrimitives.ReadInt32LittleEndian(value.AsSpan(at));
            var associations = outer ? BinaryPrimitives.ReadInt32LittleEndian(value.AsSpan(at + 4)) : 0;
            records.Add(new Record(Decode(entry), entry, count, associations));
        }

        return records;
    }

    /// <summary>One more of the row; on an outer side its associations become <paramref name="associations"/> (Flink's addRecord).</summary>
    public void Add(byte[] key, byte[] row, int associations, long now)
    {
        var (count, _) = Read(key, row, now);
        Write(key, row, count + 1, associations, now);
    }

    /// <summary>One fewer of the row; a row that is not there (never was, or expired) stays absent.</summary>
    public void Retract(byte[] key, byte[] row, long now)
    {
        var (count, associations) = Read(key, row, now);
        if (count <= 1)
            store.Remove(stateId, Stored(key, row));
        else
            Write(key, row, count - 1, associations, now);
    }

    public void UpdateAssociations(byte[] key, Record record, int associations, long now)
    {
        record.Associations = associations;
        Write(key, record.Bytes, record.Count, associations, now);
    }

    public byte[] Encode(object?[] row)
    {
        var buffer = (MemoryStream)_writer.BaseStream;
        buffer.SetLength(0);
        ValueCodec.WriteRow(_writer, row, types);
        _writer.Flush();
        return buffer.ToArray();
    }

    private object?[] Decode(byte[] bytes)
    {
        using var reader = new BinaryReader(new MemoryStream(bytes));
        return ValueCodec.ReadRow(reader, types);
    }

    private (int Count, int Associations) Read(byte[] key, byte[] row, long now)
    {
        if (store.Get(stateId, Stored(key, row)) is not { } value)
            return (0, 0);
        var at = ttlMillis > 0 ? 8 : 0;
        if (ttlMillis > 0 && BinaryPrimitives.ReadInt64BigEndian(value) + ttlMillis <= now)
            return (0, 0);
        return (BinaryPrimitives.ReadInt32LittleEndian(value.AsSpan(at)), outer ? BinaryPrimitives.ReadInt32LittleEndian(value.AsSpan(at + 4)) : 0);
    }

    private void Write(byte[] key, byte[] row, int count, int associations, long now)
    {
        var at = ttlMillis > 0 ? 8 : 0;
        var value = new byte[at + (outer ? 8 : 4)];
        if (ttlMillis > 0)
            BinaryPrimitives.WriteInt64BigEndian(value, now);
        BinaryPrimitives.WriteInt32LittleEndian(value.AsSpan(at), count);
        if (outer)
            BinaryPrimitives.WriteInt32LittleEndian(value.AsSpan(at + 4), associations);
        store.Put(stateId, Stored(key, row), value);
    }

    private static byte[] Stored(byte[] key, byte[] row)
    {
        var stored = MapEntryKey.Prefix(key);
        Array.Resize(ref stored, stored.Length + row.Length);
        row.CopyTo(stored, stored.Length - row.Length);
        return stored;
    }
}
