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
/// lost one is written whole. When more than <paramref name="maxCachedRows"/> rows are held (by default
/// <see cref="StateCaches.Limit"/>), the
/// half of the keys used least recently is written and dropped, and read back when used again.
/// Neither a key nor a row is an object of its own: keys are structs in pages (their bytes inline),
/// and a key's rows are a chain of slots, so a side with a row per key (q7's bids by price) leaves
/// the collector nothing per row to trace. A side with a unique key (<paramref name="uniqueKey"/>, its
/// columns) keeps one row per value of it, as Flink's JoinRecordStateViews for such inputs do: a row
/// replaces the one of its unique key, and a retraction takes that one out whatever its other values.
/// </summary>
internal sealed class JoinListRows(IKeyedStateStore store, string stateId, IReadOnlyList<SqlType> types, int[]? uniqueKey = null, int? maxCachedRows = null)
{
    /// <summary>The most rows held in front of a store on disk (<see cref="StateCaches.Limit"/>).</summary>
    public const int DefaultMaxCachedRows = 4_000_000;
    private readonly int _maxCachedRows = StateCaches.Limit(store, maxCachedRows, DefaultMaxCachedRows);
    private const int PageBits = 10;
    private const int PageMask = (1 << PageBits) - 1;

    private static readonly List<JoinRecordState.Record> NoRecords = [];

    private JoinKeyIndex? _index;
    private KeyRows[][] _keys = [];
    private readonly Stack<int> _freeKeys = new();
    private int _keyCount;

    /// <summary>Per arena slot, the next slot of its key's rows (-1: the last).</summary>
    private int[][] _next = [];

    /// <summary>
    /// Keys' rows as records, lent to the other side's batch that reads them (the first <c>_recordsLent</c> of the
    /// pool, the first <c>_listsLent</c> lists); a key lent its rows in this batch when its <see cref="KeyRows.LentIn"/> is <c>_batch</c>.
    /// </summary>
    private int _batch = 1;
    private readonly List<JoinRecordState.Record> _recordPool = [];
    private readonly List<List<JoinRecordState.Record>> _lists = [];
    private int _recordsLent;
    private int _listsLent;
    private readonly List<int> _dirty = [];
    private readonly RowCodec _codec = new(types);
    private readonly BinaryWriter _writer = new(new MemoryStream());
    private byte[] _keyBuffer = new byte[64];
    private int _cachedRows;
    private long _clock;

    /// <summary>With retention by watermark: the rows by time (null: rows stay until retracted), and their time column.</summary>
    private JoinRowExpiry? _expiry;
    private SlotColumn<long>? _times;
    private int _timeColumn;

    /// <summary>The largest threshold rows were dropped by: a row that comes at or before it is not kept.</summary>
    private long _expiredUpTo = long.MinValue;

    /// <summary>Whether the backend may hold keys that memory does not (rows restored, or keys dropped from memory). Null until the first use.</summary>
    private bool? _backendHoldsMore;

    public RowArena Arena { get; } = new(types);

    /// <summary>The keys' numbers by their bytes (made on first use: it reads the keys through this side's pages).</summary>
    private JoinKeyIndex Index => _index ??= new JoinKeyIndex(number => ref At(number).Key);

    /// <summary>
    /// A key's rows, one record per copy, in the order they came: records and lists lent until
    /// <see cref="Recycle"/> (the end of the batch that reads them, while this side does not change), so
    /// reading a key allocates nothing once the pools are as large as a batch needs. Not to be changed.
    /// </summary>
    public List<JoinRecordState.Record> Records(ReadOnlySpan<byte> key)
    {
        var index = Find(key, create: false);
        if (index < 0)
            return NoRecords;
        ref var keyRows = ref At(index);
        if (keyRows.LentIn == _batch)
            return _lists[keyRows.Lent];
        if (_listsLent == _lists.Count)
            _lists.Add([]);
        (keyRows.Lent, keyRows.LentIn) = (_listsLent, _batch);
        var records = _lists[_listsLent++];
        records.Clear();
        for (var slot = keyRows.Head; slot >= 0; slot = Next(slot))
        {
            if (_recordsLent == _recordPool.Count)
                _recordPool.Add(new JoinRecordState.Record(Arena, slot));
            var record = _recordPool[_recordsLent++];
            record.Reuse(slot);
            records.Add(record);
        }

        return records;
    }

    /// <summary>One more copy of row <paramref name="row"/> of <paramref name="rows"/> under <paramref name="key"/>.</summary>
    public void Add(ReadOnlySpan<byte> key, RowBatch rows, int row)
    {
        if (_expiry is not null && Expired(rows, row))
        {
            // It can match no later row of the other side: not kept (a row of its unique key it replaces goes all the same).
            if (uniqueKey is not null)
                Retract(key, rows, row);
            return;
        }

        if (_cachedRows >= _maxCachedRows)
            EvictLeastRecentlyUsed();
        var index = Find(key, create: true);
        var added = Arena.Add(rows, row);
        if (uniqueKey is null || !Replace(index, added, rows, row))
        {
            Append(index, added);
            _cachedRows++;
        }

        Changed(index);
    }

    /// <summary>A unique key's row replaced by the one in slot <paramref name="added"/> (in its place in the chain); false when the key has none.</summary>
    private bool Replace(int index, int added, RowBatch rows, int row)
    {
        ref var keyRows = ref At(index);
        for (int slot = keyRows.Head, previous = -1; slot >= 0; previous = slot, slot = Next(slot))
        {
            if (!Arena.Same(slot, rows, row, uniqueKey!))
                continue;
            while ((added >> PageBits) >= _next.Length)
                _next = [.. _next, new int[1 << PageBits]];
            NextRef(added) = Next(slot);
            if (previous < 0)
                keyRows.Head = added;
            else
                NextRef(previous) = added;
            if (keyRows.Tail == slot)
                keyRows.Tail = added;
            keyRows.Written = -1;
            Arena.Release(slot);
            _expiry?.Add(TimeOf(added), index, added);
            return true;
        }

        return false;
    }

    /// <summary>Takes the first copy of the row (on a side with a unique key: the row of its unique key) out of its key's rows (nothing when there is none).</summary>
    public void Retract(ReadOnlySpan<byte> key, RowBatch rows, int row)
    {
        var index = Find(key, create: false);
        if (index < 0)
            return;
        ref var keyRows = ref At(index);
        for (int slot = keyRows.Head, previous = -1; slot >= 0; previous = slot, slot = Next(slot))
        {
            if (!(uniqueKey is null ? Arena.Same(slot, rows, row) : Arena.Same(slot, rows, row, uniqueKey)))
                continue;
            Unlink(index, slot, previous);
            Changed(index);
            return;
        }
    }

    /// <summary>Takes a copy (in <paramref name="slot"/>, after <paramref name="previous"/>: -1 when first) out of its key's rows.</summary>
    private void Unlink(int index, int slot, int previous)
    {
        ref var keyRows = ref At(index);
        if (previous < 0)
            keyRows.Head = Next(slot);
        else
            NextRef(previous) = Next(slot);
        if (keyRows.Tail == slot)
            keyRows.Tail = previous;
        keyRows.Count--;
        keyRows.Written = -1;
        Arena.Release(slot);
        _cachedRows--;
    }

    /// <summary>From now on rows are queued by their TIMESTAMP column <paramref name="timeColumn"/>, for <see cref="Expire"/>.</summary>
    public void ExpireByTime(int timeColumn)
    {
        _times = (SlotColumn<long>)Arena.Column(timeColumn);
        _timeColumn = timeColumn;
        _expiry = new JoinRowExpiry();
    }

    /// <summary>
    /// Drops the rows whose time is at most <paramref name="threshold"/> (microseconds) or NULL: those no later row of the other
    /// side can match. A key left without rows is forgotten at once (and taken out of the backend if it was written there).
    /// Called between batches, when no records are lent.
    /// </summary>
    public void Expire(long threshold)
    {
        if (_expiry is null)
            return;
        _expiredUpTo = Math.Max(_expiredUpTo, threshold);
        while (_expiry.TryTake(threshold, out _, out var index, out var slot))
        {
            // The entry may be stale (its row retracted or replaced, its key forgotten): the slot must still be in the key's
            // rows. A row now there of another time is dropped only if its own time passed too.
            if (index >= _keyCount || At(index).Count == 0 || TimeOf(slot) > threshold)
                continue;
            for (int at = At(index).Head, previous = -1; at >= 0; previous = at, at = Next(at))
            {
                if (at != slot)
                    continue;
                Unlink(index, slot, previous);
                if (At(index).Count == 0)
                    Drop(index);
                else
                    Changed(index);
                break;
            }
        }

        // Forgotten keys stay listed as changed until a checkpoint: without checkpoints, the list is compacted instead.
        if (_dirty.Count > 4096 && _dirty.Count > 2 * (_keyCount - _freeKeys.Count))
            _dirty.RemoveAll(index => !At(index).Dirty);
    }

    private long TimeOf(int slot) => _times!.IsNull(slot) ? long.MinValue : _times.Value(slot);

    /// <summary>Whether a row of a batch is already past what <see cref="Expire"/> dropped (its time at most the largest threshold, or NULL).</summary>
    private bool Expired(RowBatch rows, int row)
    {
        var times = rows.Columns[_timeColumn];
        return times.IsNull(row) || (times is Column<long> typed ? typed.Values[row] : Convert.ToInt64(times.GetBoxed(row), System.Globalization.CultureInfo.InvariantCulture)) <= _expiredUpTo;
    }

    /// <summary>A key without rows left: out of the backend if it was written there, and out of memory.</summary>
    private void Drop(int index)
    {
        if (At(index).Stored)
            store.Remove(stateId, KeyBytes(index));
        Forget(index);
    }

    /// <summary>Takes back the records lent and makes the slots of rows taken out reusable: called once no output still to be built reads them.</summary>
    public void Recycle()
    {
        if (++_batch == int.MaxValue)
        {
            // Numbers start again: no key may keep a number a later batch gets.
            foreach (var page in _keys)
            {
                for (var k = 0; k < page.Length; k++)
                    page[k].LentIn = 0;
            }

            _batch = 1;
        }

        (_recordsLent, _listsLent) = (0, 0);
        Arena.Recycle();
    }

    /// <summary>The join keys with rows (after writing what memory holds).</summary>
    public List<byte[]> Keys()
    {
        Flush();
        return store.Entries(stateId).Select(e => e.Key).ToList();
    }

    /// <summary>Writes the changes held in memory to the list state (before a checkpoint reads it).</summary>
    public void Flush()
    {
        foreach (var index in _dirty)
            Write(index);
        _dirty.Clear();
    }

    private ref KeyRows At(int index) => ref _keys[index >> PageBits][index & PageMask];

    private int Next(int slot) => _next[slot >> PageBits][slot & PageMask];

    private ref int NextRef(int slot) => ref _next[slot >> PageBits][slot & PageMask];

    private void Append(int index, int slot)
    {
        while ((slot >> PageBits) >= _next.Length)
            _next = [.. _next, new int[1 << PageBits]];
        NextRef(slot) = -1;
        ref var keyRows = ref At(index);
        if (keyRows.Tail < 0)
            keyRows.Head = slot;
        else
            NextRef(keyRows.Tail) = slot;
        keyRows.Tail = slot;
        keyRows.Count++;
        _expiry?.Add(TimeOf(slot), index, slot);
    }

    /// <summary>The index of a key's rows, read from the backend if it may hold them; -1 when the key has none and <paramref name="create"/> is false.</summary>
    private int Find(ReadOnlySpan<byte> key, bool create)
    {
        var hash = ByteArrayComparer.Instance.GetHashCode(key);
        var index = Index.Find(key, hash);
        if (index >= 0)
        {
            At(index).LastUse = ++_clock;
            return index;
        }

        _backendHoldsMore ??= store.Entries(stateId).Any();
        var stored = _backendHoldsMore == true ? store.Get(stateId, key) : null;
        if (stored is null && !create)
            return -1;
        index = NewKey();
        At(index) = new KeyRows { Key = new JoinKeyBytes(key), Head = -1, Tail = -1, LastUse = ++_clock };
        Index.Add(hash, index);
        for (var at = 0; stored is not null && at < stored.Length;)
        {
            var length = BinaryPrimitives.ReadInt32LittleEndian(stored.AsSpan(at));
            Append(index, Arena.Add(_codec.Decode(stored.AsSpan(at + 4, length))));
            at += 4 + length;
        }

        At(index).Written = At(index).Count;
        At(index).Stored = stored is not null;
        _cachedRows += At(index).Count;
        return index;
    }

    private int NewKey()
    {
        if (_freeKeys.TryPop(out var index))
            return index;
        if ((_keyCount >> PageBits) >= _keys.Length)
            _keys = [.. _keys, new KeyRows[1 << PageBits]];
        return _keyCount++;
    }

    private void Changed(int index)
    {
        ref var keyRows = ref At(index);
        keyRows.LentIn = 0; // a later read in this batch sees the change
        if (keyRows.Dirty)
            return;
        keyRows.Dirty = true;
        _dirty.Add(index);
    }

    private void Write(int index)
    {
        ref var keyRows = ref At(index);
        if (!keyRows.Dirty)
            return; // listed twice, or written when dropped from memory
        keyRows.Dirty = false;
        var key = KeyBytes(index);
        if (keyRows.Count == 0)
        {
            store.Remove(stateId, key);
            Forget(index);
            return;
        }

        // Only the rows after those already stored, unless a copy was taken out: then all of them.
        var buffer = (MemoryStream)_writer.BaseStream;
        buffer.SetLength(0);
        var (slot, skip) = (keyRows.Head, Math.Max(keyRows.Written, 0));
        for (; skip > 0; skip--)
            slot = Next(slot);
        for (; slot >= 0; slot = Next(slot))
        {
            var start = (int)buffer.Length;
            _writer.Write(0);
            ValueCodec.WriteRow(_writer, Arena.Boxed(slot), types);
            _writer.Flush();
            BinaryPrimitives.WriteInt32LittleEndian(buffer.GetBuffer().AsSpan(start), (int)buffer.Length - start - 4);
        }

        var written = buffer.GetBuffer().AsSpan(0, (int)buffer.Length);
        if (keyRows.Written < 0)
            store.Put(stateId, key, written);
        else
            store.Append(stateId, key, written);
        keyRows.Written = keyRows.Count;
        keyRows.Stored = true;
    }

    /// <summary>A key's bytes, copied into a reused buffer.</summary>
    private ReadOnlySpan<byte> KeyBytes(int index)
    {
        ref var keyRows = ref At(index);
        if (_keyBuffer.Length < keyRows.Key.Length)
            _keyBuffer = new byte[keyRows.Key.Length];
        return keyRows.Key.CopyTo(_keyBuffer);
    }

    /// <summary>Drops a key from memory (its rows' slots become free at the next <see cref="Recycle"/>).</summary>
    private void Forget(int index)
    {
        ref var keyRows = ref At(index);
        for (var slot = keyRows.Head; slot >= 0; slot = Next(slot))
            Arena.Release(slot);
        _cachedRows -= keyRows.Count;
        var key = KeyBytes(index);
        Index.Remove(key, ByteArrayComparer.Instance.GetHashCode(key));
        keyRows = default;
        _freeKeys.Push(index);
    }

    /// <summary>Drops the half of the cached keys used least recently, writing their changes first.</summary>
    private void EvictLeastRecentlyUsed()
    {
        var live = Index.Numbers();
        var uses = live.Select(i => At(i).LastUse).ToArray();
        Array.Sort(uses);
        var cut = uses[uses.Length / 2];
        foreach (var index in live)
        {
            if (At(index).LastUse > cut)
                continue;
            Write(index);
            if (At(index).LastUse != 0)
                Forget(index); // (a key written empty was forgotten already)
        }

        _backendHoldsMore = true;
    }

    /// <summary>A key's rows in memory: a chain of slots; <see cref="Written"/> of them (the first ones) are in the list state as they are, -1: the stored list is out of date.</summary>
    private struct KeyRows
    {
        public JoinKeyBytes Key;
        public int Head;
        public int Tail;
        public int Count;
        public int Written;
        public long LastUse;
        public bool Dirty;

        /// <summary>Whether the list state holds the key (it was written, or read from there).</summary>
        public bool Stored;

        /// <summary>The list of <c>_lists</c> that lends this key's rows, valid in batch <see cref="LentIn"/> (0: none).</summary>
        public int Lent;
        public int LentIn;
    }
}
