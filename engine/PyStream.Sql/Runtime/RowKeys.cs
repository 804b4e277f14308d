using System.Buffers.Binary;
using PyStream.Engine.Records;
using PyStream.Sql.Types;

namespace PyStream.Sql.Runtime;

/// <summary>
/// The canonical bytes of a row's group key (some of its columns): what routes the row to its
/// subtask (key group) and files its state. The first byte is a marker that is never the
/// engine's bytes-wrapping tag, so key groups are computed from these bytes as they are.
/// Keys of fixed-width columns (integers, timestamps, booleans, floating point) are written and
/// read straight from the typed columns; other keys go through <see cref="ValueCodec"/>, which
/// gives the same bytes for the fixed-width ones.
/// </summary>
public sealed class RowKeys(IReadOnlyList<int> columns, IReadOnlyList<SqlType> types)
{
    private const byte Marker = 0x51;
    private readonly MemoryStream _buffer = new();
    private readonly int _fixedSize = FixedSize(types);

    /// <summary>The key columns as an array: <see cref="Write"/> reads them per row (an interface call each through the list).</summary>
    private readonly int[] _columns = [.. columns];

    public IReadOnlyList<int> Columns => columns;

    /// <summary>The same keys with a buffer of its own (one per operator: the buffer is not shared between threads).</summary>
    public RowKeys Copy() => new(columns, types);

    public byte[] KeyOf(RowBatch batch, int row)
    {
        if (_fixedSize >= 0)
            return FixedKeyOf(batch, row);
        WriteVariable(batch, row);
        return _buffer.ToArray();
    }

    /// <summary>A key with a variable-width column, written into <see cref="_buffer"/> (replacing what it held).</summary>
    private void WriteVariable(RowBatch batch, int row)
    {
        _buffer.SetLength(0);
        using var writer = new BinaryWriter(_buffer, System.Text.Encoding.UTF8, leaveOpen: true);
        writer.Write(Marker);
        for (var k = 0; k < columns.Count; k++)
            ValueCodec.Write(writer, batch.Columns[columns[k]].GetBoxed(row), types[k]);
    }

    /// <summary>The key column values back from a key's bytes.</summary>
    public object?[] Values(byte[] key)
    {
        var values = new object?[columns.Count];
        if (_fixedSize >= 0)
        {
            ReadFixed(key, values);
            return values;
        }

        using var reader = new BinaryReader(new MemoryStream(key));
        if (reader.ReadByte() != Marker)
            throw new InvalidDataException("not a SQL row key");
        for (var k = 0; k < values.Length; k++)
            values[k] = ValueCodec.Read(reader, types[k]);
        return values;
    }

    /// <summary>Writes the key column values of a key's bytes into row <paramref name="row"/> of <paramref name="target"/>'s first columns (of the key's types), unboxed when every key column has a fixed width.</summary>
    public void ReadInto(byte[] key, Column[] target, int row)
    {
        if (_fixedSize < 0)
        {
            var values = Values(key);
            for (var k = 0; k < values.Length; k++)
                RowBuilder.SetBoxed(target[k], row, values[k]);
            return;
        }

        if (key.Length == 0 || key[0] != Marker)
            throw new InvalidDataException("not a SQL row key");
        var at = 1;
        for (var k = 0; k < columns.Count; k++)
        {
            if (key[at++] == 0)
            {
                (target[k].Nulls ??= new bool[target[k].Count])[row] = true;
                continue;
            }

            var source = key.AsSpan(at);
            switch (target[k])
            {
                case Column<long> c: c.Values[row] = BinaryPrimitives.ReadInt64LittleEndian(source); at += 8; break;
                case Column<int> c: c.Values[row] = BinaryPrimitives.ReadInt32LittleEndian(source); at += 4; break;
                case Column<double> c: c.Values[row] = BinaryPrimitives.ReadDoubleLittleEndian(source); at += 8; break;
                case Column<float> c: c.Values[row] = BinaryPrimitives.ReadSingleLittleEndian(source); at += 4; break;
                case Column<short> c: c.Values[row] = BinaryPrimitives.ReadInt16LittleEndian(source); at += 2; break;
                case Column<sbyte> c: c.Values[row] = (sbyte)source[0]; at += 1; break;
                case Column<bool> c: c.Values[row] = source[0] != 0; at += 1; break;
                default: throw new SqlTypeException($"a key column of {target[k].ValueType.Name} where {types[k]} was planned");
            }
        }
    }

    /// <summary>The keys of every row as one blob (what a hash edge routes by).</summary>
    public KeyBlob Blob(RowBatch batch)
    {
        var ends = new long[batch.Count];
        if (_fixedSize >= 0)
        {
            // Written straight into the blob: no array per row's key.
            var keys = new byte[batch.Count * _fixedSize];
            var at = 0;
            for (var i = 0; i < batch.Count; i++)
            {
                at += Write(batch, i, keys.AsSpan(at));
                ends[i] = at;
            }

            if (at < keys.Length)
                Array.Resize(ref keys, at); // NULL key values take only their flag
            return new KeyBlob(keys, ends);
        }

        var data = new MemoryStream();
        for (var i = 0; i < batch.Count; i++)
        {
            WriteVariable(batch, i);
            data.Write(_buffer.GetBuffer(), 0, (int)_buffer.Length);
            ends[i] = data.Length;
        }

        return new KeyBlob(data.ToArray(), ends);
    }

    /// <summary>The most bytes a key of these types takes when every column has a fixed width (-1 otherwise).</summary>
    private static int FixedSize(IReadOnlyList<SqlType> types)
    {
        var size = 1;
        foreach (var type in types)
        {
            var width = Width(type.ClrType);
            if (width < 0)
                return -1;
            size += 1 + width;
        }

        return size;
    }

    private static int Width(Type clr) =>
        clr == typeof(long) || clr == typeof(double) ? 8
        : clr == typeof(int) || clr == typeof(float) ? 4
        : clr == typeof(short) ? 2
        : clr == typeof(sbyte) || clr == typeof(bool) ? 1
        : -1;

    /// <summary>The most bytes <see cref="Write"/> takes, or -1 when the key has a column of variable width (a string, a decimal...).</summary>
    public int MaxFixedSize => _fixedSize;

    private byte[] FixedKeyOf(RowBatch batch, int row)
    {
        Span<byte> buffer = stackalloc byte[_fixedSize];
        return buffer[..Write(batch, row, buffer)].ToArray();
    }

    /// <summary>
    /// Writes the key of a row of fixed-width key columns into <paramref name="buffer"/> (at least
    /// <see cref="MaxFixedSize"/> bytes) without allocating; returns its length. BinaryWriter's
    /// little-endian layout of each value after its null flag, as <see cref="ValueCodec"/> writes it.
    /// </summary>
    public int Write(RowBatch batch, int row, Span<byte> buffer)
    {
        if (_fixedSize < 0)
            throw new InvalidOperationException("a key with variable-width columns is made by KeyOf");
        buffer[0] = Marker;
        var at = 1;
        var keyColumns = _columns;
        for (var k = 0; k < keyColumns.Length; k++)
        {
            var column = batch.Columns[keyColumns[k]];
            if (column.IsNull(row))
            {
                buffer[at++] = 0;
                continue;
            }

            buffer[at++] = 1;
            var target = buffer[at..];
            switch (column)
            {
                case Column<long> c: BinaryPrimitives.WriteInt64LittleEndian(target, c.Values[row]); at += 8; break;
                case Column<int> c: BinaryPrimitives.WriteInt32LittleEndian(target, c.Values[row]); at += 4; break;
                case Column<double> c: BinaryPrimitives.WriteDoubleLittleEndian(target, c.Values[row]); at += 8; break;
                case Column<float> c: BinaryPrimitives.WriteSingleLittleEndian(target, c.Values[row]); at += 4; break;
                case Column<short> c: BinaryPrimitives.WriteInt16LittleEndian(target, c.Values[row]); at += 2; break;
                case Column<sbyte> c: target[0] = (byte)c.Values[row]; at += 1; break;
                case Column<bool> c: target[0] = c.Values[row] ? (byte)1 : (byte)0; at += 1; break;
                default: throw new SqlTypeException($"a key column of {column.ValueType.Name} where {types[k]} was planned");
            }
        }

        return at;
    }

    private void ReadFixed(byte[] key, object?[] values)
    {
        if (key.Length == 0 || key[0] != Marker)
            throw new InvalidDataException("not a SQL row key");
        var at = 1;
        for (var k = 0; k < values.Length; k++)
        {
            if (key[at++] == 0)
                continue;
            var source = key.AsSpan(at);
            var type = types[k].ClrType;
            (values[k], var width) = type == typeof(long) ? ((object)BinaryPrimitives.ReadInt64LittleEndian(source), 8)
                : type == typeof(int) ? ((object)BinaryPrimitives.ReadInt32LittleEndian(source), 4)
                : type == typeof(double) ? ((object)BinaryPrimitives.ReadDoubleLittleEndian(source), 8)
                : type == typeof(float) ? ((object)BinaryPrimitives.ReadSingleLittleEndian(source), 4)
                : type == typeof(short) ? ((object)BinaryPrimitives.ReadInt16LittleEndian(source), 2)
                : type == typeof(sbyte) ? ((object)(sbyte)source[0], 1)
                : ((object)(source[0] != 0), 1);
            at += width;
        }
    }
}
