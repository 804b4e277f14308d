using PyStream.Engine.Records;
using PyStream.Sql.Types;

namespace PyStream.Sql.Runtime;

/// <summary>
/// The canonical bytes of a row's group key (some of its columns): what routes the row to its
/// subtask (key group) and files its state. The first byte is a marker that is never the
/// engine's bytes-wrapping tag, so key groups are computed from these bytes as they are.
/// </summary>
public sealed class RowKeys(IReadOnlyList<int> columns, IReadOnlyList<SqlType> types)
{
    private const byte Marker = 0x51;
    private readonly MemoryStream _buffer = new();

    public IReadOnlyList<int> Columns => columns;

    /// <summary>The same keys with a buffer of its own (one per operator: the buffer is not shared between threads).</summary>
    public RowKeys Copy() => new(columns, types);

    public byte[] KeyOf(RowBatch batch, int row)
    {
        _buffer.SetLength(0);
        using (var writer = new BinaryWriter(_buffer, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Marker);
            for (var k = 0; k < columns.Count; k++)
                ValueCodec.Write(writer, batch.Columns[columns[k]].GetBoxed(row), types[k]);
        }

        return _buffer.ToArray();
    }

    /// <summary>The key column values back from a key's bytes.</summary>
    public object?[] Values(byte[] key)
    {
        using var reader = new BinaryReader(new MemoryStream(key));
        if (reader.ReadByte() != Marker)
            throw new InvalidDataException("not a SQL row key");
        var values = new object?[columns.Count];
        for (var k = 0; k < values.Length; k++)
            values[k] = ValueCodec.Read(reader, types[k]);
        return values;
    }

    /// <summary>The keys of every row as one blob (what a hash edge routes by).</summary>
    public KeyBlob Blob(RowBatch batch)
    {
        var data = new MemoryStream();
        var ends = new long[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            data.Write(KeyOf(batch, i));
            ends[i] = data.Length;
        }

        return new KeyBlob(data.ToArray(), ends);
    }
}
