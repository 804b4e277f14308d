using PyStream.Sql.Types;

namespace PyStream.Sql.Runtime;

/// <summary>Rows of boxed values to bytes and back (for state), with one reused buffer: one per operator, not shared between threads.</summary>
public sealed class RowCodec(IReadOnlyList<SqlType> types)
{
    private readonly MemoryStream _buffer = new();

    public byte[] Encode(object?[] row)
    {
        _buffer.SetLength(0);
        using (var writer = new BinaryWriter(_buffer, System.Text.Encoding.UTF8, leaveOpen: true))
            ValueCodec.WriteRow(writer, row, types);
        return _buffer.ToArray();
    }

    public object?[] Decode(byte[] stored)
    {
        using var reader = new BinaryReader(new MemoryStream(stored));
        return ValueCodec.ReadRow(reader, types);
    }
}
