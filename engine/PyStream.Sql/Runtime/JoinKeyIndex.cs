namespace PyStream.Sql.Runtime;

/// <summary>
/// From a join key's bytes to the number its side gave the key: an open-addressing table (linear
/// probing, backward-shift deletion) of one <c>long</c> per slot, the key's hash in the upper half and
/// its number + 1 in the lower (0: empty). The keys' bytes stay where the side keeps them
/// (<paramref name="keyAt"/>); a slot is read only to compare a key whose hash matches. For a side
/// with a key per row (q7's bids by price, 1.84M keys) this holds 8 bytes a key where a
/// <c>Dictionary</c> entry with the key inline took 48, and grows by copying those 8 bytes.
/// </summary>
internal sealed class JoinKeyIndex(JoinKeyIndex.KeyAt keyAt)
{
    /// <summary>The bytes of the key numbered <paramref name="number"/>.</summary>
    public delegate ref readonly JoinKeyBytes KeyAt(int number);

    private const int InitialBits = 10;
    private long[] _slots = new long[1 << InitialBits];
    private int _bits = InitialBits;

    public int Count { get; private set; }

    /// <summary>The number of <paramref name="key"/> (its bytes' <paramref name="hash"/>), or -1 when it has none.</summary>
    public int Find(ReadOnlySpan<byte> key, int hash)
    {
        var at = Position(key, hash);
        return at < 0 ? -1 : (int)_slots[at] - 1;
    }

    /// <summary>Files a key that has no number yet under <paramref name="number"/>.</summary>
    public void Add(int hash, int number)
    {
        if ((Count + 1) * 4 > _slots.Length * 3)
            Grow();
        Place(_slots, _bits, ((long)hash << 32) | (uint)(number + 1));
        Count++;
    }

    /// <summary>Takes a key out (nothing when it has no number).</summary>
    public void Remove(ReadOnlySpan<byte> key, int hash)
    {
        var hole = Position(key, hash);
        if (hole < 0)
            return;
        var mask = _slots.Length - 1;
        // Each later slot of the run moves back into the hole when the hole lies between its home and it.
        for (var next = (hole + 1) & mask; _slots[next] != 0; next = (next + 1) & mask)
        {
            var home = Home((int)(_slots[next] >> 32), _bits);
            if (((next - home) & mask) >= ((next - hole) & mask))
            {
                _slots[hole] = _slots[next];
                hole = next;
            }
        }

        _slots[hole] = 0;
        Count--;
    }

    /// <summary>Every key's number.</summary>
    public int[] Numbers()
    {
        var numbers = new List<int>(Count);
        foreach (var slot in _slots)
        {
            if (slot != 0)
                numbers.Add((int)slot - 1);
        }

        return [.. numbers];
    }

    private int Position(ReadOnlySpan<byte> key, int hash)
    {
        var mask = _slots.Length - 1;
        for (var at = Home(hash, _bits); ; at = (at + 1) & mask)
        {
            var slot = _slots[at];
            if (slot == 0)
                return -1;
            if ((int)(slot >> 32) == hash && keyAt((int)slot - 1).Equals(key))
                return at;
        }
    }

    private void Grow()
    {
        var bits = _bits + 1;
        var slots = new long[1 << bits];
        foreach (var slot in _slots)
        {
            if (slot != 0)
                Place(slots, bits, slot);
        }

        (_slots, _bits) = (slots, bits);
    }

    private static void Place(long[] slots, int bits, long slot)
    {
        var mask = slots.Length - 1;
        var at = Home((int)(slot >> 32), bits);
        while (slots[at] != 0)
            at = (at + 1) & mask;
        slots[at] = slot;
    }

    /// <summary>A hash's first slot: its bits spread by Fibonacci hashing, the top <paramref name="bits"/> of them.</summary>
    private static int Home(int hash, int bits) => (int)(((uint)hash * 0x9E3779B9u) >> (32 - bits));
}
