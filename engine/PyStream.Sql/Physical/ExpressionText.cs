using PyStream.Sql.Expressions;
using PyStream.Sql.Planning;
using PyStream.Sql.Rendering;
using PyStream.Sql.Types;

namespace PyStream.Sql.Physical;

/// <summary>
/// Expressions as EXPLAIN shows them, in the style of Flink's plans: binary operators infix and
/// parenthesised (<c>(a &gt; 2)</c>), other calls by name (<c>UPPER(b)</c>), columns by their input's
/// names, computed projections as <c>expr AS name</c>. Operator names (and uids) carry this text, so
/// two Calcs that compute different things never look alike.
/// </summary>
internal static class ExpressionText
{
    private static readonly HashSet<string> Infix =
        ["+", "-", "*", "/", "%", "=", "<>", "<", "<=", ">", ">=", "AND", "OR", "||", "LIKE", "IS DISTINCT FROM", "IS NOT DISTINCT FROM"];

    public static string Of(BoundExpr expr, IReadOnlyList<PlanField> input, SqlContext context) => expr switch
    {
        InputRef r => input[r.Index].Name,
        Literal { Value: null } l => $"null:{l.Type}",
        Literal l when l.Type.Kind is SqlTypeKind.Char or SqlTypeKind.Varchar => "'" + ((string)l.Value!).Replace("'", "''", StringComparison.Ordinal) + "'",
        Literal l => ValueText.Display(l.Value, l.Type, context),
        CallExpr { Function: "CAST" or "TRY_CAST" } c => $"{c.Function}({Of(c.Operands[0], input, context)} AS {c.Type.AsNullable()})",
        CallExpr c when c.Operands.Count == 2 && Infix.Contains(c.Function) =>
            $"({Of(c.Operands[0], input, context)} {c.Function} {Of(c.Operands[1], input, context)})",
        CallExpr c => $"{c.Function}({string.Join(", ", c.Operands.Select(o => Of(o, input, context)))})",
        PythonCallExpr p => $"{p.Function}({string.Join(", ", p.Operands.Select(o => Of(o, input, context)))})",
        _ => expr.GetType().Name,
    };

    /// <summary>A Calc's projections: a column passed through by its name, anything else as <c>expr AS name</c>.</summary>
    public static string Select(CalcNode c, SqlContext context) => string.Join(", ", c.Projections.Select((p, i) =>
        p is InputRef r && c.Input.Fields[r.Index].Name == c.Output[i].Name ? c.Output[i].Name : $"{Of(p, c.Input.Fields, context)} AS {c.Output[i].Name}"));

    /// <summary><c>Calc(select=[...])</c> with its <c>where=[...]</c> when it filters.</summary>
    public static string Calc(CalcNode c, SqlContext context, string operatorName = "Calc") =>
        c.Condition is null
            ? $"{operatorName}(select=[{Select(c, context)}])"
            : $"{operatorName}(select=[{Select(c, context)}], where=[{Of(c.Condition, c.Input.Fields, context)}])";
}
