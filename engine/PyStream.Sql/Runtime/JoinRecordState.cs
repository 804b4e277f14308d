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
/// every copy of every row, each framed by its length, kept typed in memory between checkpoints
/// (<see cref="JoinListRows"/>); a retraction takes one copy out.</item>
/// </list>
/// A side with a unique key (Flink's JoinRecordStateViews for an input with one) keeps one row per
/// value of it: in the list layout a row replaces its unique key's row; in the map layout an entry is
/// keyed by the unique key's bytes and its value holds the row after the count (always 1) and
/// associations. A retraction takes the unique key's row out whatever its other values. Such a
/// side's state ids end in <c>-unique</c>, so a checkpoint of the other layout is refused, not misread.
/// </summary>
internal sealed class JoinRecordState
{
    private readonly IKeyedStateStore _store;
    private readonly string _stateId;
    private readonly IReadOnlyList<SqlType> _types;
    private readonly bool _outer;
    private readonly long _ttlMillis;

    /// <summary>The unique key's columns (null: the side has none, and keeps every copy of every row).</summary>
    private readonly int[]? _uniqueKey;

    /// <summary>The list layout's rows, kept typed in memory (null: the map layout).</summary>
    private readonly JoinListRows? _list;

    // One buffer for what every row writes (a map entry's key, or a list element), and one for map values.
    private readonly BinaryWriter _writer = new(new MemoryStream());
    private readonly byte[] _value = new byte[16];

    /// <summary>A unique-key entry's value (its header, then the row), written apart from the entry's key in <c>_writer</c>.</summary>
    private readonly BinaryWriter _valueWriter = new(new MemoryStream());
    private readonly RowCodec _codec;

    public JoinRecordState(IKeyedStateStore store, string stateId, IReadOnlyList<SqlType> types, bool outer, long ttlMillis, int[]? uniqueKey = null)
    {
        (_store, _stateId, _types, _outer, _ttlMillis, _uniqueKey) = (store, stateId, types, outer, ttlMillis, uniqueKey);
        _codec = new RowCodec(types);
        if (StateKeys.ShapeOf(stateId) == StateShape.List)
        {
            if (outer || ttlMillis > 0)
                throw new ArgumentException("an outer side or a side with a TTL keeps its rows in a map state", nameof(stateId));
            _list = new JoinListRows(store, stateId, types, uniqueKey);
        }
    }

    /// <summary>The state id of a side's rows: a list state for an inner side without a TTL, a map state otherwise; <c>-unique</c> for a side with a unique key.</summary>
    public static string StateIdFor(string operatorKey, string side, bool outer, long ttlMillis, bool unique = false) =>
        (outer || ttlMillis > 0 ? StateKeys.MapPrefix : StateKeys.ListPrefix) + operatorKey + "/" + side + (unique ? "-unique" : "");

    public bool Outer => _outer;

    /// <summary>Writes what memory holds to the state (before a checkpoint reads it).</summary>
    public void Flush() => _list?.Flush();

    /// <summary>Rows will be dropped by their TIMESTAMP column <paramref name="timeColumn"/> (<see cref="Expire"/>): only a list side's.</summary>
    public void ExpireByTime(int timeColumn)
    {
        if (_list is null)
            throw new InvalidOperationException("only an inner side without a TTL drops its rows by time");
        _list.ExpireByTime(timeColumn);
    }

    /// <summary>Drops the rows whose time is at most <paramref name="threshold"/> (microseconds), or NULL.</summary>
    public void Expire(long threshold) => _list?.Expire(threshold);

    /// <summary>Makes the memory of rows taken out reusable: called once no output still to be built reads them.</summary>
    public void Recycle() => _list?.Recycle();

    private MemoryStream Buffer => (MemoryStream)_writer.BaseStream;

    /// <summary>
    /// A row of a join key's state: its values (boxed, or a slot of a list side's arena), its bytes (a
    /// map entry's key; empty in the list layout, where nothing finds a row by them), multiplicity and
    /// associations (0 on an inner side).
    /// </summary>
    public sealed class Record
    {
        private object?[]? _row;

        public Record(object?[] row, byte[] bytes, int count, int associations) => (_row, Bytes, Count, Associations) = (row, bytes, count, associations);

        /// <summary>One copy of a list side's row, held in <paramref name="arena"/>'s <paramref name="slot"/>.</summary>
        public Record(RowArena arena, int slot) => (Arena, Slot, Bytes, Count) = (arena, slot, [], 1);

        /// <summary>The arena that holds the row (null: the row is boxed).</summary>
        public RowArena? Arena { get; }

        public int Slot { get; private set; } = -1;

        /// <summary>Makes a list side's record (one lent for a batch) stand for the row in <paramref name="slot"/>.</summary>
        internal void Reuse(int slot) => (Slot, _row) = (slot, null);

        /// <summary>The row's values, boxed (a list side's row is boxed on first use: batch mode only).</summary>
        public object?[] Row => _row ??= Arena!.Boxed(Slot);

        public byte[] Bytes { get; }

        public int Count { get; set; }

        public int Associations { get; set; }
    }

    /// <summary>The live rows of a join key (expired ones are removed as they are met), in the order they came.</summary>
    public List<Record> Records(ReadOnlySpan<byte> key, long now) => _list is not null ? _list.Records(key) : MappedRecords(key.ToArray(), now);

    /// <summary>The join keys with rows.</summary>
    public IEnumerable<byte[]> Keys() => _list is not null
        ? _list.Keys()
        : _store.Entries(_stateId).Select(e => MapEntryKey.Owner(_stateId, e.Key).ToArray()).Distinct(ByteArrayComparer.Instance).ToList();

    /// <summary>One more of row <paramref name="row"/> of <paramref name="rows"/>; on an outer side its associations become <paramref name="associations"/> (Flink's addRecord).</summary>
    public void Add(ReadOnlySpan<byte> key, RowBatch rows, int row, int associations, long now)
    {
        if (_list is not null)
        {
            _list.Add(key, rows, row);
            return;
        }

        var stored = Stored(key, rows, row);
        if (_uniqueKey is not null)
        {
            WriteUnique(stored, rows, row, null, associations, now);
            return;
        }

        var (count, _) = Read(stored, now);
        Write(stored, count + 1, associations, now);
    }

    /// <summary>One fewer of the row; a row that is not there (never was, or expired) stays absent.</summary>
    public void Retract(ReadOnlySpan<byte> key, RowBatch rows, int row, long now)
    {
        if (_list is not null)
        {
            _list.Retract(key, rows, row);
            return;
        }

        var stored = Stored(key, rows, row);
        var (count, associations) = Read(stored, now);
        if (count <= 1 || _uniqueKey is not null)
            _store.Remove(_stateId, stored);
        else
            Write(stored, count - 1, associations, now);
    }

    public void UpdateAssociations(ReadOnlySpan<byte> key, Record record, int associations, long now)
    {
        if (_list is not null)
            throw new InvalidOperationException("an inner side's rows have no associations");
        record.Associations = associations;
        StartWrite();
        WriteOwner(key);
        Buffer.Write(record.Bytes);
        if (_uniqueKey is not null)
            WriteUnique(Written, null, 0, record.Row, associations, now);
        else
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
            var row = _uniqueKey is null ? Decode(entry) : Decode(value.AsSpan(at + (_outer ? 8 : 4)));
            records.Add(new Record(row, entry, count, associations));
        }

        return records;
    }

    private object?[] Decode(ReadOnlySpan<byte> bytes) => _codec.Decode(bytes);

    /// <summary>A map entry's stored key: the join key's prefix (<see cref="MapEntryKey.Prefix"/>), then the row's bytes (its unique key's, on a side with one).</summary>
    private ReadOnlySpan<byte> Stored(ReadOnlySpan<byte> key, RowBatch rows, int row)
    {
        StartWrite();
        WriteOwner(key);
        if (_uniqueKey is not null)
        {
            foreach (var c in _uniqueKey)
                ValueCodec.Write(_writer, rows.Columns[c], row, _types[c]);
            _writer.Flush();
        }
        else
        {
            WriteRow(rows, row);
        }

        return Written;
    }

    /// <summary>
    /// A side with a unique key: the entry <paramref name="stored"/> holds the row, once (Flink's addRecord of such a
    /// view): row <paramref name="row"/> of <paramref name="rows"/>, or the values <paramref name="boxed"/>.
    /// </summary>
    private void WriteUnique(ReadOnlySpan<byte> stored, RowBatch? rows, int row, object?[]? boxed, int associations, long now)
    {
        var value = (MemoryStream)_valueWriter.BaseStream;
        value.SetLength(0);
        _valueWriter.Write(_value.AsSpan(0, FillHeader(1, associations, now)));
        if (rows is not null)
        {
            for (var c = 0; c < _types.Count; c++)
                ValueCodec.Write(_valueWriter, rows.Columns[c], row, _types[c]);
        }
        else
        {
            ValueCodec.WriteRow(_valueWriter, boxed!, _types);
        }

        _valueWriter.Flush();
        _store.Put(_stateId, stored, value.GetBuffer().AsSpan(0, (int)value.Length));
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

    private void Write(ReadOnlySpan<byte> stored, int count, int associations, long now) =>
        _store.Put(_stateId, stored, _value.AsSpan(0, FillHeader(count, associations, now)));

    /// <summary>Writes a map entry's value (the write time with a TTL, the count, an outer side's associations) into <c>_value</c>; returns its length.</summary>
    private int FillHeader(int count, int associations, long now)
    {
        var at = _ttlMillis > 0 ? 8 : 0;
        var value = _value.AsSpan(0, at + (_outer ? 8 : 4));
        if (_ttlMillis > 0)
            BinaryPrimitives.WriteInt64BigEndian(value, now);
        BinaryPrimitives.WriteInt32LittleEndian(value[at..], count);
        if (_outer)
            BinaryPrimitives.WriteInt32LittleEndian(value[(at + 4)..], associations);
        return value.Length;
    }
}
