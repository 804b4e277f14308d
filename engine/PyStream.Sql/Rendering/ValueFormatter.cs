using System.Globalization;
using System.Text;
using PyStream.Sql.Types;

namespace PyStream.Sql.Rendering;

/// <summary>
/// One walk over a value by its type, shared by the two texts Flink shows for values: the
/// tableau's CAST to STRING (<see cref="TableauValueFormatter"/>) and Java's toString of the
/// external classes (<see cref="JavaValueFormatter"/>). Numbers, strings and the shapes of
/// collections are the same in both; subclasses write the rest.
/// </summary>
internal abstract class ValueFormatter
{
    public void Append(StringBuilder text, object? value, SqlType type)
    {
        if (value is null)
        {
            text.Append("null");
            return;
        }

        switch (type.Kind)
        {
            case SqlTypeKind.Boolean:
                AppendBoolean(text, (bool)value);
                break;
            case SqlTypeKind.TinyInt or SqlTypeKind.SmallInt or SqlTypeKind.Int or SqlTypeKind.BigInt:
                text.Append(Convert.ToInt64(value, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture));
                break;
            case SqlTypeKind.Float:
                JavaNumberText.AppendFloat(text, (float)value);
                break;
            case SqlTypeKind.Double:
                JavaNumberText.AppendDouble(text, (double)value);
                break;
            case SqlTypeKind.Decimal:
                AppendDecimal(text, (decimal)value, type.Scale);
                break;
            case SqlTypeKind.Char or SqlTypeKind.Varchar:
                text.Append((string)value);
                break;
            case SqlTypeKind.Binary or SqlTypeKind.Varbinary:
                AppendBytes(text, (byte[])value);
                break;
            case SqlTypeKind.Date:
                AppendDate(text, CivilTime.Date((int)value));
                break;
            case SqlTypeKind.Time:
                AppendTime(text, (((int)value % 86_400_000) + 86_400_000) % 86_400_000, type.Precision);
                break;
            case SqlTypeKind.Timestamp:
                AppendTimestamp(text, (long)value, type.Precision);
                break;
            case SqlTypeKind.TimestampLtz:
                AppendTimestampLtz(text, (long)value, type.Precision);
                break;
            case SqlTypeKind.IntervalYearMonth:
                AppendYearMonth(text, (int)value);
                break;
            case SqlTypeKind.IntervalDayTime:
                AppendDayTime(text, (long)value);
                break;
            case SqlTypeKind.Array:
                text.Append('[');
                AppendElements(text, (object?[])value, type.Element!);
                text.Append(']');
                break;
            case SqlTypeKind.Multiset:
                AppendMultiset(text, (object?[])value, type.Element!);
                break;
            case SqlTypeKind.Map:
                AppendMap(text, (Dictionary<object, object?>)value, type.Element!, type.Value!);
                break;
            case SqlTypeKind.Row:
                AppendRow(text, (object?[])value, type.Fields);
                break;
            default:
                throw new ArgumentException($"no text for a value of type {type}", nameof(type));
        }
    }

    /// <summary>The fields of a row, comma and space between them.</summary>
    public void AppendFields(StringBuilder text, object?[] values, IReadOnlyList<SqlField> fields)
    {
        for (var i = 0; i < values.Length; i++)
        {
            if (i > 0)
                text.Append(", ");
            Append(text, values[i], fields[i].Type);
        }
    }

    protected abstract void AppendBoolean(StringBuilder text, bool value);

    protected abstract void AppendDecimal(StringBuilder text, decimal value, int scale);

    protected abstract void AppendBytes(StringBuilder text, byte[] value);

    protected abstract void AppendDate(StringBuilder text, DateOnly date);

    protected abstract void AppendTime(StringBuilder text, int millisOfDay, int precision);

    protected abstract void AppendTimestamp(StringBuilder text, long epochMicros, int precision);

    protected abstract void AppendTimestampLtz(StringBuilder text, long epochMicros, int precision);

    protected abstract void AppendYearMonth(StringBuilder text, int months);

    protected abstract void AppendDayTime(StringBuilder text, long millis);

    protected abstract void AppendRow(StringBuilder text, object?[] values, IReadOnlyList<SqlField> fields);

    protected static string TwoDigits(int value) => value.ToString("D2", CultureInfo.InvariantCulture);

    private void AppendElements(StringBuilder text, object?[] elements, SqlType elementType)
    {
        for (var i = 0; i < elements.Length; i++)
        {
            if (i > 0)
                text.Append(", ");
            Append(text, elements[i], elementType);
        }
    }

    // A multiset is a map from element to count in both texts (MapAndMultisetToStringCastRule,
    // Java's Map<E, Integer>), here in first-seen order.
    private void AppendMultiset(StringBuilder text, object?[] elements, SqlType elementType)
    {
        var counts = new List<(object? Element, int Count)>();
        foreach (var element in elements)
        {
            var at = counts.FindIndex(entry => Equals(entry.Element, element));
            if (at < 0)
                counts.Add((element, 1));
            else
                counts[at] = (element, counts[at].Count + 1);
        }

        text.Append('{');
        for (var i = 0; i < counts.Count; i++)
        {
            if (i > 0)
                text.Append(", ");
            Append(text, counts[i].Element, elementType);
            text.Append('=').Append(counts[i].Count.ToString(CultureInfo.InvariantCulture));
        }

        text.Append('}');
    }

    private void AppendMap(StringBuilder text, Dictionary<object, object?> map, SqlType keyType, SqlType valueType)
    {
        text.Append('{');
        var first = true;
        foreach (var (key, entry) in map)
        {
            if (!first)
                text.Append(", ");
            first = false;
            Append(text, key, keyType);
            text.Append('=');
            Append(text, entry, valueType);
        }

        text.Append('}');
    }
}
