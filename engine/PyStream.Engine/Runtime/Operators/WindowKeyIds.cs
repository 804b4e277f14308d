using PyStream.Engine.State;

namespace PyStream.Engine.Runtime.Operators;

/// <summary>
/// The window operator's dense ids for its keys, so that per-key arrays stand in for
/// dictionaries on the hot path. Int keys (canonical bytes: tag 3, then 8 bytes) take a faster
/// lookup, and small non-negative ones an array that skips hashing. A released id goes to the
/// next new key.
/// </summary>
internal sealed class WindowKeyIds
{
    private const long SmallIntKeys = 1 << 16;

    private readonly Dictionary<byte[], int> _ids = new(ByteArrayComparer.Instance);
    private readonly Dictionary<byte[], int>.AlternateLookup<ReadOnlySpan<byte>> _bySpan;
    private readonly Dictionary<long, int> _intIds = [];

    // Ids of small non-negative int keys by value (-1: not seen).
    private int[] _smallIntIds = [];
    private readonly List<byte[]> _keys = [];
    private readonly Stack<int> _free = new();

    public WindowKeyIds() => _bySpan = _ids.GetAlternateLookup<ReadOnlySpan<byte>>();

    /// <summary>The keys holding an id now.</summary>
    public int Count => _ids.Count;

    /// <summary>The ids handed out so far (live keys plus ids waiting for reuse).</summary>
    public int Allocated => _keys.Count;

    public byte[] KeyOf(int id) => _keys[id];

    /// <summary>The id of a key that holds one; false for a key never seen or released.</summary>
    public bool TryGet(ReadOnlySpan<byte> key, out int id) => _bySpan.TryGetValue(key, out id);

    /// <summary>The key's id; <paramref name="added"/> when the key got it just now.</summary>
    public int IdOf(ReadOnlySpan<byte> key, out bool added)
    {
        added = false;
        var isInt = IsInt(key);
        var number = isInt ? System.Buffers.Binary.BinaryPrimitives.ReadInt64BigEndian(key[1..]) : 0;
        var small = isInt && (ulong)number < SmallIntKeys;
        if (small && number < _smallIntIds.Length && _smallIntIds[number] >= 0)
            return _smallIntIds[number];
        if (!small && (isInt ? _intIds.TryGetValue(number, out var id) : _bySpan.TryGetValue(key, out id)))
            return id;
        var owned = key.ToArray();
        if (_free.TryPop(out id))
        {
            _keys[id] = owned;
        }
        else
        {
            id = _keys.Count;
            _keys.Add(owned);
        }

        _ids.Add(owned, id);
        if (small)
        {
            if (number >= _smallIntIds.Length)
            {
                var grown = Math.Max((int)number + 1, _smallIntIds.Length * 2);
                var old = _smallIntIds.Length;
                Array.Resize(ref _smallIntIds, grown);
                _smallIntIds.AsSpan(old).Fill(-1);
            }

            _smallIntIds[number] = id;
        }
        else if (isInt)
        {
            _intIds.Add(number, id);
        }

        added = true;
        return id;
    }

    /// <summary>Forgets a key; its id goes to the next new key.</summary>
    public void Release(int id)
    {
        var key = _keys[id];
        _ids.Remove(key);
        if (IsInt(key))
        {
            var number = System.Buffers.Binary.BinaryPrimitives.ReadInt64BigEndian(key.AsSpan(1));
            if ((ulong)number < SmallIntKeys && number < _smallIntIds.Length)
                _smallIntIds[number] = -1;
            else
                _intIds.Remove(number);
        }

        _keys[id] = [];
        _free.Push(id);
    }

    private static bool IsInt(ReadOnlySpan<byte> key) => key.Length == 9 && key[0] == 0x03;
}
