using PyStream.Sql.Expressions;
using PyStream.Sql.Types;

namespace PyStream.Sql.Planning;

/// <summary>
/// Moves the conjuncts of a join's residual condition that read one side only below the join, as a
/// filter of that side's input (Flink's FlinkFilterJoinRule), so the join keeps in state and scans
/// only rows that can join. Only where it keeps the result: both sides of an inner join, the
/// null-padded side of an outer one (a preserved side's row must come out, padded, even when the
/// condition rejects it). A conjunct whose value can change between evaluations (the clock, UUID)
/// stays in the join.
/// </summary>
public static class JoinFilterPushdown
{
    private static readonly HashSet<string> Volatile = new(StringComparer.OrdinalIgnoreCase)
    {
        "UUID", "CURRENT_TIMESTAMP", "NOW", "LOCALTIMESTAMP", "PROCTIME", "CURRENT_DATE", "CURRENT_TIME", "LOCALTIME", "UNIX_TIMESTAMP", "CURRENT_ROW_TIMESTAMP",
    };

    /// <summary>The join with its one-sided conjuncts filtering its inputs, or the join unchanged when none can move.</summary>
    public static JoinNode Apply(JoinNode join)
    {
        if (join.Residual is null)
            return join;
        var width = join.Left.Fields.Count;
        var pushLeft = join.Type is JoinType.Inner or JoinType.Right;
        var pushRight = join.Type is JoinType.Inner or JoinType.Left;
        var left = new List<BoundExpr>();
        var right = new List<BoundExpr>();
        var kept = new List<BoundExpr>();
        foreach (var conjunct in Conjuncts(join.Residual))
        {
            var (reads, movable) = Reads(conjunct, width);
            if (movable && reads == Side.Left && pushLeft)
                left.Add(conjunct);
            else if (movable && reads == Side.Right && pushRight)
                right.Add(conjunct);
            else
                kept.Add(conjunct);
        }

        if (left.Count == 0 && right.Count == 0)
            return join;
        return join with
        {
            Left = Filtered(join.Left, left, 0),
            Right = Filtered(join.Right, right, -width),
            Residual = kept.Count == 0 ? null : And(kept),
        };
    }

    private enum Side { None, Left, Right, Both }

    private static PlanNode Filtered(PlanNode input, List<BoundExpr> conjuncts, int shift) =>
        conjuncts.Count == 0
            ? input
            : new CalcNode(input, Shift(And(conjuncts), shift), input.Fields.Select((f, i) => (BoundExpr)new InputRef(i, f.Type)).ToArray(), input.Fields);

    /// <summary>Which side's columns the expression reads, and whether it is made only of columns, literals and deterministic calls.</summary>
    private static (Side Reads, bool Movable) Reads(BoundExpr expr, int leftWidth)
    {
        switch (expr)
        {
            case InputRef r:
                return (r.Index < leftWidth ? Side.Left : Side.Right, true);
            case Literal:
                return (Side.None, true);
            case CallExpr c when !Volatile.Contains(c.Function):
                var side = Side.None;
                foreach (var operand in c.Operands)
                {
                    var (reads, movable) = Reads(operand, leftWidth);
                    if (!movable)
                        return (side, false);
                    side = side == Side.None || side == reads ? reads : reads == Side.None ? side : Side.Both;
                }

                return (side, true);
            default:
                return (Side.None, false);
        }
    }

    internal static IEnumerable<BoundExpr> Conjuncts(BoundExpr condition) =>
        condition is CallExpr { Function: "AND" } and ? and.Operands.SelectMany(Conjuncts) : [condition];

    private static BoundExpr And(IReadOnlyList<BoundExpr> conjuncts) =>
        conjuncts.Skip(1).Aggregate(conjuncts[0], (all, next) => new CallExpr("AND", [all, next], all.Type.Nullable || next.Type.Nullable ? SqlType.Boolean : SqlType.Boolean.NotNull));

    private static BoundExpr Shift(BoundExpr expr, int by) => expr switch
    {
        InputRef r => r with { Index = r.Index + by },
        CallExpr c => c with { Operands = c.Operands.Select(o => Shift(o, by)).ToArray() },
        _ => expr,
    };
}
