namespace PyStream.Engine.State;

/// <summary>
/// The heap state backend: per state, a dictionary keyed by the key's bytes. A map state
/// holds one dictionary of entries per owner key; a list state a chunked buffer per key
/// (<see cref="ListBytes"/>), so an append copies only the new elements.
/// </summary>
public sealed class HeapKeyedStateStore : IKeyedStateStore
{
    public bool InMemory => true;

    private readonly Dictionary<string, Dictionary<byte[], byte[]>> _values = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Dictionary<byte[], Dictionary<byte[], byte[]>>> _maps = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Dictionary<byte[], ListBytes>> _lists = new(StringComparer.Ordinal);

    public byte[]? Get(string stateId, ReadOnlySpan<byte> key)
    {
        switch (StateKeys.ShapeOf(stateId))
        {
            case StateShape.Map:
                return Entries(_maps, stateId, MapEntryKey.Owner(stateId, key)) is { } entries
                    && entries.GetAlternateLookup<ReadOnlySpan<byte>>().TryGetValue(MapEntryKey.EntryKey(stateId, key), out var entry)
                        ? entry
                        : null;
            case StateShape.List:
                return _lists.TryGetValue(stateId, out var lists) && lists.GetAlternateLookup<ReadOnlySpan<byte>>().TryGetValue(key, out var list)
                    ? list.ToArray()
                    : null;
            default:
                return _values.TryGetValue(stateId, out var values) && values.GetAlternateLookup<ReadOnlySpan<byte>>().TryGetValue(key, out var value)
                    ? value
                    : null;
        }
    }

    public void Put(string stateId, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        switch (StateKeys.ShapeOf(stateId))
        {
            case StateShape.Map:
                var owner = MapEntryKey.Owner(stateId, key);
                var maps = Table(_maps, stateId);
                var lookup = maps.GetAlternateLookup<ReadOnlySpan<byte>>();
                if (!lookup.TryGetValue(owner, out var entries))
                    lookup[owner] = entries = new Dictionary<byte[], byte[]>(ByteArrayComparer.Instance);
                entries.GetAlternateLookup<ReadOnlySpan<byte>>()[MapEntryKey.EntryKey(stateId, key)] = value.ToArray();
                break;
            case StateShape.List:
                var list = new ListBytes(value.Length);
                list.Write(value);
                Table(_lists, stateId).GetAlternateLookup<ReadOnlySpan<byte>>()[key] = list;
                break;
            default:
                Table(_values, stateId).GetAlternateLookup<ReadOnlySpan<byte>>()[key] = value.ToArray();
                break;
        }
    }

    public void Append(string stateId, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        var lookup = Table(_lists, ListId(stateId)).GetAlternateLookup<ReadOnlySpan<byte>>();
        if (!lookup.TryGetValue(key, out var list))
            lookup[key] = list = new ListBytes(value.Length);
        list.Write(value);
    }

    public void Remove(string stateId, ReadOnlySpan<byte> key)
    {
        switch (StateKeys.ShapeOf(stateId))
        {
            case StateShape.Map:
                var owner = MapEntryKey.Owner(stateId, key);
                if (Entries(_maps, stateId, owner) is { } entries)
                {
                    entries.GetAlternateLookup<ReadOnlySpan<byte>>().Remove(MapEntryKey.EntryKey(stateId, key));
                    if (entries.Count == 0)
                        _maps[stateId].GetAlternateLookup<ReadOnlySpan<byte>>().Remove(owner);
                }

                break;
            case StateShape.List:
                if (_lists.TryGetValue(stateId, out var lists))
                    lists.GetAlternateLookup<ReadOnlySpan<byte>>().Remove(key);
                break;
            default:
                if (_values.TryGetValue(stateId, out var values))
                    values.GetAlternateLookup<ReadOnlySpan<byte>>().Remove(key);
                break;
        }
    }

    public IEnumerable<KeyValuePair<byte[], byte[]>> MapEntries(string stateId, byte[] owner, int limit = int.MaxValue) =>
        Entries(_maps, MapId(stateId), owner) is { } entries ? entries.Take(limit) : [];

    public void RemoveMap(string stateId, ReadOnlySpan<byte> owner)
    {
        if (_maps.TryGetValue(MapId(stateId), out var maps))
            maps.GetAlternateLookup<ReadOnlySpan<byte>>().Remove(owner);
    }

    public IEnumerable<KeyValuePair<byte[], byte[]>> Entries(string stateId) => StateKeys.ShapeOf(stateId) switch
    {
        StateShape.Map => _maps.TryGetValue(stateId, out var maps)
            ? maps.SelectMany(map => map.Value.Select(entry => KeyValuePair.Create(Concat(MapEntryKey.Prefix(map.Key), entry.Key), entry.Value)))
            : [],
        StateShape.List => _lists.TryGetValue(stateId, out var lists)
            ? lists.Select(list => KeyValuePair.Create(list.Key, list.Value.ToArray()))
            : [],
        _ => _values.TryGetValue(stateId, out var values) ? values : [],
    };

    public IEnumerable<string> StateIds =>
        _values.Where(s => s.Value.Count > 0).Select(s => s.Key)
            .Concat(_maps.Where(s => s.Value.Count > 0).Select(s => s.Key))
            .Concat(_lists.Where(s => s.Value.Count > 0).Select(s => s.Key));

    public void Dispose()
    {
        _values.Clear();
        _maps.Clear();
        _lists.Clear();
    }

    private static string MapId(string stateId) => StateKeys.ShapeOf(stateId) == StateShape.Map
        ? stateId
        : throw new PyStreamException($"state '{stateId}' is not a map state");

    private static string ListId(string stateId) => StateKeys.ShapeOf(stateId) == StateShape.List
        ? stateId
        : throw new PyStreamException($"state '{stateId}' is not a list state");

    private static Dictionary<byte[], T> Table<T>(Dictionary<string, Dictionary<byte[], T>> tables, string stateId)
    {
        if (!tables.TryGetValue(stateId, out var table))
            tables.Add(stateId, table = new Dictionary<byte[], T>(ByteArrayComparer.Instance));
        return table;
    }

    private static Dictionary<byte[], byte[]>? Entries(Dictionary<string, Dictionary<byte[], Dictionary<byte[], byte[]>>> maps, string stateId, ReadOnlySpan<byte> owner) =>
        maps.TryGetValue(stateId, out var table) && table.GetAlternateLookup<ReadOnlySpan<byte>>().TryGetValue(owner, out var entries) ? entries : null;

    private static byte[] Concat(byte[] prefix, byte[] rest)
    {
        var joined = new byte[prefix.Length + rest.Length];
        prefix.CopyTo(joined, 0);
        rest.CopyTo(joined, prefix.Length);
        return joined;
    }
}
