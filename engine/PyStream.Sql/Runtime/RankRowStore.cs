using System.Buffers.Binary;
using PyStream.Engine.Records;
using PyStream.Engine.State;
using PyStream.Sql.Planning;
using PyStream.Sql.Types;

namespace PyStream.Sql.Runtime;

/// <summary>
/// The rows of each rank partition in a map state of the task's keyed state backend (one entry
/// per row, under the partition key then the row's arrival number), with a sorted copy in memory
/// per partition (Flink's TopNBuffer over its MapState), its rows in a <see cref="RowArena"/>.
/// Changes are kept in memory and written to the backend by <see cref="Flush"/> (the operator's
/// checkpoint), so a row that enters and leaves the ranks between two checkpoints is never
/// encoded. When the cache holds too many partitions it drops the least recently used half, each
/// partition's changes written first. With a <paramref name="retention"/> every change is written through (its
/// write time is the stamp) and each row expires its TTL after it was written: a partition whose
/// oldest cached row expired is loaded again, without the expired rows.
/// </summary>
public sealed class RankRowStore(IKeyedStateStore state, string stateId, IReadOnlyList<SortKey> keys, IReadOnlyList<SqlType> types, StateRetention? retention = null,
    int? maxCachedPartitions = null)
{
    /// <summary>The most partitions held in front of a store on disk (<see cref="StateCaches.Limit"/>).</summary>
    public const int DefaultMaxCachedPartitions = 100_000;
    private readonly int _maxCachedPartitions = StateCaches.Limit(state, maxCachedPartitions, DefaultMaxCachedPartitions);

    private readonly Dictionary<byte[], RankBuffer> _cache = new(ByteArrayComparer.Instance);
    private readonly List<RankBuffer> _dirty = [];
    private readonly RowCodec _codec = new(types);
    private long _clock;

    /// <summary>
    /// Whether the backend may hold partitions that memory does not (it had rows at the first
    /// use, after a restore, or partitions left memory): only then is a partition missing from
    /// memory read from it. Null until the first use.
    /// </summary>
    private bool? _backendHoldsMore;

    public RowArena Arena { get; } = new(types);

    /// <summary>The rows of row <paramref name="row"/>'s partition; a cached partition of fixed-width keys is found without allocating its key.</summary>
    public RankBuffer Rows(RowKeys keys, RowBatch batch, int row)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (keys.MaxFixedSize < 0)
            return Rows(keys.KeyOf(batch, row));
        Span<byte> buffer = stackalloc byte[keys.MaxFixedSize];
        var key = buffer[..keys.Write(batch, row, buffer)];
        return _cache.GetAlternateLookup<ReadOnlySpan<byte>>().TryGetValue(key, out var rows) && Live(rows) ? rows : Rows(key.ToArray());
    }

    /// <summary>A partition's rows, loaded from the backend on first use.</summary>
    public RankBuffer Rows(byte[] partition)
    {
        if (_cache.TryGetValue(partition, out var rows) && Live(rows))
            return rows;
        if (rows is not null)
            Forget(rows);
        if (_cache.Count >= _maxCachedPartitions)
            EvictLeastRecentlyUsed();

        rows = new RankBuffer(partition, Arena, keys) { LastUse = ++_clock };
        var loaded = new List<RankedRow>();
        _backendHoldsMore ??= state.Entries(stateId).Any();
        foreach (var (entry, stored) in _backendHoldsMore == true ? state.MapEntries(stateId, partition).ToList() : [])
        {
            var seq = BinaryPrimitives.ReadInt64BigEndian(entry);
            var value = stored;
            if (retention is not null)
            {
                if (retention.Live(stored, out var written) is not { } live)
                {
                    state.Remove(stateId, StoredKey(partition, seq));
                    continue;
                }

                value = live;
                rows.OldestWrite = Math.Min(rows.OldestWrite, written);
            }

            loaded.Add(new RankedRow(Arena.Add(_codec.Decode(value)), seq, Written: true));
        }

        rows.Load(loaded);
        _cache[partition] = rows;
        return rows;
    }

    /// <summary>Whether a cached partition can be used (none of its rows expired); marks it used.</summary>
    private bool Live(RankBuffer rows)
    {
        if (retention is not null && retention.IsExpired(rows.OldestWrite))
            return false;
        rows.LastUse = ++_clock;
        return true;
    }

    /// <summary>Adds row <paramref name="row"/> of <paramref name="batch"/> to a partition at <paramref name="position"/>.</summary>
    public RankedRow Insert(RankBuffer rows, int position, RowBatch batch, int row)
    {
        var ranked = rows.InsertAt(position, Arena.Add(batch, row));
        if (retention is null)
        {
            MarkDirty(rows);
            return ranked;
        }

        rows.OldestWrite = Math.Min(rows.OldestWrite, retention.Now);
        state.Put(stateId, StoredKey(rows.Partition, ranked.Seq), retention.Stamp(_codec.Encode(Arena.Boxed(ranked.Slot))));
        return ranked;
    }

    /// <summary>Takes the row at <paramref name="position"/> out of a partition; its values stay readable until the output is built.</summary>
    public RankedRow RemoveAt(RankBuffer rows, int position)
    {
        var removed = rows.RemoveAt(position);
        Arena.Release(removed.Slot);
        if (retention is null)
            MarkDirty(rows);
        else
            state.Remove(stateId, StoredKey(rows.Partition, removed.Seq));
        return removed;
    }

    private void MarkDirty(RankBuffer rows)
    {
        if (_dirty.Count == 0 || !ReferenceEquals(_dirty[^1], rows))
            _dirty.Add(rows);
    }

    /// <summary>Writes the changes held in memory to the backend (before a checkpoint reads it).</summary>
    public void Flush()
    {
        foreach (var rows in _dirty)
            Write(rows);
        _dirty.Clear();
    }

    private void Write(RankBuffer rows)
    {
        if (!rows.Dirty)
            return; // listed twice, written already, or dropped
        var partition = rows.Partition;
        rows.WriteChanges(
            seq => state.Remove(stateId, StoredKey(partition, seq)),
            row => state.Put(stateId, StoredKey(partition, row.Seq), _codec.Encode(Arena.Boxed(row.Slot))));
    }

    /// <summary>Drops the half of the cached partitions used least recently, writing their changes first.</summary>
    private void EvictLeastRecentlyUsed()
    {
        var uses = _cache.Values.Select(r => r.LastUse).ToArray();
        Array.Sort(uses);
        var cut = uses[uses.Length / 2];
        foreach (var rows in _cache.Values.Where(r => r.LastUse <= cut).ToList())
        {
            Write(rows);
            Forget(rows);
        }
    }

    private void Forget(RankBuffer rows)
    {
        _backendHoldsMore = true;
        rows.ReleaseAll();
        _cache.Remove(rows.Partition);
    }

    /// <summary>Forgets a partition (a window rank's window that fired).</summary>
    public void Drop(byte[] partition)
    {
        state.RemoveMap(stateId, partition);
        if (_cache.Remove(partition, out var rows))
            rows.ReleaseAll();
    }

    /// <summary>The partitions with rows in the backend (after a restore).</summary>
    public IEnumerable<byte[]> StoredPartitions()
    {
        Flush();
        return state.Entries(stateId).Select(e => MapEntryKey.Owner(stateId, e.Key).ToArray()).Distinct(ByteArrayComparer.Instance);
    }

    private static byte[] StoredKey(byte[] partition, long seq)
    {
        var stored = new byte[4 + partition.Length + 8];
        BinaryPrimitives.WriteUInt32BigEndian(stored, (uint)partition.Length);
        partition.CopyTo(stored.AsSpan(4));
        BinaryPrimitives.WriteInt64BigEndian(stored.AsSpan(4 + partition.Length), seq);
        return stored;
    }
}
