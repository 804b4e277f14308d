using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace PyStream.Network.Wire;

/// <summary>Reads what <see cref="WireWriter"/> wrote; a frame that ends early or runs on is a <see cref="WireFormatException"/>.</summary>
internal ref struct WireReader(ReadOnlySpan<byte> data)
{
    private readonly ReadOnlySpan<byte> _data = data;
    private int _at;

    public readonly bool AtEnd => _at == _data.Length;

    public byte Byte() => Take(1)[0];

    public long Int64() => BinaryPrimitives.ReadInt64LittleEndian(Take(8));

    public ulong VarUInt()
    {
        ulong value = 0;
        for (var shift = 0; shift < 70; shift += 7)
        {
            var b = Byte();
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
                return value;
        }

        throw new WireFormatException("a variable-length number runs over 10 bytes");
    }

    public long VarInt()
    {
        var raw = VarUInt();
        return (long)(raw >> 1) ^ -(long)(raw & 1);
    }

    /// <summary>A count or length: not negative, and not more than the bytes left could hold.</summary>
    public int Count(int bytesEach = 0)
    {
        var value = VarUInt();
        if (value > int.MaxValue || (bytesEach > 0 && value * (ulong)bytesEach > (ulong)(_data.Length - _at)))
            throw new WireFormatException($"a count of {value} does not fit in the {_data.Length - _at} bytes left of the frame");
        return (int)value;
    }

    public ReadOnlySpan<byte> Bytes(int length) => Take(length);

    public T[] Raw<T>(int count) where T : unmanaged
    {
        var values = new T[count];
        Take(count * Unsafe.SizeOf<T>()).CopyTo(MemoryMarshal.AsBytes(values.AsSpan()));
        return values;
    }

    /// <summary>Everything left of the frame.</summary>
    public ReadOnlySpan<byte> Rest() => Take(_data.Length - _at);

    public string String() => Encoding.UTF8.GetString(Take(Count()));

    public readonly void ExpectEnd()
    {
        if (!AtEnd)
            throw new WireFormatException($"{_data.Length - _at} bytes left over after the frame's content");
    }

    private ReadOnlySpan<byte> Take(int length)
    {
        if ((uint)length > (uint)(_data.Length - _at))
            throw new WireFormatException($"the frame ends {length - (_data.Length - _at)} bytes early");
        var span = _data.Slice(_at, length);
        _at += length;
        return span;
    }
}
