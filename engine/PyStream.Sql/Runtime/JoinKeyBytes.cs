using System.Buffers.Binary;

namespace PyStream.Sql.Runtime;

/// <summary>
/// A join key's bytes as <see cref="JoinKeyIndex"/> finds them: up to 16 bytes held inline (no array per key,
/// which for a side with a key per row, as q7's bids by price, was most of its objects), longer ones in an array.
/// </summary>
internal readonly struct JoinKeyBytes
{
    private const int InlineSize = 16;
    private readonly long _first;
    private readonly long _second;
    private readonly byte[]? _array;
    private readonly int _length;

    public JoinKeyBytes(ReadOnlySpan<byte> key)
    {
        _length = key.Length;
        if (key.Length > InlineSize)
        {
            _array = key.ToArray();
            return;
        }

        Span<byte> inline = stackalloc byte[InlineSize];
        inline.Clear();
        key.CopyTo(inline);
        (_first, _second) = (BinaryPrimitives.ReadInt64LittleEndian(inline), BinaryPrimitives.ReadInt64LittleEndian(inline[8..]));
    }

    public int Length => _length;

    /// <summary>Writes the key's bytes to <paramref name="destination"/> (at least <see cref="Length"/> long); returns them.</summary>
    public ReadOnlySpan<byte> CopyTo(Span<byte> destination)
    {
        if (_array is not null)
        {
            _array.CopyTo(destination);
            return destination[.._length];
        }

        Span<byte> inline = stackalloc byte[InlineSize];
        BinaryPrimitives.WriteInt64LittleEndian(inline, _first);
        BinaryPrimitives.WriteInt64LittleEndian(inline[8..], _second);
        inline[.._length].CopyTo(destination);
        return destination[.._length];
    }

    public bool Equals(ReadOnlySpan<byte> key)
    {
        if (key.Length != _length)
            return false;
        if (_array is not null)
            return key.SequenceEqual(_array);
        Span<byte> bytes = stackalloc byte[InlineSize];
        return key.SequenceEqual(CopyTo(bytes));
    }
}
