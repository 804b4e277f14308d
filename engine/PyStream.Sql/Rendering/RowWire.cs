using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using PyStream.Engine.Records;
using PyStream.Sql.Types;

namespace PyStream.Sql.Rendering;

/// <summary>
/// Result rows on their way to Python (<c>pystream/table/_wire.py</c> reads them): for every
/// row its kind, and for every field the tableau text and the typed value.
/// <para>Format (little-endian; "text" is an i32 byte length and that many UTF-8 bytes):</para>
/// <code>
/// blob    = u8 version (1), i32 field count, row*        (rows run to the end of the blob)
/// row     = u8 row kind (0 +I, 1 -U, 2 +U, 3 -D), field*
/// field   = display, value
/// display = i32 -1                  null (the tableau shows &lt;NULL&gt;)
///         | i32 -2                  the value's own text (str() of a string or integer value)
///         | text                    the tableau text (ValueText)
/// value   = u8 tag, payload:
///   0 null            1 bool u8              2 int64 i64           3 float64 f64
///   4 string text     5 decimal text         6 date i32 days since 1970-01-01
///   7 time i32 milliseconds of the day       8 timestamp i64 microseconds (wall clock)
///   9 timestamp_ltz i64 microseconds since the epoch (an instant)
///   10 bytes i32 length + bytes   11 list i32 count + value*   12 map i32 count + (value value)*
///   13 row i32 count + (text name, value)*   14 interval_ym i32 months   15 interval_dt i64 milliseconds
/// </code>
/// FLOAT travels as float64 (the float widened, as Java's Float reaches PyFlink); MULTISET as a list.
/// </summary>
public static class RowWire
{
    public const byte Version = 1;

    private const int NullDisplay = -1;
    private const int OwnTextDisplay = -2;

    private enum Tag : byte
    {
        Null = 0,
        Bool = 1,
        Int64 = 2,
        Float64 = 3,
        String = 4,
        Decimal = 5,
        Date = 6,
        Time = 7,
        Timestamp = 8,
        TimestampLtz = 9,
        Bytes = 10,
        List = 11,
        Map = 12,
        Row = 13,
        IntervalYearMonth = 14,
        IntervalDayTime = 15,
    }

    public static byte[] Encode(RowBatch batch, IReadOnlyList<SqlType> types, SqlContext context)
    {
        ArgumentNullException.ThrowIfNull(batch);
        CheckArguments(batch.Columns.Length, types, context);
        var output = new ArrayBufferWriter<byte>(64 + batch.Count * types.Count * 16);
        var texts = new TextScratch(new TableauValueFormatter(context), new StringBuilder());
        WriteHeader(output, types.Count);
        for (var row = 0; row < batch.Count; row++)
        {
            WriteByte(output, (byte)batch.KindAt(row));
            for (var c = 0; c < types.Count; c++)
            {
                var column = batch.Columns[c];
                if (column.IsNull(row) || !TryWriteUnboxed(output, column, row, types[c]))
                    WriteField(output, column.GetBoxed(row), types[c], texts);
            }
        }

        return output.WrittenSpan.ToArray();
    }

    /// <summary>Rows the planner computes itself (SHOW, DESCRIBE, EXPLAIN).</summary>
    public static byte[] Encode(IEnumerable<(RowKind Kind, object?[] Values)> rows, IReadOnlyList<SqlType> types, SqlContext context)
    {
        ArgumentNullException.ThrowIfNull(rows);
        CheckArguments(types?.Count ?? 0, types, context);
        var output = new ArrayBufferWriter<byte>(256);
        var texts = new TextScratch(new TableauValueFormatter(context), new StringBuilder());
        WriteHeader(output, types!.Count);
        foreach (var (kind, values) in rows)
        {
            if (values.Length != types.Count)
                throw new ArgumentException($"a row of {values.Length} values for {types.Count} columns", nameof(rows));
            WriteByte(output, (byte)kind);
            for (var c = 0; c < values.Length; c++)
                WriteField(output, values[c], types[c], texts);
        }

        return output.WrittenSpan.ToArray();
    }

    private static void CheckArguments(int columns, IReadOnlyList<SqlType>? types, SqlContext context)
    {
        ArgumentNullException.ThrowIfNull(types);
        ArgumentNullException.ThrowIfNull(context);
        if (columns != types.Count)
            throw new ArgumentException($"{columns} columns for {types.Count} types", nameof(types));
    }

    private static void WriteHeader(ArrayBufferWriter<byte> output, int fields)
    {
        WriteByte(output, Version);
        WriteInt32(output, fields);
    }

    // The common columns whose tableau text is the value's own text, written without boxing.
    private static bool TryWriteUnboxed(ArrayBufferWriter<byte> output, Column column, int row, SqlType type)
    {
        switch (column)
        {
            case Column<long> longs when type.Kind == SqlTypeKind.BigInt:
                WriteInt32(output, OwnTextDisplay);
                WriteByte(output, (byte)Tag.Int64);
                WriteInt64(output, longs.Values[row]);
                return true;
            case Column<int> ints when type.Kind == SqlTypeKind.Int:
                WriteInt32(output, OwnTextDisplay);
                WriteByte(output, (byte)Tag.Int64);
                WriteInt64(output, ints.Values[row]);
                return true;
            case Column<string> strings when type.IsCharacter:
                WriteInt32(output, OwnTextDisplay);
                WriteByte(output, (byte)Tag.String);
                WriteText(output, strings.Values[row]);
                return true;
            default:
                return false;
        }
    }

    private static void WriteField(ArrayBufferWriter<byte> output, object? value, SqlType type, TextScratch texts)
    {
        if (value is null)
            WriteInt32(output, NullDisplay);
        else if (type.IsCharacter || type.IsInteger)
            WriteInt32(output, OwnTextDisplay);
        else
            WriteText(output, ValueText.Display(value, type, texts.Formatter, texts.Builder));
        WriteValue(output, value, type);
    }

    private static void WriteValue(ArrayBufferWriter<byte> output, object? value, SqlType type)
    {
        if (value is null)
        {
            WriteByte(output, (byte)Tag.Null);
            return;
        }

        switch (type.Kind)
        {
            case SqlTypeKind.Boolean:
                WriteByte(output, (byte)Tag.Bool);
                WriteByte(output, (bool)value ? (byte)1 : (byte)0);
                break;
            case SqlTypeKind.TinyInt or SqlTypeKind.SmallInt or SqlTypeKind.Int or SqlTypeKind.BigInt:
                WriteByte(output, (byte)Tag.Int64);
                WriteInt64(output, value switch
                {
                    long number => number,
                    int number => number,
                    short number => number,
                    sbyte number => number,
                    _ => throw WrongValue(value, type),
                });
                break;
            case SqlTypeKind.Float or SqlTypeKind.Double:
                WriteByte(output, (byte)Tag.Float64);
                WriteInt64(output, BitConverter.DoubleToInt64Bits(value is float single ? single : (double)value));
                break;
            case SqlTypeKind.Decimal:
                WriteByte(output, (byte)Tag.Decimal);
                WriteText(output, JavaNumberText.PlainDecimal((decimal)value, type.Scale));
                break;
            case SqlTypeKind.Char or SqlTypeKind.Varchar:
                WriteByte(output, (byte)Tag.String);
                WriteText(output, (string)value);
                break;
            case SqlTypeKind.Binary or SqlTypeKind.Varbinary:
                var bytes = (byte[])value;
                WriteByte(output, (byte)Tag.Bytes);
                WriteInt32(output, bytes.Length);
                output.Write(bytes);
                break;
            case SqlTypeKind.Date:
                WriteTagged(output, Tag.Date, (int)value);
                break;
            case SqlTypeKind.Time:
                WriteTagged(output, Tag.Time, (int)value);
                break;
            case SqlTypeKind.IntervalYearMonth:
                WriteTagged(output, Tag.IntervalYearMonth, (int)value);
                break;
            case SqlTypeKind.Timestamp:
                WriteByte(output, (byte)Tag.Timestamp);
                WriteInt64(output, (long)value);
                break;
            case SqlTypeKind.TimestampLtz:
                WriteByte(output, (byte)Tag.TimestampLtz);
                WriteInt64(output, (long)value);
                break;
            case SqlTypeKind.IntervalDayTime:
                WriteByte(output, (byte)Tag.IntervalDayTime);
                WriteInt64(output, (long)value);
                break;
            case SqlTypeKind.Array or SqlTypeKind.Multiset:
                var elements = (object?[])value;
                WriteTagged(output, Tag.List, elements.Length);
                foreach (var element in elements)
                    WriteValue(output, element, type.Element!);
                break;
            case SqlTypeKind.Map:
                var map = (Dictionary<object, object?>)value;
                WriteTagged(output, Tag.Map, map.Count);
                foreach (var (key, entry) in map)
                {
                    WriteValue(output, key, type.Element!);
                    WriteValue(output, entry, type.Value!);
                }

                break;
            case SqlTypeKind.Row:
                var fields = (object?[])value;
                if (fields.Length != type.Fields.Count)
                    throw WrongValue(value, type);
                WriteTagged(output, Tag.Row, fields.Length);
                for (var i = 0; i < fields.Length; i++)
                {
                    WriteText(output, type.Fields[i].Name);
                    WriteValue(output, fields[i], type.Fields[i].Type);
                }

                break;
            default:
                throw WrongValue(value, type);
        }
    }

    private readonly record struct TextScratch(ValueFormatter Formatter, StringBuilder Builder);

    private static ArgumentException WrongValue(object value, SqlType type) =>
        new($"a {value.GetType().Name} value cannot be sent as {type}");

    private static void WriteTagged(ArrayBufferWriter<byte> output, Tag tag, int payload)
    {
        WriteByte(output, (byte)tag);
        WriteInt32(output, payload);
    }

    private static void WriteByte(ArrayBufferWriter<byte> output, byte value)
    {
        output.GetSpan(1)[0] = value;
        output.Advance(1);
    }

    private static void WriteInt32(ArrayBufferWriter<byte> output, int value)
    {
        BinaryPrimitives.WriteInt32LittleEndian(output.GetSpan(4), value);
        output.Advance(4);
    }

    private static void WriteInt64(ArrayBufferWriter<byte> output, long value)
    {
        BinaryPrimitives.WriteInt64LittleEndian(output.GetSpan(8), value);
        output.Advance(8);
    }

    private static void WriteText(ArrayBufferWriter<byte> output, string text)
    {
        var length = Encoding.UTF8.GetByteCount(text);
        WriteInt32(output, length);
        Encoding.UTF8.GetBytes(text, output.GetSpan(length));
        output.Advance(length);
    }
}
