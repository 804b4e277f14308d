using PyStream.Sql.Types;

namespace PyStream.Sql.Runtime;

/// <summary>Rows of boxed values to bytes and back (for state), with one reused buffer: one per operator, not shared between threads.</summary>
public sealed class RowCodec(IReadOnlyList<SqlType> types)
{
    private readonly MemoryStream _buffer = new();

    /// <summary>What <see cref="Decode"/> reads from: the stored bytes copied in, so no stream or reader is made per row.</summary>
    private readonly MemoryStream _read = new();
    private BinaryReader? _reader;

    public byte[] Encode(object?[] row)
    {
        _buffer.SetLength(0);
        using (var writer = new BinaryWriter(_buffer, System.Text.Encoding.UTF8, leaveOpen: true))
            ValueCodec.WriteRow(writer, row, types);
        return _buffer.ToArray();
    }

    public object?[] Decode(ReadOnlySpan<byte> stored)
    {
        _read.SetLength(0);
        _read.Write(stored);
        _read.Position = 0;
        _reader ??= new BinaryReader(_read, System.Text.Encoding.UTF8, leaveOpen: true);
        return ValueCodec.ReadRow(_reader, types);
    }
}
