using PyStream.Engine;
using PyStream.Engine.State;
using RocksDbSharp;

namespace PyStream.State.RocksDb;

/// <summary>
/// Keyed state in one RocksDB instance. A value lives under the state id's UTF-8 bytes, a
/// zero byte, then the key's canonical bytes, so one state's entries form one key range.
/// Checkpoints are RocksDB's own (hard-linked SST files), so only new files cost anything.
/// A map state's entries are separate RocksDB keys (prefix ranges per owner key); a list
/// append is a RocksDB merge that concatenates, so it never reads the list.
/// </summary>
public sealed class RocksDbKeyedStateStore : IKeyedStateStore, IIncrementalSnapshotStore
{
    private readonly string _directory;
    private readonly RocksDbSharp.RocksDb _db;

    // Held as long as the database: it roots the merge operator's callbacks, which RocksDB
    // calls until the database is closed (a collected callback crashes the process).
    private readonly DbOptions _options = Options();
    private readonly Dictionary<string, byte[]> _prefixes = new(StringComparer.Ordinal);
    private readonly HashSet<string> _stateIds = new(StringComparer.Ordinal);
    private string? _lastStateId;
    private bool _disposed;

    /// <summary>Opens (or creates) the database in <paramref name="directory"/>, which the store owns and deletes.</summary>
    public RocksDbKeyedStateStore(string directory, IEnumerable<string>? stateIds = null)
    {
        _directory = directory;
        Directory.CreateDirectory(directory);
        try
        {
            _db = RocksDbSharp.RocksDb.Open(_options, directory);
        }
        catch (RocksDbException error)
        {
            throw new PyStreamException($"cannot open RocksDB state in '{directory}': {error.Message}", error);
        }

        if (stateIds is not null)
            _stateIds.UnionWith(stateIds);
    }

    public string StoreId { get; } = Guid.NewGuid().ToString("N");

    /// <summary>
    /// Writes skip RocksDB's write-ahead log, as Flink's RocksDB backend does: the database
    /// is rebuilt from a checkpoint after a failure, never from its log.
    /// </summary>
    private static readonly WriteOptions NoWal = new WriteOptions().DisableWal(1);

    /// <summary>
    /// Point lookups dominate (a state value per key): bloom filters let a read skip SST files
    /// without the key, which matters once checkpoints flush the memtable every interval.
    /// </summary>
    private static DbOptions Options()
    {
        var table = new BlockBasedTableOptions()
            .SetFilterPolicy(BloomFilterPolicy.Create(10, false))
            .SetWholeKeyFiltering(true)
            .SetBlockCache(Cache.CreateLru(64 << 20));
        var options = new DbOptions().SetCreateIfMissing(true);
        options.SetBlockBasedTableFactory(table);
        options.SetMergeOperator(Concatenation);
        return options;
    }

    public IEnumerable<string> StateIds => _stateIds;

    public byte[]? Get(string stateId, ReadOnlySpan<byte> key) => _db.Get(StoreKey(stateId, key));

    public void Put(string stateId, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        Touch(stateId);
        _db.Put(StoreKey(stateId, key), value.ToArray(), writeOptions: NoWal);
    }

    private void Touch(string stateId)
    {
        if (!ReferenceEquals(stateId, _lastStateId))
        {
            _stateIds.Add(stateId);
            _lastStateId = stateId;
        }
    }

    /// <summary>List appends: a merge concatenates its operands after the existing value.</summary>
    private static readonly MergeOperator Concatenation = MergeOperators.Create(
        "pystream.concatenate",
        (ReadOnlySpan<byte> key, MergeOperators.OperandsEnumerator operands, out bool success) =>
        {
            success = true;
            return Join([], operands);
        },
        (ReadOnlySpan<byte> key, bool hasExisting, ReadOnlySpan<byte> existing, MergeOperators.OperandsEnumerator operands, out bool success) =>
        {
            success = true;
            return Join(hasExisting ? existing : [], operands);
        });

    private static byte[] Join(ReadOnlySpan<byte> first, MergeOperators.OperandsEnumerator operands)
    {
        var length = first.Length;
        for (var i = 0; i < operands.Count; i++)
            length += operands.Get(i).Length;
        var joined = new byte[length];
        first.CopyTo(joined);
        var at = first.Length;
        for (var i = 0; i < operands.Count; i++)
        {
            var operand = operands.Get(i);
            operand.CopyTo(joined.AsSpan(at));
            at += operand.Length;
        }

        return joined;
    }

    public void Remove(string stateId, ReadOnlySpan<byte> key) => _db.Remove(StoreKey(stateId, key), writeOptions: NoWal);

    public void Append(string stateId, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        if (StateKeys.ShapeOf(stateId) != StateShape.List)
            throw new PyStreamException($"state '{stateId}' is not a list state");
        Touch(stateId);
        _db.Merge(StoreKey(stateId, key), value.ToArray(), writeOptions: NoWal);
    }

    public IEnumerable<KeyValuePair<byte[], byte[]>> MapEntries(string stateId, byte[] owner, int limit = int.MaxValue)
    {
        var prefix = StoreKey(stateId, MapEntryKey.Prefix(owner));
        using var iterator = _db.NewIterator();
        var count = 0;
        for (iterator.Seek(prefix); count < limit && iterator.Valid() && iterator.Key().AsSpan().StartsWith(prefix); iterator.Next(), count++)
            yield return new KeyValuePair<byte[], byte[]>(iterator.Key()[prefix.Length..], iterator.Value());
        Ended(iterator, _directory);
    }

    public void RemoveMap(string stateId, ReadOnlySpan<byte> owner)
    {
        var prefix = StoreKey(stateId, MapEntryKey.Prefix(owner));
        using var batch = new WriteBatch();
        using (var iterator = _db.NewIterator())
        {
            for (iterator.Seek(prefix); iterator.Valid() && iterator.Key().AsSpan().StartsWith(prefix); iterator.Next())
                batch.Delete(iterator.Key());
            Ended(iterator, _directory);
        }

        _db.Write(batch, NoWal);
    }

    public IEnumerable<KeyValuePair<byte[], byte[]>> Entries(string stateId)
    {
        var prefix = Prefix(stateId);
        using var iterator = _db.NewIterator();
        for (iterator.Seek(prefix); iterator.Valid() && iterator.Key().AsSpan().StartsWith(prefix); iterator.Next())
            yield return new KeyValuePair<byte[], byte[]>(iterator.Key()[prefix.Length..], iterator.Value());
        Ended(iterator, _directory);
    }

    /// <summary>RocksDB's checkpoint: flushes the memtable, hard-links the SST files, copies the small rest.</summary>
    public IReadOnlyList<string> CheckpointTo(string directory)
    {
        using (var checkpoint = _db.Checkpoint())
            checkpoint.Save(directory);
        return Directory.GetFiles(directory).Select(Path.GetFileName).ToList()!;
    }

    public bool IsImmutable(string fileName) => fileName.EndsWith(".sst", StringComparison.Ordinal) || fileName.EndsWith(".blob", StringComparison.Ordinal);

    /// <summary>Every entry of a database directory (a restored incremental checkpoint), as (state id, key, value).</summary>
    public static IEnumerable<(string StateId, byte[] Key, byte[] Value)> ReadAll(string directory)
    {
        // With the store's own options: list values may still be merge operands, which only
        // the concatenating merge operator reads.
        var options = Options();
        using var db = RocksDbSharp.RocksDb.OpenReadOnly(options, directory, false);
        using var iterator = db.NewIterator();
        for (iterator.SeekToFirst(); iterator.Valid(); iterator.Next())
        {
            var stored = iterator.Key();
            var zero = Array.IndexOf(stored, (byte)0);
            yield return (System.Text.Encoding.UTF8.GetString(stored, 0, zero), stored[(zero + 1)..], iterator.Value());
        }

        Ended(iterator, directory);
    }

    /// <summary>An iteration that stopped on an error (not at its end) fails instead of passing for a shorter one.</summary>
    private static void Ended(Iterator iterator, string directory)
    {
        try
        {
            Native.Instance.rocksdb_iter_get_error(iterator.Handle);
        }
        catch (RocksDbException error)
        {
            throw new PyStreamException($"reading RocksDB state in '{directory}' failed: {error.Message}", error);
        }
    }

    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        _db.Dispose();
        Directory.Delete(_directory, recursive: true);
        var jobDirectory = Path.GetDirectoryName(_directory);
        try
        {
            if (jobDirectory is not null && !Directory.EnumerateFileSystemEntries(jobDirectory).Any())
                Directory.Delete(jobDirectory);
        }
        catch (IOException)
        {
            // Another subtask of the job created its directory meanwhile; the last one out removes it.
        }
    }

    private byte[] Prefix(string stateId)
    {
        if (!_prefixes.TryGetValue(stateId, out var prefix))
        {
            var name = System.Text.Encoding.UTF8.GetBytes(stateId);
            prefix = new byte[name.Length + 1];
            name.CopyTo(prefix, 0);
            _prefixes[stateId] = prefix;
        }

        return prefix;
    }

    private byte[] StoreKey(string stateId, ReadOnlySpan<byte> key)
    {
        var prefix = Prefix(stateId);
        var stored = new byte[prefix.Length + key.Length];
        prefix.CopyTo(stored, 0);
        key.CopyTo(stored.AsSpan(prefix.Length));
        return stored;
    }
}
