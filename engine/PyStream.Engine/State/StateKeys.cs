using System.Buffers.Binary;
using PyStream.Engine.Keys;

namespace PyStream.Engine.State;

public enum StateKind
{
    /// <summary>Stored under the key's cache bytes (see <see cref="StateKeys"/>).</summary>
    Keyed,

    /// <summary>Stored under a (key, window start, window end) tuple: window contents and per-window state.</summary>
    Windowed,

    /// <summary>Not keyed: the same in every subtask, so a rescale copies it instead of splitting it.</summary>
    Broadcast,
}

/// <summary>How a state's values are laid out in the store.</summary>
public enum StateShape
{
    /// <summary>One value per stored key.</summary>
    Value,

    /// <summary>
    /// A map state, one stored entry per map entry: the stored key is the owner's key
    /// (u32 big-endian length, then its bytes) followed by the map entry's key bytes, so a
    /// key's entries are one prefix range.
    /// </summary>
    Map,

    /// <summary>A list state: one value per stored key, framed elements that appends extend.</summary>
    List,
}

/// <summary>
/// How a state id and a stored key tell which operator owns an entry and which key group it
/// belongs to (what a rescale needs). Ids are <c>[w:|b:][m:|l:]{operator}/{name}</c>: the
/// scope (keyed, windowed, broadcast), then the shape (value, map, list). Python stores a
/// key under the canonical bytes of its cache key: a key's own bytes for int and str keys,
/// else the bytes-typed wrapping (tag 0x07) of them; windowed states store the tuple
/// (cache key, start, end) (tag 0x10), itself possibly wrapped once.
/// </summary>
public static class StateKeys
{
    public const string WindowedPrefix = "w:";
    public const string BroadcastPrefix = "b:";
    public const string MapPrefix = "m:";
    public const string ListPrefix = "l:";
    private const byte BytesTag = 0x07;
    private const byte TupleTag = 0x10;

    public static StateKind KindOf(string stateId) =>
        stateId.StartsWith(WindowedPrefix, StringComparison.Ordinal) ? StateKind.Windowed
        : stateId.StartsWith(BroadcastPrefix, StringComparison.Ordinal) ? StateKind.Broadcast
        : StateKind.Keyed;

    public static StateShape ShapeOf(string stateId)
    {
        var rest = KindOf(stateId) == StateKind.Keyed ? stateId.AsSpan() : stateId.AsSpan(2);
        return rest.StartsWith(MapPrefix, StringComparison.Ordinal) ? StateShape.Map
            : rest.StartsWith(ListPrefix, StringComparison.Ordinal) ? StateShape.List
            : StateShape.Value;
    }

    /// <summary>Whether the state belongs to the operator with state key <paramref name="operatorKey"/>.</summary>
    public static bool BelongsTo(string stateId, string operatorKey)
    {
        var name = KindOf(stateId) == StateKind.Keyed ? stateId.AsSpan() : stateId.AsSpan(2);
        if (ShapeOf(stateId) != StateShape.Value)
            name = name[2..];
        return name.Length > operatorKey.Length && name.StartsWith(operatorKey, StringComparison.Ordinal) && name[operatorKey.Length] == '/';
    }

    /// <summary>The canonical bytes of the key an entry is partitioned by.</summary>
    public static ReadOnlySpan<byte> PartitionKey(string stateId, ReadOnlySpan<byte> stored)
    {
        if (ShapeOf(stateId) == StateShape.Map)
            stored = MapEntryKey.Owner(stateId, stored);
        switch (KindOf(stateId))
        {
            case StateKind.Windowed:
                if (stored.Length > 0 && stored[0] == BytesTag)
                    stored = stored[1..];
                if (stored.Length < 5 || stored[0] != TupleTag)
                    throw new PyStreamException($"state '{stateId}': a stored window key is not a (key, start, end) tuple");
                var length = (int)BinaryPrimitives.ReadUInt32BigEndian(stored[1..5]);
                return Unwrap(stored.Slice(5, length));
            case StateKind.Keyed:
                return Unwrap(stored);
            default:
                throw new PyStreamException($"state '{stateId}' is broadcast state: it has no key");
        }
    }

    /// <summary>The key group of a stored entry; -1 for broadcast state, which has none.</summary>
    public static int KeyGroupOf(string stateId, ReadOnlySpan<byte> stored, int maxParallelism) =>
        KindOf(stateId) == StateKind.Broadcast ? -1 : KeyGroups.KeyGroupOf(PartitionKey(stateId, stored), maxParallelism);

    private static ReadOnlySpan<byte> Unwrap(ReadOnlySpan<byte> cacheKey) =>
        cacheKey.Length > 0 && cacheKey[0] == BytesTag ? cacheKey[1..] : cacheKey;
}

/// <summary>Stored keys of map entries: the owner key's length and bytes, then the entry's key.</summary>
public static class MapEntryKey
{
    public static byte[] Prefix(ReadOnlySpan<byte> owner)
    {
        var prefix = new byte[4 + owner.Length];
        BinaryPrimitives.WriteUInt32BigEndian(prefix, (uint)owner.Length);
        owner.CopyTo(prefix.AsSpan(4));
        return prefix;
    }

    public static int PrefixLength(string stateId, ReadOnlySpan<byte> stored) => 4 + Owner(stateId, stored).Length;

    public static ReadOnlySpan<byte> Owner(string stateId, ReadOnlySpan<byte> stored)
    {
        var length = stored.Length >= 4 ? BinaryPrimitives.ReadUInt32BigEndian(stored) : uint.MaxValue;
        if (length > (uint)(stored.Length - 4))
            throw new PyStreamException($"state '{stateId}': a stored map entry key does not start with its owner key");
        return stored.Slice(4, (int)length);
    }

    public static ReadOnlySpan<byte> EntryKey(string stateId, ReadOnlySpan<byte> stored) => stored[PrefixLength(stateId, stored)..];
}
