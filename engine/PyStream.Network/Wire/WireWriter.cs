using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace PyStream.Network.Wire;

/// <summary>
/// A growing buffer rented from the shared pool that one batch or event is written into. The
/// frame goes out as one message; <see cref="Return"/> gives the buffer back once it is sent.
/// </summary>
internal sealed class WireWriter(int capacity = 4096) : IBufferWriter<byte>
{
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(capacity);

    public int Length { get; private set; }

    public ReadOnlyMemory<byte> Written => _buffer.AsMemory(0, Length);

    public void Advance(int count) => Length += count;

    // Reserve first: it may replace _buffer, and the span must be of the buffer it leaves.
    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        var at = Reserve(Math.Max(sizeHint, 256));
        return _buffer.AsMemory(at);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        var at = Reserve(Math.Max(sizeHint, 256));
        return _buffer.AsSpan(at);
    }

    public void Byte(byte value)
    {
        var at = Reserve(1);
        _buffer[at] = value;
        Length = at + 1;
    }

    public void Int64(long value)
    {
        var at = Reserve(8);
        BinaryPrimitives.WriteInt64LittleEndian(_buffer.AsSpan(at), value);
        Length = at + 8;
    }

    /// <summary>LEB128: 7 bits a byte, small numbers in one.</summary>
    public void VarUInt(ulong value)
    {
        var at = Reserve(10);
        var buffer = _buffer;
        while (value >= 0x80)
        {
            buffer[at++] = (byte)(value | 0x80);
            value >>= 7;
        }

        buffer[at++] = (byte)value;
        Length = at;
    }

    /// <summary>Zigzag, then LEB128: small negative numbers stay short too.</summary>
    public void VarInt(long value) => VarUInt((ulong)((value << 1) ^ (value >> 63)));

    public void Bytes(ReadOnlySpan<byte> data)
    {
        var at = Reserve(data.Length);
        data.CopyTo(_buffer.AsSpan(at));
        Length = at + data.Length;
    }

    /// <summary>Values of an unmanaged type, as their (little-endian) memory.</summary>
    public void Raw<T>(ReadOnlySpan<T> values) where T : unmanaged => Bytes(MemoryMarshal.AsBytes(values));

    /// <summary>UTF-8, after its length in bytes.</summary>
    public void String(string value)
    {
        if (value.Length < 128 && Ascii.IsValid(value))
        {
            var at = Reserve(value.Length + 1);
            _buffer[at] = (byte)value.Length;
            Encoding.ASCII.GetBytes(value, _buffer.AsSpan(at + 1));
            Length = at + 1 + value.Length;
            return;
        }

        VarUInt((ulong)Encoding.UTF8.GetByteCount(value));
        var start = Reserve(Encoding.UTF8.GetMaxByteCount(value.Length));
        Length = start + Encoding.UTF8.GetBytes(value, _buffer.AsSpan(start));
    }

    public void Return()
    {
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
        Length = 0;
    }

    /// <summary>Makes room for <paramref name="size"/> more bytes; returns where they start (the caller then moves <see cref="Length"/>).</summary>
    private int Reserve(int size)
    {
        if (Length + size > _buffer.Length)
        {
            var grown = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, Length + size));
            _buffer.AsSpan(0, Length).CopyTo(grown);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = grown;
        }

        return Length;
    }
}
