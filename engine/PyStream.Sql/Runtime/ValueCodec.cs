using PyStream.Engine.Records;
using PyStream.Sql.Types;

namespace PyStream.Sql.Runtime;

/// <summary>
/// Values of the scalar types in a compact binary form, for keys and state: a null flag, then
/// the value as its CLR representation writes it. Reversible, and equal values give equal bytes
/// (what makes encoded keys usable as state keys and for key groups).
/// </summary>
public static class ValueCodec
{
    public static void Write(BinaryWriter writer, object? value, SqlType type)
    {
        if (value is null)
        {
            writer.Write((byte)0);
            return;
        }

        writer.Write((byte)1);
        // Integers at their type's width, whatever CLR integer holds them (SUM of INT adds longs),
        // so Read, which goes by the type, reads them back; out-of-range values wrap as Flink's do.
        switch (type.Kind)
        {
            case SqlTypeKind.TinyInt:
                writer.Write(unchecked((sbyte)Integer(value)));
                return;
            case SqlTypeKind.SmallInt:
                writer.Write(unchecked((short)Integer(value)));
                return;
            case SqlTypeKind.Int or SqlTypeKind.Date or SqlTypeKind.Time or SqlTypeKind.IntervalYearMonth:
                writer.Write(unchecked((int)Integer(value)));
                return;
            case SqlTypeKind.BigInt or SqlTypeKind.Timestamp or SqlTypeKind.TimestampLtz or SqlTypeKind.IntervalDayTime:
                writer.Write(Integer(value));
                return;
        }

        switch (value)
        {
            case bool b: writer.Write(b); break;
            case sbyte v: writer.Write(v); break;
            case short v: writer.Write(v); break;
            case int v: writer.Write(v); break;
            case long v: writer.Write(v); break;
            case float v: writer.Write(v); break;
            case double v: writer.Write(v); break;
            case decimal v: writer.Write(v); break;
            case string s: writer.Write(s); break;
            case byte[] bytes:
                writer.Write(bytes.Length);
                writer.Write(bytes);
                break;
            case object?[] items when type.Kind is SqlTypeKind.Array or SqlTypeKind.Multiset or SqlTypeKind.Row:
                writer.Write(items.Length);
                for (var i = 0; i < items.Length; i++)
                    Write(writer, items[i], type.Kind == SqlTypeKind.Row ? type.Fields[i].Type : type.Element!);
                break;
            default:
                throw new SqlTypeException($"values of type {type} cannot be keys or aggregated state here");
        }
    }

    /// <summary>
    /// Row <paramref name="row"/> of a column, as <see cref="Write(BinaryWriter, object?, SqlType)"/>
    /// writes its boxed value (the same bytes), without boxing the common fixed-width and string values.
    /// </summary>
    public static void Write(BinaryWriter writer, Column column, int row, SqlType type)
    {
        if (column.IsNull(row))
        {
            writer.Write((byte)0);
            return;
        }

        switch (column)
        {
            case Column<long> longs when type.Kind is SqlTypeKind.BigInt or SqlTypeKind.Timestamp or SqlTypeKind.TimestampLtz or SqlTypeKind.IntervalDayTime:
                writer.Write((byte)1);
                writer.Write(longs.Values[row]);
                return;
            case Column<int> ints when type.Kind is SqlTypeKind.Int or SqlTypeKind.Date or SqlTypeKind.Time or SqlTypeKind.IntervalYearMonth:
                writer.Write((byte)1);
                writer.Write(ints.Values[row]);
                return;
            case Column<double> doubles when type.Kind == SqlTypeKind.Double:
                writer.Write((byte)1);
                writer.Write(doubles.Values[row]);
                return;
            case Column<string> strings when strings.Values[row] is { } text && type.Kind is SqlTypeKind.Varchar or SqlTypeKind.Char:
                writer.Write((byte)1);
                writer.Write(text);
                return;
            default:
                Write(writer, column.GetBoxed(row), type);
                return;
        }
    }

    /// <summary>The row in <paramref name="slot"/> of <paramref name="arena"/>, as <see cref="WriteRow"/> writes it boxed (the same bytes), a BIGINT or timestamp value unboxed.</summary>
    public static void WriteRow(BinaryWriter writer, RowArena arena, int slot)
    {
        for (var c = 0; c < arena.Types.Count; c++)
        {
            var (column, type) = (arena.Column(c), arena.Types[c]);
            if (column is SlotColumn<long> longs && !longs.IsNull(slot) && type.Kind is SqlTypeKind.BigInt or SqlTypeKind.Timestamp or SqlTypeKind.TimestampLtz or SqlTypeKind.IntervalDayTime)
            {
                writer.Write((byte)1);
                writer.Write(longs.Value(slot));
            }
            else
            {
                Write(writer, column.GetBoxed(slot), type);
            }
        }
    }

    /// <summary>A row's values, each of its column's type.</summary>
    public static void WriteRow(BinaryWriter writer, object?[] row, IReadOnlyList<SqlType> types)
    {
        for (var c = 0; c < row.Length; c++)
            Write(writer, row[c], types[c]);
    }

    public static object?[] ReadRow(BinaryReader reader, IReadOnlyList<SqlType> types)
    {
        var row = new object?[types.Count];
        for (var c = 0; c < row.Length; c++)
            row[c] = Read(reader, types[c]);
        return row;
    }

    private static long Integer(object value) => value switch
    {
        long l => l,
        int i => i,
        short s => s,
        sbyte b => b,
        _ => Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture),
    };

    public static object? Read(BinaryReader reader, SqlType type)
    {
        if (reader.ReadByte() == 0)
            return null;
        return type.Kind switch
        {
            SqlTypeKind.Boolean => reader.ReadBoolean(),
            SqlTypeKind.TinyInt => reader.ReadSByte(),
            SqlTypeKind.SmallInt => reader.ReadInt16(),
            SqlTypeKind.Int or SqlTypeKind.Date or SqlTypeKind.Time or SqlTypeKind.IntervalYearMonth => reader.ReadInt32(),
            SqlTypeKind.BigInt or SqlTypeKind.Timestamp or SqlTypeKind.TimestampLtz or SqlTypeKind.IntervalDayTime => reader.ReadInt64(),
            SqlTypeKind.Float => reader.ReadSingle(),
            SqlTypeKind.Double => reader.ReadDouble(),
            SqlTypeKind.Decimal => reader.ReadDecimal(),
            SqlTypeKind.Char or SqlTypeKind.Varchar => reader.ReadString(),
            SqlTypeKind.Binary or SqlTypeKind.Varbinary => reader.ReadBytes(reader.ReadInt32()),
            SqlTypeKind.Array or SqlTypeKind.Multiset or SqlTypeKind.Row => ReadItems(reader, type),
            _ => throw new SqlTypeException($"values of type {type} cannot be keys or aggregated state here"),
        };
    }

    private static object?[] ReadItems(BinaryReader reader, SqlType type)
    {
        var items = new object?[reader.ReadInt32()];
        for (var i = 0; i < items.Length; i++)
            items[i] = Read(reader, type.Kind == SqlTypeKind.Row ? type.Fields[i].Type : type.Element!);
        return items;
    }
}
