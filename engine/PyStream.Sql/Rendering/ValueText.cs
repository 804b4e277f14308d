using System.Globalization;
using System.Text;
using PyStream.Sql.Types;

namespace PyStream.Sql.Rendering;

/// <summary>
/// The text a tableau (<c>TableResult.print()</c>) shows for a value: Flink's
/// RowDataToStringConverterImpl, which is CAST(value AS STRING) in its printing mode
/// (BOOLEAN <c>TRUE</c>, BYTES <c>x'0aff'</c>, TIMESTAMP_LTZ on the session clock).
/// NULL shows as <see cref="Null"/>, and only a null value does (a string never casts to it
/// here, so callers test the value); nested nulls (elements, entries, fields) show as <c>null</c>.
/// </summary>
public static class ValueText
{
    /// <summary>PrintStyle.NULL_VALUE.</summary>
    public const string Null = "<NULL>";

    public static string Display(object? value, SqlType type, SqlContext context)
    {
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(context);
        return value is null ? Null : Display(value, type, new TableauValueFormatter(context), new StringBuilder());
    }

    /// <summary>For encoders that show many values: one formatter and one builder for all of them.</summary>
    internal static string Display(object value, SqlType type, ValueFormatter formatter, StringBuilder scratch)
    {
        switch (type.Kind)
        {
            case SqlTypeKind.Char or SqlTypeKind.Varchar:
                return (string)value;
            case SqlTypeKind.BigInt:
                return ((long)value).ToString(CultureInfo.InvariantCulture);
            case SqlTypeKind.Int:
                return ((int)value).ToString(CultureInfo.InvariantCulture);
        }

        scratch.Clear();
        formatter.Append(scratch, value, type);
        return scratch.ToString();
    }
}
