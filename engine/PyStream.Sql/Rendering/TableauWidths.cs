using PyStream.Sql.Types;

namespace PyStream.Sql.Rendering;

/// <summary>
/// A tableau column's width from its type alone (TableauStyle.columnWidthsByType), used when
/// rows are printed as they arrive. The caller then widens it to the column name and to
/// <c>&lt;NULL&gt;</c> (unless nulls print empty); the max column width caps only the types
/// without a width of their own, never a name or a wide DECIMAL.
/// </summary>
public static class TableauWidths
{
    /// <summary>table.display.max-column-width's default (PrintStyle.DEFAULT_MAX_COLUMN_WIDTH).</summary>
    public const int DefaultMaxColumnWidth = 30;

    public static int Of(SqlType type, int maxColumnWidth = DefaultMaxColumnWidth)
    {
        ArgumentNullException.ThrowIfNull(type);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxColumnWidth);
        return type.Kind switch
        {
            // the precision's digits and a minus sign
            SqlTypeKind.TinyInt => 4,
            SqlTypeKind.SmallInt => 6,
            SqlTypeKind.Int => 11,
            SqlTypeKind.BigInt => 20,
            // the digits, a minus sign and the point
            SqlTypeKind.Decimal => type.Precision + 2,
            SqlTypeKind.Boolean => 5,
            SqlTypeKind.Date => 10,
            SqlTypeKind.Time => type.Precision == 0 ? 8 : type.Precision + 9,
            SqlTypeKind.Timestamp or SqlTypeKind.TimestampLtz => TimestampWidth(type.Precision),
            _ => maxColumnWidth,
        };
    }

    // yyyy-MM-dd HH:mm:ss, then a fraction of 3, 6 or 9 digits
    private static int TimestampWidth(int precision) => precision switch
    {
        0 => 19,
        <= 3 => 23,
        <= 6 => 26,
        _ => 29,
    };
}
