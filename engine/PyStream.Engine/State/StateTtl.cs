using System.Buffers;
using System.Buffers.Binary;

namespace PyStream.Engine.State;

/// <summary>
/// A state's time-to-live and how its expired values are cleaned up (Flink's
/// <c>StateTtlConfig</c> cleanup strategies). Values of a state with a TTL carry the time
/// they were last written: 8 bytes big-endian before each value, map entry value, or list
/// element (inside the element's frame).
/// </summary>
public sealed record StateTtl(long TtlMillis, bool FullSnapshot, int IncrementalSize, int CompactionEntries)
{
    /// <summary>
    /// Parses the cleanup strategies the Python API records: <c>full_snapshot</c>,
    /// <c>incremental:SIZE:EVERY_RECORD</c>, <c>compaction:ENTRIES</c>, and <c>background</c>
    /// (Flink's default background cleanup, unless disabled).
    /// </summary>
    public static StateTtl Parse(string stateId, long ttlMillis, string cleanup)
    {
        if (ttlMillis <= 0)
            throw new PyStreamException($"state '{stateId}': a TTL must be positive, not {ttlMillis} ms");
        bool fullSnapshot = false, background = false;
        int incremental = 0, compaction = 0;
        foreach (var strategy in cleanup.Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = strategy.Split(':');
            switch (parts[0])
            {
                case "full_snapshot" when parts.Length == 1:
                    fullSnapshot = true;
                    break;
                case "background" when parts.Length == 1:
                    background = true;
                    break;
                case "incremental" when parts.Length == 3 && int.TryParse(parts[1], out var size) && size > 0:
                    incremental = size;
                    break;
                case "compaction" when parts.Length == 2 && int.TryParse(parts[1], out var entries) && entries > 0:
                    compaction = entries;
                    break;
                default:
                    throw new PyStreamException($"state '{stateId}': unknown TTL cleanup strategy '{strategy}'");
            }
        }

        // Flink's defaults for background cleanup: incremental of 5 entries (heap), the
        // compaction filter querying the time every 1,000 entries (RocksDB).
        if (background && incremental == 0)
            incremental = 5;
        if (background && compaction == 0)
            compaction = 1000;
        return new StateTtl(ttlMillis, fullSnapshot, incremental, compaction);
    }

    public bool IsExpired(long stamp, long now) => stamp + TtlMillis <= now;

    /// <summary>
    /// The stored value without what expired at <paramref name="now"/>: the same array when
    /// nothing did, null when all did (a list keeps its live elements).
    /// </summary>
    public byte[]? Live(StateShape shape, byte[] value, long now)
    {
        if (shape != StateShape.List)
            return value.Length >= 8 && IsExpired(BinaryPrimitives.ReadInt64BigEndian(value), now) ? null : value;

        ArrayBufferWriter<byte>? kept = null;
        var at = 0;
        while (at + 4 <= value.Length)
        {
            var length = (int)BinaryPrimitives.ReadUInt32LittleEndian(value.AsSpan(at));
            var frame = value.AsSpan(at, 4 + length);
            var expired = length >= 8 && IsExpired(BinaryPrimitives.ReadInt64BigEndian(frame[4..]), now);
            if (expired && kept is null)
            {
                kept = new ArrayBufferWriter<byte>(value.Length);
                kept.Write(value.AsSpan(0, at));
            }
            else if (!expired)
                kept?.Write(frame);
            at += 4 + length;
        }

        return kept is null ? value : kept.WrittenCount == 0 ? null : kept.WrittenSpan.ToArray();
    }
}

/// <summary>
/// The TTLs of one task's states, and their cleanup: expired values leave full snapshots
/// (<see cref="StateTtl.FullSnapshot"/>), and a sweep after each batch checks a bounded
/// number of stored values per record and removes the expired ones (incremental cleanup on
/// the heap; on RocksDB, the sweep stands in for Flink's compaction filter).
/// </summary>
public sealed class StateTtls
{
    private readonly Dictionary<string, StateTtl> _ttls = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IEnumerator<byte[]>> _cursors = new(StringComparer.Ordinal);

    public bool IsEmpty => _ttls.Count == 0;

    public void Declare(string stateId, long ttlMillis, string cleanup) =>
        _ttls[stateId] = StateTtl.Parse(stateId, ttlMillis, cleanup);

    /// <summary>A full snapshot's filter: the value to write for an entry, or null to leave it out.</summary>
    public byte[]? ForSnapshot(string stateId, byte[] value, long now) =>
        _ttls.TryGetValue(stateId, out var ttl) && ttl.FullSnapshot ? ttl.Live(StateKeys.ShapeOf(stateId), value, now) : value;

    /// <summary>
    /// Values a RocksDB sweep checks per record processed, where the compaction-filter strategy
    /// is on (Flink's filter runs inside RocksDB's compactions; its <c>queryTimeAfterNumEntries</c>
    /// has no counterpart here).
    /// </summary>
    public const int RocksDbValuesPerRecord = 5;

    /// <summary>
    /// Checks up to the states' budget per record of stored values (<paramref name="records"/>
    /// records were processed) and removes or trims the expired ones; returns how many values
    /// were checked. The heap's budget is the incremental strategy's size, checked per record
    /// processed whether or not <c>run_cleanup_for_every_record</c> was asked for (the engine
    /// does not count state accesses). A pass walks the keys stored when it began, reading each
    /// value as it is now; the call that ends a pass stops there.
    /// </summary>
    public int Sweep(IKeyedStateStore store, int records, long now)
    {
        // A store that snapshots natively is RocksDB: its compaction filter's settings apply.
        var rocksDb = store is IIncrementalSnapshotStore;
        var checkedValues = 0;
        foreach (var (stateId, ttl) in _ttls)
        {
            var perRecord = rocksDb ? (ttl.CompactionEntries > 0 ? RocksDbValuesPerRecord : 0) : ttl.IncrementalSize;
            if (perRecord == 0)
                continue;
            var budget = (long)perRecord * Math.Max(records, 1);
            var shape = StateKeys.ShapeOf(stateId);
            if (!_cursors.TryGetValue(stateId, out var cursor))
                _cursors[stateId] = cursor = store.Entries(stateId).Select(entry => entry.Key).ToList().GetEnumerator();
            while (budget > 0 && cursor.MoveNext())
            {
                budget--;
                checkedValues++;
                var key = cursor.Current;
                if (store.Get(stateId, key) is not { } value)
                    continue;
                var live = ttl.Live(shape, value, now);
                if (live is null)
                    store.Remove(stateId, key);
                else if (!ReferenceEquals(live, value))
                    store.Put(stateId, key, live);
            }

            if (budget > 0)
                _cursors.Remove(stateId); // the pass ended: the next starts from the current contents
        }

        return checkedValues;
    }
}
