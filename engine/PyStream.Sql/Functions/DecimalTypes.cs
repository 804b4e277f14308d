using PyStream.Sql.Types;

namespace PyStream.Sql.Functions;

/// <summary>
/// Flink's result types of DECIMAL arithmetic (LogicalTypeMerging), up to Flink's 38 digits.
/// </summary>
internal static class DecimalTypes
{
    /// <summary>Flink keeps at least this many fractional digits when a result must be cut to the maximum precision.</summary>
    private const int MinimumAdjustedScale = 6;

    private const int Max = SqlType.MaxDecimalPrecision;

    /// <summary>The exact numeric type as a DECIMAL: INT is DECIMAL(10, 0), BIGINT DECIMAL(19, 0).</summary>
    public static SqlType AsDecimal(SqlType type) => type.Kind switch
    {
        SqlTypeKind.Decimal => type,
        SqlTypeKind.TinyInt => SqlType.Decimal(3, 0),
        SqlTypeKind.SmallInt => SqlType.Decimal(5, 0),
        SqlTypeKind.Int => SqlType.Decimal(10, 0),
        SqlTypeKind.BigInt => SqlType.Decimal(19, 0),
        _ => throw new ArgumentException($"{type} is not an exact numeric type", nameof(type)),
    };

    public static SqlType Addition(SqlType a, SqlType b)
    {
        var scale = Math.Max(a.Scale, b.Scale);
        return Adjust(Math.Max(a.Precision - a.Scale, b.Precision - b.Scale) + scale + 1, scale);
    }

    public static SqlType Multiplication(SqlType a, SqlType b) => Adjust(a.Precision + b.Precision, a.Scale + b.Scale);

    public static SqlType Division(SqlType a, SqlType b)
    {
        var scale = Math.Max(MinimumAdjustedScale, a.Scale + b.Precision + 1);
        return Adjust(a.Precision - a.Scale + b.Scale + scale, scale);
    }

    public static SqlType Modulo(SqlType a, SqlType b)
    {
        var scale = Math.Max(a.Scale, b.Scale);
        return Adjust(Math.Min(a.Precision - a.Scale, b.Precision - b.Scale) + scale, scale);
    }

    /// <summary>ROUND/TRUNCATE(DECIMAL(p, s), digits).</summary>
    public static SqlType Round(SqlType a, int digits)
    {
        if (digits >= a.Scale)
            return a;
        if (digits < 0)
            return SqlType.Decimal(Math.Min(Max, 1 + a.Precision - a.Scale), 0);
        return SqlType.Decimal(Math.Min(Max, 1 + a.Precision - a.Scale + digits), digits);
    }

    /// <summary>The smallest DECIMAL holding every value of both (CASE, COALESCE, UNION).</summary>
    public static SqlType Union(SqlType a, SqlType b)
    {
        var scale = Math.Max(a.Scale, b.Scale);
        var integerDigits = Math.Max(a.Precision - a.Scale, b.Precision - b.Scale);
        return Adjust(integerDigits + scale, scale);
    }

    private static SqlType Adjust(int precision, int scale)
    {
        precision = Math.Max(precision, 1);
        if (precision > Max)
        {
            var integerDigits = precision - scale;
            scale = Math.Min(Math.Max(Max - integerDigits, Math.Min(scale, MinimumAdjustedScale)), Max);
            precision = Max;
        }

        // Beyond Flink: C#'s decimal keeps 28 fractional digits, so a result's scale stops there.
        var cut = Math.Max(scale - SqlType.DecimalValueDigits, 0);
        return SqlType.Decimal(Math.Max(precision - cut, 1), scale - cut);
    }
}
