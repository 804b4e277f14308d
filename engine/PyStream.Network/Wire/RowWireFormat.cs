using PyStream.Engine.Records;

namespace PyStream.Network.Wire;

/// <summary>
/// A <see cref="RowBatch"/>'s columns: per column a type code, its null mask as bits (when it has
/// one), then its values (fixed-width types as memory, strings and binaries by length); then the
/// row kinds, when the batch is not all inserts.
/// </summary>
internal static class RowWireFormat
{
    private enum ColumnType : byte
    {
        Boolean = 1,
        TinyInt,
        SmallInt,
        Int,
        BigInt,
        Float,
        Double,
        Decimal,
        String,
        Binary,
    }

    public static void Write(RowBatch rows, WireWriter output)
    {
        output.VarUInt((ulong)rows.Columns.Length);
        foreach (var column in rows.Columns)
        {
            output.Byte((byte)TypeOf(column));
            WriteNulls(column.Nulls, output);
            switch (column)
            {
                case Column<bool> c: output.Raw<bool>(c.Values); break;
                case Column<sbyte> c: output.Raw<sbyte>(c.Values); break;
                case Column<short> c: output.Raw<short>(c.Values); break;
                case Column<int> c: output.Raw<int>(c.Values); break;
                case Column<long> c: output.Raw<long>(c.Values); break;
                case Column<float> c: output.Raw<float>(c.Values); break;
                case Column<double> c: output.Raw<double>(c.Values); break;
                case Column<decimal> c: output.Raw<decimal>(c.Values); break;
                case Column<string> c:
                    foreach (var value in c.Values)
                        WriteNullable(value, output);
                    break;
                case Column<byte[]> c:
                    foreach (var value in c.Values)
                    {
                        output.VarUInt(value is null ? 0 : (ulong)value.Length + 1);
                        output.Bytes(value);
                    }

                    break;
            }
        }

        output.Byte(rows.Kinds is null ? (byte)0 : (byte)1);
        if (rows.Kinds is { } kinds)
            output.Raw<RowKind>(kinds);
    }

    public static RowBatch Read(ref WireReader input, int count)
    {
        var columns = new Column[input.Count()];
        for (var c = 0; c < columns.Length; c++)
        {
            var type = (ColumnType)input.Byte();
            var nulls = ReadNulls(ref input, count);
            columns[c] = type switch
            {
                ColumnType.Boolean => new Column<bool>(input.Raw<bool>(count), nulls),
                ColumnType.TinyInt => new Column<sbyte>(input.Raw<sbyte>(count), nulls),
                ColumnType.SmallInt => new Column<short>(input.Raw<short>(count), nulls),
                ColumnType.Int => new Column<int>(input.Raw<int>(count), nulls),
                ColumnType.BigInt => new Column<long>(input.Raw<long>(count), nulls),
                ColumnType.Float => new Column<float>(input.Raw<float>(count), nulls),
                ColumnType.Double => new Column<double>(input.Raw<double>(count), nulls),
                ColumnType.Decimal => new Column<decimal>(input.Raw<decimal>(count), nulls),
                ColumnType.String => new Column<string>(ReadStrings(ref input, count), nulls),
                ColumnType.Binary => new Column<byte[]>(ReadBinaries(ref input, count), nulls),
                _ => throw new WireFormatException($"unknown column type {(byte)type}"),
            };
        }

        var kinds = input.Byte() == 1 ? input.Raw<RowKind>(count) : null;
        return new RowBatch(columns, count, kinds);
    }

    private static ColumnType TypeOf(Column column) => column switch
    {
        Column<bool> => ColumnType.Boolean,
        Column<sbyte> => ColumnType.TinyInt,
        Column<short> => ColumnType.SmallInt,
        Column<int> => ColumnType.Int,
        Column<long> => ColumnType.BigInt,
        Column<float> => ColumnType.Float,
        Column<double> => ColumnType.Double,
        Column<decimal> => ColumnType.Decimal,
        Column<string> => ColumnType.String,
        Column<byte[]> => ColumnType.Binary,
        _ => throw new WireFormatException($"a column of {column.ValueType.Name} has no wire form yet (maps, arrays and rows stay in one process)"),
    };

    /// <summary>0: no mask; 1: a bit per row.</summary>
    private static void WriteNulls(bool[]? nulls, WireWriter output)
    {
        if (nulls is null)
        {
            output.Byte(0);
            return;
        }

        output.Byte(1);
        var bits = (nulls.Length + 7) / 8;
        var span = output.GetSpan(bits)[..bits];
        span.Clear();
        for (var i = 0; i < nulls.Length; i++)
        {
            if (nulls[i])
                span[i >> 3] |= (byte)(1 << (i & 7));
        }

        output.Advance(bits);
    }

    private static bool[]? ReadNulls(ref WireReader input, int count)
    {
        if (input.Byte() == 0)
            return null;
        var bits = input.Bytes((count + 7) / 8);
        var nulls = new bool[count];
        for (var i = 0; i < count; i++)
            nulls[i] = (bits[i >> 3] & (1 << (i & 7))) != 0;
        return nulls;
    }

    /// <summary>A 1 and the string, or a 0 for null.</summary>
    private static void WriteNullable(string? value, WireWriter output)
    {
        if (value is null)
        {
            output.Byte(0);
            return;
        }

        output.Byte(1);
        output.String(value);
    }

    private static string[] ReadStrings(ref WireReader input, int count)
    {
        var values = new string[count];
        for (var i = 0; i < count; i++)
            values[i] = input.Byte() == 0 ? null! : input.String();
        return values;
    }

    private static byte[][] ReadBinaries(ref WireReader input, int count)
    {
        var values = new byte[count][];
        for (var i = 0; i < count; i++)
        {
            var length = input.Count();
            values[i] = length == 0 ? null! : input.Bytes(length - 1).ToArray();
        }

        return values;
    }
}
