using System.Buffers.Binary;
using PyStream.Engine.State;

namespace PyStream.Sql.Runtime;

/// <summary>
/// A join key's bytes as a dictionary key: up to 16 bytes held inline (no array per key, which
/// for a side with a key per row, as q7's bids by price, was most of its objects), longer ones in an array.
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

    public bool Equals(JoinKeyBytes other) =>
        _length == other._length && (_array is null ? _first == other._first && _second == other._second : _array.AsSpan().SequenceEqual(other._array));

    /// <summary>Compares keys by content, and looks them up by span without copying them.</summary>
    public sealed class Comparer : IEqualityComparer<JoinKeyBytes>, IAlternateEqualityComparer<ReadOnlySpan<byte>, JoinKeyBytes>
    {
        public static Comparer Instance { get; } = new();

        public bool Equals(JoinKeyBytes x, JoinKeyBytes y) => x.Equals(y);

        public int GetHashCode(JoinKeyBytes obj)
        {
            Span<byte> bytes = stackalloc byte[Math.Max(obj.Length, InlineSize)];
            return GetHashCode(obj.CopyTo(bytes));
        }

        public bool Equals(ReadOnlySpan<byte> alternate, JoinKeyBytes other) => other.Equals(alternate);

        public int GetHashCode(ReadOnlySpan<byte> alternate) => ByteArrayComparer.Instance.GetHashCode(alternate);

        public JoinKeyBytes Create(ReadOnlySpan<byte> alternate) => new(alternate);
    }
}
