using System.Buffers.Binary;
using PyStream.Engine.Records;
using PyStream.Engine.State;
using PyStream.Sql.Types;

namespace PyStream.Sql.Runtime;

/// <summary>
/// One side's rows of a regular join (Flink's JoinRecordStateView for an input without a unique
/// key), in one of two layouts chosen by the state id's shape:
/// <list type="bullet">
/// <item>a map state (outer sides, and any side with a TTL): per join key, from a row's bytes to
/// how many times the row is there and, on an outer side, with how many rows of the other side it
/// is associated (what decides whether its null-padded row is out). With a TTL each entry carries
/// the time it was last written (8 bytes big-endian first, as <see cref="StateTtl"/> reads them) and
/// is gone once the TTL passed since;</item>
/// <item>a list state (inner sides without a TTL, which count nothing but copies): per join key,
/// every copy of every row, each framed by its length. An insert appends without reading (and
/// allocates nothing per row on the heap backend); a retraction takes one copy out.</item>
/// </list>
/// </summary>
internal sealed class JoinRecordState
{
    private readonly IKeyedStateStore _store;
    private readonly string _stateId;
    private readonly IReadOnlyList<SqlType> _types;
    private readonly bool _outer;
    private readonly long _ttlMillis;
    private readonly bool _appends;

    // One buffer for what every row writes (a map entry's key, or a list element), and one for map values.
    private readonly BinaryWriter _writer = new(new MemoryStream());
    private readonly byte[] _value = new byte[16];
    private readonly RowCodec _codec;

    /// <summary>
    /// A list side's rows per join key as last read, decoded: valid until a row of that key is added or
    /// taken out (the other side reads a key's rows for every batch that has the key).
    /// </summary>
    private readonly Dictionary<byte[], List<Record>> _decoded = new(ByteArrayComparer.Instance);
    private const int MaxDecodedKeys = 65_536;

    public JoinRecordState(IKeyedStateStore store, string stateId, IReadOnlyList<SqlType> types, bool outer, long ttlMillis)
    {
        (_store, _stateId, _types, _outer, _ttlMillis) = (store, stateId, types, outer, ttlMillis);
        _codec = new RowCodec(types);
        _appends = StateKeys.ShapeOf(stateId) == StateShape.List;
        if (_appends && (outer || ttlMillis > 0))
            throw new ArgumentException("an outer side or a side with a TTL keeps its rows in a map state", nameof(stateId));
    }

    /// <summary>The state id of a side's rows: a list state for an inner side without a TTL, a map state otherwise.</summary>
    public static string StateIdFor(string operatorKey, string side, bool outer, long ttlMillis) =>
        (outer || ttlMillis > 0 ? StateKeys.MapPrefix : StateKeys.ListPrefix) + operatorKey + "/" + side;

    public bool Outer => _outer;

    private MemoryStream Buffer => (MemoryStream)_writer.BaseStream;

    /// <summary>
    /// A row of a join key's state: its values, its bytes (a map entry's key; empty in the list layout,
    /// where nothing finds a row by them), multiplicity and associations (0 on an inner side).
    /// </summary>
    public sealed class Record(object?[] row, byte[] bytes, int count, int associations)
    {
        public object?[] Row { get; } = row;

        public byte[] Bytes { get; } = bytes;

        public int Count { get; set; } = count;

        public int Associations { get; set; } = associations;
    }

    /// <summary>The live rows of a join key (expired ones are removed as they are met), in the order they came.</summary>
    public List<Record> Records(ReadOnlySpan<byte> key, long now) => _appends ? ListedRecords(key) : MappedRecords(key.ToArray(), now);

    /// <summary>The join keys with rows.</summary>
    public IEnumerable<byte[]> Keys() => _appends
        ? _store.Entries(_stateId).Select(e => e.Key).ToList()
        : _store.Entries(_stateId).Select(e => MapEntryKey.Owner(_stateId, e.Key).ToArray()).Distinct(ByteArrayComparer.Instance).ToList();

    /// <summary>One more of row <paramref name="row"/> of <paramref name="rows"/>; on an outer side its associations become <paramref name="associations"/> (Flink's addRecord).</summary>
    public void Add(ReadOnlySpan<byte> key, RowBatch rows, int row, int associations, long now)
    {
        if (_appends)
        {
            Changed(key);
            _store.Append(_stateId, key, Element(rows, row));
            return;
        }

        var stored = Stored(key, rows, row);
        var (count, _) = Read(stored, now);
        Write(stored, count + 1, associations, now);
    }

    /// <summary>One fewer of the row; a row that is not there (never was, or expired) stays absent.</summary>
    public void Retract(ReadOnlySpan<byte> key, RowBatch rows, int row, long now)
    {
        if (_appends)
        {
            Changed(key);
            RemoveElement(key, Element(rows, row));
            return;
        }

        var stored = Stored(key, rows, row);
        var (count, associations) = Read(stored, now);
        if (count <= 1)
            _store.Remove(_stateId, stored);
        else
            Write(stored, count - 1, associations, now);
    }

    public void UpdateAssociations(ReadOnlySpan<byte> key, Record record, int associations, long now)
    {
        if (_appends)
            throw new InvalidOperationException("an inner side's rows have no associations");
        record.Associations = associations;
        StartWrite();
        WriteOwner(key);
        Buffer.Write(record.Bytes);
        Write(Written, record.Count, associations, now);
    }

    private List<Record> MappedRecords(byte[] key, long now)
    {
        var records = new List<Record>();
        foreach (var (entry, value) in _store.MapEntries(_stateId, key).ToList())
        {
            var at = _ttlMillis > 0 ? 8 : 0;
            if (_ttlMillis > 0 && BinaryPrimitives.ReadInt64BigEndian(value) + _ttlMillis <= now)
            {
                StartWrite();
                WriteOwner(key);
                Buffer.Write(entry);
                _store.Remove(_stateId, Written);
                continue;
            }

            var count = BinaryPrimitives.ReadInt32LittleEndian(value.AsSpan(at));
            var associations = _outer ? BinaryPrimitives.ReadInt32LittleEndian(value.AsSpan(at + 4)) : 0;
            records.Add(new Record(Decode(entry), entry, count, associations));
        }

        return records;
    }

    private void Changed(ReadOnlySpan<byte> key)
    {
        if (_decoded.Count > 0)
            _decoded.GetAlternateLookup<ReadOnlySpan<byte>>().Remove(key);
    }

    /// <summary>
    /// A list's rows, one record per copy (an inner side's copies need not be counted together: each
    /// joins as one more row, and a retraction takes out the first copy it finds in the list).
    /// </summary>
    private List<Record> ListedRecords(ReadOnlySpan<byte> key)
    {
        if (_decoded.GetAlternateLookup<ReadOnlySpan<byte>>().TryGetValue(key, out var cached))
            return cached;
        if (_decoded.Count >= MaxDecodedKeys)
            _decoded.Clear();
        var records = new List<Record>();
        _decoded[key.ToArray()] = records;
        if (_store.Get(_stateId, key) is not { } list)
            return records;
        for (var at = 0; at < list.Length;)
        {
            var length = BinaryPrimitives.ReadInt32LittleEndian(list.AsSpan(at));
            records.Add(new Record(Decode(list.AsSpan(at + 4, length)), [], 1, 0));
            at += 4 + length;
        }

        return records;
    }

    /// <summary>Takes the first copy of <paramref name="element"/> out of a key's list (nothing when there is none).</summary>
    private void RemoveElement(ReadOnlySpan<byte> key, ReadOnlySpan<byte> element)
    {
        if (_store.Get(_stateId, key) is not { } list)
            return;
        for (var at = 0; at < list.Length;)
        {
            var size = 4 + BinaryPrimitives.ReadInt32LittleEndian(list.AsSpan(at));
            if (list.AsSpan(at, size).SequenceEqual(element))
            {
                if (size == list.Length)
                {
                    _store.Remove(_stateId, key);
                    return;
                }

                var rest = new byte[list.Length - size];
                list.AsSpan(0, at).CopyTo(rest);
                list.AsSpan(at + size).CopyTo(rest.AsSpan(at));
                _store.Put(_stateId, key, rest);
                return;
            }

            at += size;
        }
    }

    private object?[] Decode(ReadOnlySpan<byte> bytes) => _codec.Decode(bytes);

    /// <summary>A map entry's stored key: the join key's prefix (<see cref="MapEntryKey.Prefix"/>), then the row's bytes.</summary>
    private ReadOnlySpan<byte> Stored(ReadOnlySpan<byte> key, RowBatch rows, int row)
    {
        StartWrite();
        WriteOwner(key);
        WriteRow(rows, row);
        return Written;
    }

    /// <summary>A list element: the row's length (4 bytes little-endian), then its bytes.</summary>
    private ReadOnlySpan<byte> Element(RowBatch rows, int row)
    {
        StartWrite();
        _writer.Write(0);
        WriteRow(rows, row);
        var element = Buffer.GetBuffer().AsSpan(0, (int)Buffer.Length);
        BinaryPrimitives.WriteInt32LittleEndian(element, element.Length - 4);
        return element;
    }

    private void StartWrite() => Buffer.SetLength(0);

    private ReadOnlySpan<byte> Written => Buffer.GetBuffer().AsSpan(0, (int)Buffer.Length);

    private void WriteOwner(ReadOnlySpan<byte> key)
    {
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(length, (uint)key.Length);
        Buffer.Write(length);
        Buffer.Write(key);
    }

    private void WriteRow(RowBatch rows, int row)
    {
        for (var c = 0; c < _types.Count; c++)
            ValueCodec.Write(_writer, rows.Columns[c], row, _types[c]);
        _writer.Flush();
    }

    private (int Count, int Associations) Read(ReadOnlySpan<byte> stored, long now)
    {
        if (_store.Get(_stateId, stored) is not { } value)
            return (0, 0);
        var at = _ttlMillis > 0 ? 8 : 0;
        if (_ttlMillis > 0 && BinaryPrimitives.ReadInt64BigEndian(value) + _ttlMillis <= now)
            return (0, 0);
        return (BinaryPrimitives.ReadInt32LittleEndian(value.AsSpan(at)), _outer ? BinaryPrimitives.ReadInt32LittleEndian(value.AsSpan(at + 4)) : 0);
    }

    private void Write(ReadOnlySpan<byte> stored, int count, int associations, long now)
    {
        var at = _ttlMillis > 0 ? 8 : 0;
        var value = _value.AsSpan(0, at + (_outer ? 8 : 4));
        if (_ttlMillis > 0)
            BinaryPrimitives.WriteInt64BigEndian(value, now);
        BinaryPrimitives.WriteInt32LittleEndian(value[at..], count);
        if (_outer)
            BinaryPrimitives.WriteInt32LittleEndian(value[(at + 4)..], associations);
        _store.Put(_stateId, stored, value);
    }
}
