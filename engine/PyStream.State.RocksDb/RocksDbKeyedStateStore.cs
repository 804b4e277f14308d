using PyStream.Engine;
using PyStream.Engine.State;
using RocksDbSharp;

namespace PyStream.State.RocksDb;

/// <summary>
/// Keyed state in one RocksDB instance. A value lives under the state id's UTF-8 bytes, a
/// zero byte, then the key's canonical bytes, so one state's entries form one key range.
/// </summary>
public sealed class RocksDbKeyedStateStore : IKeyedStateStore
{
    private readonly string _directory;
    private readonly RocksDbSharp.RocksDb _db;
    private readonly Dictionary<string, byte[]> _prefixes = new(StringComparer.Ordinal);
    private bool _disposed;

    public RocksDbKeyedStateStore(string directory)
    {
        _directory = directory;
        Directory.CreateDirectory(directory);
        try
        {
            _db = RocksDbSharp.RocksDb.Open(new DbOptions().SetCreateIfMissing(true), directory);
        }
        catch (RocksDbException error)
        {
            throw new PyStreamException($"cannot open RocksDB state in '{directory}': {error.Message}", error);
        }
    }

    public byte[]? Get(string stateId, ReadOnlySpan<byte> key) => _db.Get(StoreKey(stateId, key));

    public void Put(string stateId, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value) => _db.Put(StoreKey(stateId, key), value.ToArray());

    public void Remove(string stateId, ReadOnlySpan<byte> key) => _db.Remove(StoreKey(stateId, key));

    public IEnumerable<KeyValuePair<byte[], byte[]>> Entries(string stateId)
    {
        var prefix = Prefix(stateId);
        using var iterator = _db.NewIterator();
        for (iterator.Seek(prefix); iterator.Valid(); iterator.Next())
        {
            var stored = iterator.Key();
            if (!stored.AsSpan().StartsWith(prefix))
                yield break;
            yield return new KeyValuePair<byte[], byte[]>(stored[prefix.Length..], iterator.Value());
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
