using PyStream.Sql.Types;
using static PyStream.Sql.Functions.Signature;

namespace PyStream.Sql.Functions;

/// <summary>Types of the operators: logic, comparison, arithmetic, CASE and the null functions.</summary>
internal static class OperatorTypes
{
    private static readonly SqlType Bool = SqlType.Boolean;

    public static IEnumerable<KeyValuePair<string, Signature>> Signatures()
    {
        foreach (var name in new[] { "AND", "OR" })
            yield return Define(name, 2, int.MaxValue, c => c.All(Family.Boolean) ? c.Strict(Bool) : null);
        yield return Define("NOT", 1, 1, c => c.All(Family.Boolean) ? c.Strict(Bool) : null);
        foreach (var name in new[] { "=", "<>" })
            yield return Define(name, 2, 2, c => TypeMerging.Comparable(c.Types[0], c.Types[1], equalityOnly: true) ? c.Strict(Bool) : null);
        foreach (var name in new[] { "<", ">", "<=", ">=" })
            yield return Define(name, 2, 2, c => TypeMerging.Comparable(c.Types[0], c.Types[1], equalityOnly: false) ? c.Strict(Bool) : null);
        foreach (var name in new[] { "IS DISTINCT FROM", "IS NOT DISTINCT FROM" })
            yield return Define(name, 2, 2, c => TypeMerging.Comparable(c.Types[0], c.Types[1], equalityOnly: true) ? Bool.NotNull : null);
        foreach (var name in new[] { "IS NULL", "IS NOT NULL" })
            yield return Define(name, 1, 1, _ => Bool.NotNull);
        foreach (var name in new[] { "IS TRUE", "IS NOT TRUE", "IS FALSE", "IS NOT FALSE" })
            yield return Define(name, 1, 1, c => c.All(Family.Boolean) ? Bool.NotNull : null);
        yield return Define("IN", 2, int.MaxValue, c =>
            c.Types.Skip(1).All(t => TypeMerging.Comparable(c.Types[0], t, equalityOnly: true)) ? c.Strict(Bool) : null);
        yield return Define("LIKE", 2, 3, c => c.All(Family.Character) ? c.Strict(Bool) : null);
        yield return Define("SIMILAR TO", 2, 3, c => c.All(Family.Character) ? c.Strict(Bool) : null);
        yield return Define("+", 2, 2, c => Arithmetic(c, '+'));
        yield return Define("-", 2, 2, c => Arithmetic(c, '-'));
        yield return Define("*", 2, 2, c => Arithmetic(c, '*'));
        yield return Define("/", 2, 2, c => Arithmetic(c, '/'));
        yield return Define("MOD", 2, 2, Modulo);
        yield return Define("NEGATE", 1, 1, c => c.Types[0].IsNumeric || c.Types[0].IsInterval ? c.Types[0] : null);
        yield return Define("CASE", 3, int.MaxValue, Case);
        yield return Define("IF", 3, 3, c => c.Is(0, Family.Boolean) ? TypeMerging.LeastRestrictive(c.Types.Skip(1)) : null);
        yield return Define("COALESCE", 1, int.MaxValue, c =>
            TypeMerging.LeastRestrictive(c.Types)?.AsNullable(c.Types.All(t => t.Nullable)));
        yield return Define("IFNULL", 2, 2, c => TypeMerging.LeastRestrictive(c.Types)?.AsNullable(c.Types[1].Nullable));
        yield return Define("NULLIF", 2, 2, c =>
            TypeMerging.Comparable(c.Types[0], c.Types[1], equalityOnly: true) ? c.Types[0].AsNullable() : null);
    }

    /// <summary>
    /// Numbers as Flink computes them (DOUBLE wins, then FLOAT, then DECIMAL by LogicalTypeMerging, then the
    /// wider integer; INT / INT is INT), and the temporal forms: datetime ± interval, interval ± interval,
    /// interval * / number.
    /// </summary>
    private static SqlType? Arithmetic(Call c, char op)
    {
        var (a, b) = (c.Types[0], c.Types[1]);
        if (a.Kind == SqlTypeKind.Null && b.Kind == SqlTypeKind.Null)
            return null;
        if (a.Kind == SqlTypeKind.Null)
            a = b;
        if (b.Kind == SqlTypeKind.Null)
            b = a;
        if (a.IsNumeric && b.IsNumeric)
        {
            if (a.IsApproximate || b.IsApproximate || a.Kind != SqlTypeKind.Decimal && b.Kind != SqlTypeKind.Decimal)
                return c.Strict(TypeMerging.NumericCommon(a, b));
            var (da, db) = (DecimalTypes.AsDecimal(a), DecimalTypes.AsDecimal(b));
            var result = op switch
            {
                '+' or '-' => DecimalTypes.Addition(da, db),
                '*' => DecimalTypes.Multiplication(da, db),
                _ => DecimalTypes.Division(da, db),
            };
            return c.Strict(result);
        }

        var datetime = Family.Datetime(a);
        if (op is '+' or '-' && datetime && b.IsInterval && (a.Kind != SqlTypeKind.Time || b.Kind == SqlTypeKind.IntervalDayTime))
            return c.Strict(a with { TimeAttribute = TimeAttribute.None });
        if (op == '+' && a.IsInterval && Family.Datetime(b) && (b.Kind != SqlTypeKind.Time || a.Kind == SqlTypeKind.IntervalDayTime))
            return c.Strict(b with { TimeAttribute = TimeAttribute.None });
        if (op is '+' or '-' && a.IsInterval && a.Kind == b.Kind)
            return c.Strict(a);
        if (op is '*' or '/' && a.IsInterval && b.IsNumeric)
            return c.Strict(a);
        if (op == '*' && a.IsNumeric && b.IsInterval)
            return c.Strict(b);
        return null;
    }

    /// <summary>MOD takes exact numbers; with a DECIMAL it follows LogicalTypeMerging, otherwise it has the divisor's type (Calcite).</summary>
    private static SqlType? Modulo(Call c)
    {
        var (a, b) = (c.Types[0], c.Types[1]);
        if (!c.All(t => t.IsInteger || t.Kind == SqlTypeKind.Decimal) || a.Kind == SqlTypeKind.Null && b.Kind == SqlTypeKind.Null)
            return null;
        if (a.Kind == SqlTypeKind.Decimal || b.Kind == SqlTypeKind.Decimal)
            return c.Strict(DecimalTypes.Modulo(DecimalTypes.AsDecimal(a.Kind == SqlTypeKind.Null ? b : a), DecimalTypes.AsDecimal(b.Kind == SqlTypeKind.Null ? a : b)));
        return c.Strict(b.Kind == SqlTypeKind.Null ? a : b);
    }

    /// <summary>CASE [cond1, result1, ..., else]: boolean conditions, the least restrictive type of the results.</summary>
    private static SqlType? Case(Call c)
    {
        if (c.Types.Length % 2 == 0)
            return null;
        var results = new List<SqlType>();
        for (var i = 0; i < c.Types.Length - 1; i += 2)
        {
            if (!c.Is(i, Family.Boolean))
                return null;
            results.Add(c.Types[i + 1]);
        }

        results.Add(c.Types[^1]);
        return TypeMerging.LeastRestrictive(results);
    }
}
