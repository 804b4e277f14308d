using PyStream.Sql.Types;
using static PyStream.Sql.Functions.Signature;

namespace PyStream.Sql.Functions;

/// <summary>Types of the mathematical functions.</summary>
internal static class NumericTypes
{
    private static readonly SqlType Dbl = SqlType.Double;

    public static IEnumerable<KeyValuePair<string, Signature>> Signatures()
    {
        yield return Define("ABS", 1, 1, c => c.Types[0].IsNumeric || c.Types[0].IsInterval ? c.Types[0] : null);
        yield return Define("SIGN", 1, 1, c => c.Types[0].IsNumeric ? c.Types[0] : null);
        foreach (var name in new[] { "FLOOR", "CEIL", "CEILING" })
            yield return Define(name, 1, 2, FloorOrCeiling);
        foreach (var name in new[] { "ROUND", "TRUNCATE" })
            yield return Define(name, 1, 2, Round);
        foreach (var name in new[] { "SQRT", "EXP", "LN", "LOG10", "LOG2", "SIN", "COS", "TAN", "ASIN", "ACOS", "ATAN", "DEGREES", "RADIANS", "COT" })
            yield return Define(name, 1, 1, c => c.All(Family.Numeric) ? c.Strict(Dbl) : null);
        yield return Define("POWER", 2, 2, c => c.All(Family.Numeric) ? c.Strict(Dbl) : null);
        yield return Define("ATAN2", 2, 2, c => c.All(Family.Numeric) ? c.Strict(Dbl) : null);
        yield return Define("LOG", 1, 2, c => c.All(Family.Numeric) ? c.Strict(Dbl) : null);
        yield return Define("PI", 0, 0, _ => Dbl.NotNull);
        yield return Define("E", 0, 0, _ => Dbl.NotNull);
    }

    /// <summary>FLOOR(x) and CEIL(x) on numbers (a DECIMAL loses its scale); FLOOR(t TO unit) on date-times keeps t's type.</summary>
    private static SqlType? FloorOrCeiling(Call c)
    {
        var x = c.Types[0];
        if (c.Types.Length == 2)
            return Family.Datetime(x) && c.LiteralString(1) is not null ? c.Strict(x with { TimeAttribute = TimeAttribute.None }) : null;
        if (x.Kind == SqlTypeKind.Decimal)
            return DecimalTypes.Round(x, 0).AsNullable(x.Nullable);
        return x.IsNumeric ? x : null;
    }

    /// <summary>ROUND(x[, digits]): a DECIMAL's scale becomes the literal digits (LogicalTypeMerging.findRoundDecimalType).</summary>
    private static SqlType? Round(Call c)
    {
        var x = c.Types[0];
        if (!x.IsNumeric || c.Types.Length == 2 && !c.Is(1, Family.Integer))
            return null;
        if (x.Kind != SqlTypeKind.Decimal)
            return c.Strict(x);
        var digits = c.Types.Length == 2 ? c.LiteralInt(1) ?? x.Scale : 0;
        return c.Strict(DecimalTypes.Round(x, digits));
    }
}
