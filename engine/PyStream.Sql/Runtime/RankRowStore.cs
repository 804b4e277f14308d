using System.Buffers.Binary;
using PyStream.Engine.State;
using PyStream.Sql.Types;

namespace PyStream.Sql.Runtime;

/// <summary>
/// The rows of each rank partition in a map state of the task's keyed state backend (one entry
/// per row, under the partition key then the row's arrival number), with a sorted copy in memory
/// per partition (Flink's TopNBuffer over its MapState). Changes are kept in memory and written to
/// the backend by <see cref="Flush"/> (the operator's checkpoint), so a row that enters and leaves
/// the ranks between two checkpoints is never encoded; the cache is flushed and dropped when it
/// holds too many partitions. With a <paramref name="retention"/> every change is written through
/// (its write time is the stamp) and each row expires its TTL after it was written: a partition
/// whose oldest cached row expired is loaded again, without the expired rows.
/// </summary>
public sealed class RankRowStore(IKeyedStateStore state, string stateId, RowOrdering ordering, IReadOnlyList<SqlType> types, StateRetention? retention = null,
    int maxCachedPartitions = RankRowStore.DefaultMaxCachedPartitions)
{
    public const int DefaultMaxCachedPartitions = 100_000;

    private readonly Dictionary<byte[], RankBuffer> _cache = new(ByteArrayComparer.Instance);
    private readonly RowCodec _codec = new(types);

    /// <summary>Changes not written to the backend yet, per partition: the row under each arrival number, or null for a removed one.</summary>
    private readonly Dictionary<byte[], Dictionary<long, object?[]?>> _unwritten = new(ByteArrayComparer.Instance);

    /// <summary>A partition's rows, loaded from the backend on first use.</summary>
    public RankBuffer Rows(byte[] partition)
    {
        if (_cache.TryGetValue(partition, out var rows) && (retention is null || !retention.IsExpired(rows.OldestWrite)))
            return rows;
        if (_cache.Count >= maxCachedPartitions)
        {
            Flush();
            _cache.Clear();
        }

        rows = new RankBuffer(ordering);
        var loaded = new List<RankedRow>();
        foreach (var (entry, stored) in state.MapEntries(stateId, partition).ToList())
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

            loaded.Add(new RankedRow(seq, _codec.Decode(value)));
        }

        rows.Load(loaded);
        _cache[partition] = rows;
        return rows;
    }

    public void Put(byte[] partition, RankBuffer rows, RankedRow row)
    {
        if (retention is null)
        {
            Unwritten(partition)[row.Seq] = row.Row;
            return;
        }

        var value = _codec.Encode(row.Row);
        value = retention.Stamp(value);
        rows.OldestWrite = Math.Min(rows.OldestWrite, retention.Now);
        state.Put(stateId, StoredKey(partition, row.Seq), value);
    }

    public void Remove(byte[] partition, RankedRow row)
    {
        if (retention is null)
            Unwritten(partition)[row.Seq] = null;
        else
            state.Remove(stateId, StoredKey(partition, row.Seq));
    }

    /// <summary>Writes the changes held in memory to the backend (before a checkpoint reads it).</summary>
    public void Flush()
    {
        foreach (var (partition, changes) in _unwritten)
        {
            foreach (var (seq, row) in changes)
            {
                if (row is null)
                    state.Remove(stateId, StoredKey(partition, seq));
                else
                    state.Put(stateId, StoredKey(partition, seq), _codec.Encode(row));
            }
        }

        _unwritten.Clear();
    }

    private Dictionary<long, object?[]?> Unwritten(byte[] partition)
    {
        if (!_unwritten.TryGetValue(partition, out var changes))
            _unwritten[partition] = changes = [];
        return changes;
    }

    /// <summary>Forgets a partition (a window rank's window that fired).</summary>
    public void Drop(byte[] partition)
    {
        state.RemoveMap(stateId, partition);
        _cache.Remove(partition);
        _unwritten.Remove(partition);
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
