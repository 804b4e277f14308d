using PyStream.Sql.Expressions;

namespace PyStream.Sql.Planning;

/// <summary>
/// Narrows a regular join's inputs to the columns used above it (Flink's ProjectJoinTransposeRule,
/// applied to a Calc over a Join): each side keeps the columns the Calc reads, its join keys and
/// the columns the residual condition reads, so the join stores, reads back and emits no column
/// nobody uses. The Calc over the join reads the narrower row.
/// </summary>
public static class JoinProjectPushdown
{
    /// <summary>The Calc over a join of narrowed inputs, or null when every column of the join is used.</summary>
    public static CalcNode? Apply(CalcNode calc, JoinNode join)
    {
        if (join.Interval is not null)
            return null;
        var width = join.Left.Fields.Count;
        var used = new SortedSet<int>(calc.Projections.SelectMany(Reads));
        if (calc.Condition is not null)
            used.UnionWith(Reads(calc.Condition));
        if (join.Residual is not null)
            used.UnionWith(Reads(join.Residual));
        used.UnionWith(join.LeftKeys);
        used.UnionWith(join.RightKeys.Select(k => k + width));

        // A side keeps a column even when none is read (a row of no columns is not a row here).
        if (!used.Any(i => i < width))
            used.Add(0);
        if (!used.Any(i => i >= width))
            used.Add(width);
        if (used.Count == join.Fields.Count)
            return null;

        var kept = used.ToArray();
        var leftKept = kept.Where(i => i < width).ToArray();
        var rightKept = kept.Where(i => i >= width).Select(i => i - width).ToArray();
        var position = new Dictionary<int, int>();
        for (var i = 0; i < kept.Length; i++)
            position[kept[i]] = i;
        var leftPosition = leftKept.Select((column, i) => (column, i)).ToDictionary(p => p.column, p => p.i);
        var rightPosition = rightKept.Select((column, i) => (column, i)).ToDictionary(p => p.column, p => p.i);
        // A new node, not a `with` copy: a plan node's Fields are set from its output when it is made.
        var narrowed = new JoinNode(
            Narrowed(join.Left, leftKept),
            Narrowed(join.Right, rightKept),
            join.Type,
            join.LeftKeys.Select(k => leftPosition[k]).ToArray(),
            join.RightKeys.Select(k => rightPosition[k]).ToArray(),
            join.Residual is null ? null : Remap(join.Residual, position),
            kept.Select(i => join.Output[i]).ToArray(),
            join.Interval,
            join.NullSafe);
        return calc with
        {
            Input = narrowed,
            Condition = calc.Condition is null ? null : Remap(calc.Condition, position),
            Projections = calc.Projections.Select(p => Remap(p, position)).ToArray(),
        };
    }

    /// <summary>An input cut to <paramref name="columns"/> (the input itself when it keeps them all).</summary>
    internal static PlanNode Narrowed(PlanNode input, int[] columns) =>
        columns.Length == input.Fields.Count
            ? input
            : new CalcNode(input, null, columns.Select(c => (BoundExpr)new InputRef(c, input.Fields[c].Type)).ToArray(), columns.Select(c => input.Fields[c]).ToArray());

    /// <summary>The columns an expression reads.</summary>
    internal static IEnumerable<int> Reads(BoundExpr expr) => expr switch
    {
        InputRef r => [r.Index],
        CallExpr c => c.Operands.SelectMany(Reads),
        PythonCallExpr p => p.Operands.SelectMany(Reads),
        _ => [],
    };

    /// <summary>The expression reading each column at its new position.</summary>
    internal static BoundExpr Remap(BoundExpr expr, Dictionary<int, int> position) => expr switch
    {
        InputRef r => r with { Index = position[r.Index] },
        CallExpr c => c with { Operands = c.Operands.Select(o => Remap(o, position)).ToArray() },
        PythonCallExpr p => p with { Operands = p.Operands.Select(o => Remap(o, position)).ToArray() },
        _ => expr,
    };
}
