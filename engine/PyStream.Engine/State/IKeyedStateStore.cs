namespace PyStream.Engine.State;

/// <summary>
/// Keyed state of one task: serialized values by state id and canonical key bytes.
/// Called only from the task's own thread.
/// </summary>
public interface IKeyedStateStore : IDisposable
{
    byte[]? Get(string stateId, ReadOnlySpan<byte> key);

    void Put(string stateId, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value);

    void Remove(string stateId, ReadOnlySpan<byte> key);

    /// <summary>Every key with a value in that state, with the value.</summary>
    IEnumerable<KeyValuePair<byte[], byte[]>> Entries(string stateId);

    /// <summary>The states that hold (or held) values.</summary>
    IEnumerable<string> StateIds { get; }
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
