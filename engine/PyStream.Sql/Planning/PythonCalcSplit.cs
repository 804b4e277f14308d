using PyStream.Sql.Expressions;
using PyStream.Sql.Types;

namespace PyStream.Sql.Planning;

/// <summary>
/// Splits a Calc whose expressions call Python functions (Flink's PythonCalcSplitRule): a native
/// Calc applies the conditions without Python calls and computes the arguments that are not
/// plain columns, a <see cref="PythonCalcNode"/> evaluates the calls over whole batches, and a
/// native Calc computes the rest from their results. Calls nested in other calls' arguments
/// take one such stage per level. Calls are evaluated for every row that passes the native
/// conditions, also those a CASE would not take.
/// </summary>
public static class PythonCalcSplit
{
    public static bool HasPython(CalcNode calc) => (calc.Condition is { } c && HasPython(c)) || calc.Projections.Any(HasPython);

    public static bool HasPython(BoundExpr expr) => expr switch
    {
        PythonCallExpr => true,
        CallExpr c => c.Operands.Any(HasPython),
        _ => false,
    };

    public static PlanNode Split(CalcNode calc)
    {
        ArgumentNullException.ThrowIfNull(calc);
        var conjuncts = Conjuncts(calc.Condition).ToList();
        var filter = And(conjuncts.Where(c => !HasPython(c)).ToList());
        var condition = And(conjuncts.Where(HasPython).ToList());
        var projections = calc.Projections.ToList();
        var node = calc.Input;
        for (var stage = 0; ; stage++)
        {
            var calls = new List<PythonCallExpr>();
            foreach (var expr in condition is null ? projections : projections.Append(condition))
                Innermost(expr, calls);
            if (calls.Count == 0)
                break;

            var width = node.Fields.Count;
            var computed = calls.SelectMany(c => c.Operands).Where(o => o is not InputRef).Distinct().ToList();
            if (computed.Count > 0 || filter is not null)
            {
                BoundExpr[] columns = [.. node.Fields.Select((f, i) => new InputRef(i, f.Type)), .. computed];
                node = new CalcNode(node, filter, columns, [.. node.Fields, .. computed.Select((e, i) => new PlanField($"$arg{stage}_{i}", e.Type))]);
                filter = null;
            }

            var bound = calls.Select(c => c with { Operands = c.Operands.Select(o => o is InputRef ? o : new InputRef(width + computed.IndexOf(o), o.Type)).ToArray() }).ToList();
            var first = node.Fields.Count;
            node = new PythonCalcNode(node, bound, [.. node.Fields, .. calls.Select((c, i) => new PlanField($"{c.Function}${stage}_{i}", c.Type))]);
            var results = calls.Select((c, i) => (c, (BoundExpr)new InputRef(first + i, c.Type))).ToDictionary(p => p.c, p => p.Item2);
            projections = projections.Select(p => Replace(p, results)).ToList();
            condition = condition is null ? null : Replace(condition, results);
        }

        return new CalcNode(node, condition, projections, calc.Output);
    }

    /// <summary>The Python calls without Python calls in their arguments, each once.</summary>
    private static void Innermost(BoundExpr expr, List<PythonCallExpr> found)
    {
        switch (expr)
        {
            case PythonCallExpr p when !p.Operands.Any(HasPython):
                if (!found.Contains(p))
                    found.Add(p);
                break;
            case PythonCallExpr p:
                foreach (var operand in p.Operands)
                    Innermost(operand, found);
                break;
            case CallExpr c:
                foreach (var operand in c.Operands)
                    Innermost(operand, found);
                break;
        }
    }

    private static BoundExpr Replace(BoundExpr expr, Dictionary<PythonCallExpr, BoundExpr> results) => expr switch
    {
        PythonCallExpr p when results.TryGetValue(p, out var column) => column,
        PythonCallExpr p => p with { Operands = p.Operands.Select(o => Replace(o, results)).ToArray() },
        CallExpr c => c with { Operands = c.Operands.Select(o => Replace(o, results)).ToArray() },
        _ => expr,
    };

    private static IEnumerable<BoundExpr> Conjuncts(BoundExpr? condition) => condition switch
    {
        null => [],
        CallExpr { Function: "AND" } and => and.Operands.SelectMany(Conjuncts),
        _ => [condition],
    };

    private static BoundExpr? And(IReadOnlyList<BoundExpr> conjuncts) => conjuncts.Count == 0
        ? null
        : conjuncts.Aggregate((a, b) => new CallExpr("AND", [a, b], a.Type.Nullable || b.Type.Nullable ? SqlType.Boolean : SqlType.Boolean.NotNull));
}
