namespace PyStream.Engine.State;

/// <summary>
/// Keyed state of one task: serialized values by state id and canonical key bytes.
/// Map states (<see cref="StateShape.Map"/>) are stored per entry, under
/// <see cref="MapEntryKey"/> keys; list states (<see cref="StateShape.List"/>) as framed
/// elements that <see cref="Append"/> extends without reading them. Called only from the
/// task's own thread.
/// </summary>
public interface IKeyedStateStore : IDisposable
{
    byte[]? Get(string stateId, ReadOnlySpan<byte> key);

    void Put(string stateId, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value);

    void Remove(string stateId, ReadOnlySpan<byte> key);

    /// <summary>Adds to the value of a list state's key (framed elements) without reading it.</summary>
    void Append(string stateId, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value);

    /// <summary>
    /// A map state's entries under one owner key, as (entry key, value), at most
    /// <paramref name="limit"/> of them.
    /// </summary>
    IEnumerable<KeyValuePair<byte[], byte[]>> MapEntries(string stateId, byte[] owner, int limit = int.MaxValue);

    /// <summary>Removes every entry of a map state under one owner key.</summary>
    void RemoveMap(string stateId, ReadOnlySpan<byte> owner);

    /// <summary>Every key with a value in that state (for maps, every entry's stored key), with the value.</summary>
    IEnumerable<KeyValuePair<byte[], byte[]>> Entries(string stateId);

    /// <summary>The states that hold (or held) values.</summary>
    IEnumerable<string> StateIds { get; }

    /// <summary>
    /// Whether the store keeps its values in this process's memory (the heap backend): an operator that caches typed
    /// state in front of it saves no memory by writing cold keys out into it, only time.
    /// </summary>
    bool InMemory => false;
}

/// <summary>
/// A store that snapshots natively (RocksDB): files in a directory, of which the immutable
/// ones can be shared between checkpoints instead of written again.
/// </summary>
public interface IIncrementalSnapshotStore
{
    /// <summary>Identifies this store instance; names of its immutable files are unique within it.</summary>
    string StoreId { get; }

    /// <summary>Writes a native snapshot into a new directory; returns its file names.</summary>
    IReadOnlyList<string> CheckpointTo(string directory);

    bool IsImmutable(string fileName);
}
