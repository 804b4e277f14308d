using System.Buffers.Binary;
using PyStream.Engine.State;
using PyStream.Engine.Records;
using PyStream.Sql.Types;

namespace PyStream.Sql.Runtime;

/// <summary>
/// An inner join side's rows without a TTL (the list layout of <see cref="JoinRecordState"/>): per
/// join key, every copy of every row, kept in memory typed in a <see cref="RowArena"/> (one slot per
/// copy), so neither storing a row nor joining it encodes, decodes or boxes it. Changes reach the
/// list state (each copy framed by its length, the layout the join always wrote) at
/// <see cref="Flush"/> (the operator's checkpoint): a key's new copies are appended, a key that
/// lost one is written whole. When more than <paramref name="maxCachedRows"/> rows are held, the
/// half of the keys used least recently is written and dropped, and read back when used again.
/// </summary>
internal sealed class JoinListRows(IKeyedStateStore store, string stateId, IReadOnlyList<SqlType> types, int maxCachedRows = JoinListRows.DefaultMaxCachedRows)
{
    public const int DefaultMaxCachedRows = 4_000_000;

    private static readonly List<JoinRecordState.Record> NoRecords = [];

    private readonly Dictionary<byte[], KeyRows> _cache = new(ByteArrayComparer.Instance);
    private readonly List<KeyRows> _dirty = [];
    private readonly RowCodec _codec = new(types);
    private readonly BinaryWriter _writer = new(new MemoryStream());
    private int _cachedRows;
    private long _clock;

    /// <summary>Whether the backend may hold keys that memory does not (rows restored, or keys dropped from memory). Null until the first use.</summary>
    private bool? _backendHoldsMore;

    public RowArena Arena { get; } = new(types);

    /// <summary>A key's rows, one record per copy, in the order they came (a shared empty list when it has none: not to be changed).</summary>
    public List<JoinRecordState.Record> Records(ReadOnlySpan<byte> key) => Find(key, create: false)?.Records ?? NoRecords;

    /// <summary>One more copy of row <paramref name="row"/> of <paramref name="rows"/> under <paramref name="key"/>.</summary>
    public void Add(ReadOnlySpan<byte> key, RowBatch rows, int row)
    {
        if (_cachedRows >= maxCachedRows)
            EvictLeastRecentlyUsed();
        var keyRows = Find(key, create: true)!;
        keyRows.Records.Add(new JoinRecordState.Record(Arena, Arena.Add(rows, row)));
        _cachedRows++;
        MarkDirty(keyRows);
    }

    /// <summary>Takes the first copy of the row out of its key's rows (nothing when there is none).</summary>
    public void Retract(ReadOnlySpan<byte> key, RowBatch rows, int row)
    {
        if (Find(key, create: false) is not { } keyRows)
            return;
        var records = keyRows.Records;
        for (var i = 0; i < records.Count; i++)
        {
            if (!Arena.Same(records[i].Slot, rows, row))
                continue;
            Arena.Release(records[i].Slot);
            records.RemoveAt(i);
            _cachedRows--;
            keyRows.Written = -1;
            MarkDirty(keyRows);
            return;
        }
    }

    /// <summary>Makes the slots of rows taken out reusable: called once no output still to be built reads them.</summary>
    public void Recycle() => Arena.Recycle();

    /// <summary>The join keys with rows (after writing what memory holds).</summary>
    public List<byte[]> Keys()
    {
        Flush();
        return store.Entries(stateId).Select(e => e.Key).ToList();
    }

    /// <summary>Writes the changes held in memory to the list state (before a checkpoint reads it).</summary>
    public void Flush()
    {
        foreach (var keyRows in _dirty)
            Write(keyRows);
        _dirty.Clear();
    }

    private KeyRows? Find(ReadOnlySpan<byte> key, bool create)
    {
        if (_cache.GetAlternateLookup<ReadOnlySpan<byte>>().TryGetValue(key, out var keyRows))
        {
            keyRows.LastUse = ++_clock;
            return keyRows;
        }

        _backendHoldsMore ??= store.Entries(stateId).Any();
        var stored = _backendHoldsMore == true ? store.Get(stateId, key) : null;
        if (stored is null && !create)
            return null;
        keyRows = new KeyRows(key.ToArray()) { LastUse = ++_clock };
        for (var at = 0; stored is not null && at < stored.Length;)
        {
            var length = BinaryPrimitives.ReadInt32LittleEndian(stored.AsSpan(at));
            keyRows.Records.Add(new JoinRecordState.Record(Arena, Arena.Add(_codec.Decode(stored.AsSpan(at + 4, length)))));
            at += 4 + length;
        }

        keyRows.Written = keyRows.Records.Count;
        _cachedRows += keyRows.Records.Count;
        _cache.Add(keyRows.Key, keyRows);
        return keyRows;
    }

    private void MarkDirty(KeyRows keyRows)
    {
        if (keyRows.Dirty)
            return;
        keyRows.Dirty = true;
        _dirty.Add(keyRows);
    }

    private void Write(KeyRows keyRows)
    {
        if (!keyRows.Dirty)
            return; // written already (dropped from memory)
        keyRows.Dirty = false;
        var records = keyRows.Records;
        if (records.Count == 0)
        {
            store.Remove(stateId, keyRows.Key);
            _cache.Remove(keyRows.Key);
            return;
        }

        var from = Math.Max(keyRows.Written, 0);
        var buffer = (MemoryStream)_writer.BaseStream;
        buffer.SetLength(0);
        for (var i = from; i < records.Count; i++)
        {
            var start = (int)buffer.Length;
            _writer.Write(0);
            ValueCodec.WriteRow(_writer, Arena.Boxed(records[i].Slot), types);
            _writer.Flush();
            BinaryPrimitives.WriteInt32LittleEndian(buffer.GetBuffer().AsSpan(start), (int)buffer.Length - start - 4);
        }

        var written = buffer.GetBuffer().AsSpan(0, (int)buffer.Length);
        if (keyRows.Written < 0)
            store.Put(stateId, keyRows.Key, written);
        else
            store.Append(stateId, keyRows.Key, written);
        keyRows.Written = records.Count;
    }

    /// <summary>Drops the half of the cached keys used least recently, writing their changes first.</summary>
    private void EvictLeastRecentlyUsed()
    {
        var uses = _cache.Values.Select(r => r.LastUse).ToArray();
        Array.Sort(uses);
        var cut = uses[uses.Length / 2];
        foreach (var keyRows in _cache.Values.Where(r => r.LastUse <= cut).ToList())
        {
            Write(keyRows);
            foreach (var record in keyRows.Records)
                Arena.Release(record.Slot);
            _cachedRows -= keyRows.Records.Count;
            _cache.Remove(keyRows.Key);
        }

        _backendHoldsMore = true;
    }

    /// <summary>A key's rows in memory; <see cref="Written"/> of them (the first ones) are in the list state as they are, -1: the stored list is out of date.</summary>
    private sealed class KeyRows(byte[] key)
    {
        public byte[] Key { get; } = key;

        public List<JoinRecordState.Record> Records { get; } = [];

        public int Written { get; set; }

        public bool Dirty { get; set; }

        public long LastUse { get; set; }
    }
}
