namespace PyStream.Engine.State;

/// <summary>The heap state backend: one dictionary per state, keyed by the key's bytes.</summary>
public sealed class HeapKeyedStateStore : IKeyedStateStore
{
    private readonly Dictionary<string, Dictionary<byte[], byte[]>> _states = new(StringComparer.Ordinal);

    public byte[]? Get(string stateId, ReadOnlySpan<byte> key) =>
        _states.TryGetValue(stateId, out var values)
        && values.GetAlternateLookup<ReadOnlySpan<byte>>().TryGetValue(key, out var value)
            ? value
            : null;

    public void Put(string stateId, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        if (!_states.TryGetValue(stateId, out var values))
        {
            values = new Dictionary<byte[], byte[]>(ByteArrayComparer.Instance);
            _states.Add(stateId, values);
        }

        values.GetAlternateLookup<ReadOnlySpan<byte>>()[key] = value.ToArray();
    }

    public void Remove(string stateId, ReadOnlySpan<byte> key)
    {
        if (_states.TryGetValue(stateId, out var values))
            values.GetAlternateLookup<ReadOnlySpan<byte>>().Remove(key);
    }

    public IEnumerable<KeyValuePair<byte[], byte[]>> Entries(string stateId) =>
        _states.TryGetValue(stateId, out var values) ? values : [];

    public IEnumerable<string> StateIds => _states.Where(s => s.Value.Count > 0).Select(s => s.Key);

    public void Dispose() => _states.Clear();
}
