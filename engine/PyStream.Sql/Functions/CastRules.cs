using PyStream.Sql.Types;

namespace PyStream.Sql.Functions;

/// <summary>Which explicit casts Flink 1.15+ accepts (LogicalTypeCasts); the rest are validation errors.</summary>
public static class CastRules
{
    public static bool CanCast(SqlType from, SqlType to)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);
        if (from.Kind == SqlTypeKind.Null || from.Kind == to.Kind && from.Kind is not (SqlTypeKind.Array or SqlTypeKind.Multiset or SqlTypeKind.Map or SqlTypeKind.Row))
            return true;
        if (to.IsCharacter)
            return true;
        return from.Kind switch
        {
            _ when from.IsCharacter => to.IsNumeric || to.IsBinary || to.Kind is SqlTypeKind.Boolean or SqlTypeKind.Date or SqlTypeKind.Time
                or SqlTypeKind.Timestamp or SqlTypeKind.TimestampLtz,
            _ when from.IsNumeric => to.IsNumeric || to.Kind is SqlTypeKind.Boolean or SqlTypeKind.TimestampLtz
                || to.IsInterval && from.IsInteger,
            _ when from.IsBinary => to.IsBinary,
            _ when from.IsInterval => to.IsInteger,
            SqlTypeKind.Boolean => to.IsNumeric,
            SqlTypeKind.Date => to.IsTimestamp,
            SqlTypeKind.Time => to.IsTimestamp || to.Kind == SqlTypeKind.Time,
            SqlTypeKind.Timestamp => to.Kind is SqlTypeKind.Date or SqlTypeKind.Time or SqlTypeKind.TimestampLtz,
            SqlTypeKind.TimestampLtz => to.Kind is SqlTypeKind.Date or SqlTypeKind.Time or SqlTypeKind.Timestamp || to.IsNumeric,
            SqlTypeKind.Array or SqlTypeKind.Multiset => from.Kind == to.Kind && CanCast(from.Element!, to.Element!),
            SqlTypeKind.Map => to.Kind == SqlTypeKind.Map && CanCast(from.Element!, to.Element!) && CanCast(from.Value!, to.Value!),
            SqlTypeKind.Row => to.Kind == SqlTypeKind.Row && from.Fields.Count == to.Fields.Count
                && from.Fields.Zip(to.Fields).All(p => CanCast(p.First.Type, p.Second.Type)),
            _ => false,
        };
    }

    /// <summary>
    /// The type of <c>CAST(x AS target)</c> (nullable when x is) or <c>TRY_CAST</c> (always nullable);
    /// throws <see cref="SqlValidationException"/> for a cast Flink refuses.
    /// </summary>
    public static SqlType CastType(SqlType from, SqlType target, bool tryCast = false)
    {
        if (!CanCast(from, target))
            throw new SqlValidationException($"Cast function cannot convert value of type {from} to type {target}");
        return target.AsNullable(tryCast || from.Nullable || target.Nullable && from.Kind == SqlTypeKind.Null);
    }
}
