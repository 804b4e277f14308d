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
}
