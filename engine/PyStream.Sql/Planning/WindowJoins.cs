using PyStream.Sql.Expressions;
using PyStream.Sql.Types;

namespace PyStream.Sql.Planning;

/// <summary>
/// Recognizes window joins (Flink's WindowJoinUtil): a join whose inputs both carry windows
/// (window TVFs, window aggregates), the same windows over the same kind of time attribute, and
/// whose equal keys include both window_start = window_start and window_end = window_end. Other
/// joins of windowed inputs (only one of the two equalities, other windows) stay regular joins,
/// as in Flink.
/// </summary>
internal static class WindowJoins
{
    /// <summary>The window join a bound join (a JoinNode, or a projection over one) is, or the node unchanged.</summary>
    public static PlanNode Recognize(PlanNode joined) => joined switch
    {
        JoinNode j => Match(j) ?? joined,
        CalcNode { Input: JoinNode j } c when Match(j) is { } w => Retyped(c, w),
        _ => joined,
    };

    private static WindowJoinNode? Match(JoinNode j)
    {
        if (j.Interval is not null || WindowProperties.Of(j.Left) is not { } left || WindowProperties.Of(j.Right) is not { } right)
            return null;
        var starts = new List<int>();
        var ends = new List<(int Left, int Right)>();
        var leftKeys = new List<int>();
        var rightKeys = new List<int>();
        for (var k = 0; k < j.LeftKeys.Count; k++)
        {
            var (l, r) = (j.LeftKeys[k], j.RightKeys[k]);
            if (left.Starts.Contains(l) && right.Starts.Contains(r))
            {
                starts.Add(k);
            }
            else if (left.Ends.Contains(l) && right.Ends.Contains(r))
            {
                ends.Add((l, r));
            }
            else
            {
                leftKeys.Add(l);
                rightKeys.Add(r);
            }
        }

        if (starts.Count == 0 || ends.Count == 0 || !left.SameWindows(right))
            return null;
        if (left.TimeType.TimeAttribute == TimeAttribute.Proctime)
            throw new SqlTableException("Processing time Window Join is not supported yet.");
        if (j.Left.IsChangelog || j.Right.IsChangelog)
            throw new SqlTableException($"A window join takes insert-only inputs (Flink's WindowJoin doesn't support consuming update and delete changes), but its {(j.Left.IsChangelog ? "left" : "right")} input is updating (a changelog)");

        // window_time stays a time attribute (a window aggregate or Top-N may follow); the binder materialized it.
        var width = j.Left.Fields.Count;
        var times = left.Times.Concat(right.Times.Select(t => width + t)).ToHashSet();
        var inputs = j.Left.Fields.Concat(j.Right.Fields).ToArray();
        var fields = j.Fields.Select((f, i) => times.Contains(i) ? f with { Type = inputs[i].Type.AsNullable(f.Type.Nullable) } : f).ToArray();
        var join = new JoinNode(j.Left, j.Right, j.Type, j.LeftKeys, j.RightKeys, j.Residual, fields);
        return new WindowJoinNode(join, leftKeys, rightKeys, ends[0].Left, ends[0].Right, left.Window);
    }

    /// <summary>The projection over a join with the window join's column types.</summary>
    private static CalcNode Retyped(CalcNode c, WindowJoinNode w)
    {
        var projections = c.Projections.Select(p => p is InputRef r ? r with { Type = w.Fields[r.Index].Type } : p).ToArray();
        return new CalcNode(w, c.Condition, projections, c.Output.Select((f, i) => f with { Type = projections[i].Type }).ToArray());
    }
}
