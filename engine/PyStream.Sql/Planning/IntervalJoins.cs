using PyStream.Sql.Compiling;
using PyStream.Sql.Expressions;
using PyStream.Sql.Types;

namespace PyStream.Sql.Planning;

/// <summary>
/// Finds an interval join's time bounds in a join's non-equi conjuncts (as Flink's IntervalJoinUtil
/// does): comparisons of a time attribute of the left input with one of the right, each side
/// possibly plus or minus a constant interval, that bound the left time both from below and from
/// above. <c>l.ts BETWEEN r.ts - INTERVAL '5' SECOND AND r.ts + INTERVAL '10' SECOND</c> is the
/// bounds -5000 and 10000; a strict comparison moves its bound by a millisecond.
/// </summary>
internal static class IntervalJoins
{
    public static IntervalBounds? Bounds(IReadOnlyList<PlanField> left, IReadOnlyList<PlanField> right, IReadOnlyList<BoundExpr> conjuncts, SqlContext context)
    {
        int? leftTime = null, rightTime = null;
        long? lower = null, upper = null;
        foreach (var conjunct in conjuncts)
        {
            if (conjunct is not CallExpr { Function: ">=" or ">" or "<=" or "<", Operands: [var a, var b] } comparison)
                continue;
            if (TimeTerm(a, left, right, context) is not { } x || TimeTerm(b, left, right, context) is not { } y || x.Left == y.Left)
                continue;

            // As "left op right + offset": l + a op r + b is l op r + (b - a); r + a op l + b is l (flipped op) r + (a - b).
            var op = comparison.Function;
            var (l, r, offset) = x.Left ? (x, y, y.Offset - x.Offset) : (y, x, x.Offset - y.Offset);
            if (!x.Left)
                op = op switch { ">=" => "<=", ">" => "<", "<=" => ">=", _ => ">" };
            if ((leftTime ?? l.Index) != l.Index || (rightTime ?? r.Index) != r.Index)
                continue; // bounds on another pair of time columns: only a condition
            leftTime = l.Index;
            rightTime = r.Index;
            switch (op)
            {
                case ">=": lower = Math.Max(lower ?? long.MinValue, offset); break;
                case ">": lower = Math.Max(lower ?? long.MinValue, offset + 1); break;
                case "<=": upper = Math.Min(upper ?? long.MaxValue, offset); break;
                default: upper = Math.Min(upper ?? long.MaxValue, offset - 1); break;
            }
        }

        if (lower is null || upper is null)
            return null;
        var leftKind = left[leftTime!.Value].Type.TimeAttribute;
        var rightKind = right[rightTime!.Value].Type.TimeAttribute;
        if (leftKind != rightKind)
            return null; // a rowtime bounded by a proctime: no order to clean state by, only a condition
        return new IntervalBounds(leftTime.Value, rightTime.Value, lower.Value, upper.Value, leftKind == TimeAttribute.Proctime);
    }

    /// <summary>A time attribute column, plus or minus a constant interval (milliseconds).</summary>
    private sealed record Term(bool Left, int Index, long Offset);

    private static Term? TimeTerm(BoundExpr expr, IReadOnlyList<PlanField> left, IReadOnlyList<PlanField> right, SqlContext context)
    {
        switch (expr)
        {
            case InputRef r:
                var type = r.Index < left.Count ? left[r.Index].Type : right[r.Index - left.Count].Type;
                if (!type.IsTimeAttribute)
                    return null;
                return r.Index < left.Count ? new Term(true, r.Index, 0) : new Term(false, r.Index - left.Count, 0);
            case CallExpr { Function: "+" or "-", Operands: [var time, var interval] } c when Constant(interval, context) is { } ms:
                return TimeTerm(time, left, right, context) is { } t ? t with { Offset = t.Offset + (c.Function == "+" ? ms : -ms) } : null;
            case CallExpr { Function: "+", Operands: [var interval, var time] } when Constant(interval, context) is { } ms:
                return TimeTerm(time, left, right, context) is { } u ? u with { Offset = u.Offset + ms } : null;
            default:
                return null;
        }
    }

    /// <summary>A constant INTERVAL DAY TO SECOND's milliseconds (null: not one).</summary>
    internal static long? Constant(BoundExpr expr, SqlContext context) =>
        expr.Type.Kind == SqlTypeKind.IntervalDayTime && !References(expr) && CalcProgram.Evaluate(expr, context) is long ms ? ms : null;

    private static bool References(BoundExpr expr) => expr switch
    {
        InputRef => true,
        CallExpr c => c.Operands.Any(References),
        _ => false,
    };
}
