using PyStream.Sql.Types;

namespace PyStream.Sql.Functions;

/// <summary>Flink's (Calcite's) common types: of the branches of CASE, the operands of a comparison, of arithmetic.</summary>
internal static class TypeMerging
{
    /// <summary>The least restrictive type of all, or null when they have none (STRING and INT).</summary>
    public static SqlType? LeastRestrictive(IEnumerable<SqlType> types)
    {
        SqlType? result = null;
        var nullable = false;
        foreach (var type in types)
        {
            nullable |= type.Nullable;
            if (type.Kind == SqlTypeKind.Null)
                continue;
            if (result is null)
            {
                result = type;
                continue;
            }

            result = Pair(result, type);
            if (result is null)
                return null;
        }

        return (result ?? SqlType.Null).AsNullable(nullable) with { TimeAttribute = TimeAttribute.None };
    }

    /// <summary>The type both numeric operands are computed in: DOUBLE wins, then FLOAT, then DECIMAL, then the wider integer.</summary>
    public static SqlType NumericCommon(SqlType a, SqlType b)
    {
        if (a.Kind == SqlTypeKind.Double || b.Kind == SqlTypeKind.Double)
            return SqlType.Double;
        if (a.Kind == SqlTypeKind.Float || b.Kind == SqlTypeKind.Float)
            return SqlType.Float;
        if (a.Kind == SqlTypeKind.Decimal || b.Kind == SqlTypeKind.Decimal)
            return DecimalTypes.Union(DecimalTypes.AsDecimal(a), DecimalTypes.AsDecimal(b));
        return a.Kind >= b.Kind ? a.AsNullable() : b.AsNullable();
    }

    /// <summary>Whether a comparison (=, &lt;, IN, IS DISTINCT FROM) accepts the two types; Flink does not cast implicitly.</summary>
    public static bool Comparable(SqlType a, SqlType b, bool equalityOnly)
    {
        if (a.Kind == SqlTypeKind.Null || b.Kind == SqlTypeKind.Null)
            return true;
        if (a.IsNumeric && b.IsNumeric || a.IsCharacter && b.IsCharacter || a.IsBinary && b.IsBinary)
            return true;
        if (a.Kind is SqlTypeKind.Array or SqlTypeKind.Map or SqlTypeKind.Row or SqlTypeKind.Multiset)
            return equalityOnly && LeastRestrictive([a, b]) is not null;
        return a.Kind == b.Kind;
    }

    private static SqlType? Pair(SqlType a, SqlType b)
    {
        if (a.IsNumeric && b.IsNumeric)
            return NumericCommon(a, b);
        if (a.IsCharacter && b.IsCharacter)
        {
            var length = Math.Max(a.Precision, b.Precision);
            return a.Kind == SqlTypeKind.Char && b.Kind == SqlTypeKind.Char ? SqlType.Char(length) : SqlType.Varchar(length);
        }

        if (a.IsBinary && b.IsBinary)
        {
            var length = Math.Max(a.Precision, b.Precision);
            return a.Kind == SqlTypeKind.Binary && b.Kind == SqlTypeKind.Binary ? SqlType.Binary(length) : SqlType.Varbinary(length);
        }

        if (a.Kind != b.Kind)
            return null;
        return a.Kind switch
        {
            SqlTypeKind.Time => SqlType.Time(Math.Max(a.Precision, b.Precision)),
            SqlTypeKind.Timestamp => SqlType.Timestamp(Math.Max(a.Precision, b.Precision)),
            SqlTypeKind.TimestampLtz => SqlType.TimestampLtz(Math.Max(a.Precision, b.Precision)),
            SqlTypeKind.Array => LeastRestrictive([a.Element!, b.Element!]) is { } element ? SqlType.Array(element) : null,
            SqlTypeKind.Multiset => LeastRestrictive([a.Element!, b.Element!]) is { } element ? SqlType.Multiset(element) : null,
            SqlTypeKind.Map => LeastRestrictive([a.Element!, b.Element!]) is { } key && LeastRestrictive([a.Value!, b.Value!]) is { } value
                ? SqlType.Map(key, value) : null,
            _ => a.SameRootAndParameters(b) ? a : null,
        };
    }
}
