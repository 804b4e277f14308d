using PyStream.Engine.Spec;
using PyStream.Sql.Compiling;
using PyStream.Sql.Planning;
using PyStream.Sql.Runtime;
using PyStream.Sql.Types;

namespace PyStream.Sql.Physical;

// Window joins and event-time temporal joins: both inputs hashed by the equal keys into one
// keyed task, which joins what the watermark completed.
internal sealed partial class PhysicalPlanner
{
    private int WindowJoin(WindowJoinNode w)
    {
        var j = w.Join;
        var parallelism = w.LeftKeys.Count == 0 ? 1 : Parallel;
        var left = KeyedEdge(Translate(j.Left), w.LeftKeys, parallelism, j.Left.Types);
        var right = KeyedEdge(Translate(j.Right), w.RightKeys, parallelism, j.Right.Types);
        var window = $"{w.Window.Kind.ToString().ToUpperInvariant()}(win_start=[window_start], win_end=[window_end], size=[{w.Window.Size} ms]{(w.Window.Kind == WindowKind.Tumble ? "" : $", step=[{w.Window.Slide} ms]")})";
        var name = $"WindowJoin(leftWindow=[{window}], rightWindow=[{window}], joinType=[{FlinkJoinType(j.Type)}], where=[{JoinCondition(j, session.Context)}], select=[{Names(j.Output)}])";
        var spec = new WindowJoinSpec(w.LeftKeys, w.RightKeys, w.LeftEnd, w.RightEnd, j.LeftOuter, j.RightOuter);
        var (leftTypes, rightTypes) = (j.Left.Types, j.Right.Types);
        var condition = ResidualProgram(j);
        var shiftZone = ShiftZone(WindowProperties.Of(j.Left)!.TimeType);
        return Add(name, "WindowJoin", parallelism, [left, right],
            _ => new WindowJoinOperator(name, spec, leftTypes, rightTypes, condition?.Invoke()) { ShiftZone = shiftZone }, outputTypes: w.Types);
    }

    private int TemporalJoin(TemporalJoinNode t)
    {
        var j = t.Join;
        var left = KeyedEdge(Translate(j.Left), j.LeftKeys, Parallel, j.Left.Types);
        var right = KeyedEdge(Translate(j.Right), j.RightKeys, Parallel, j.Right.Types);
        var name = $"TemporalJoin(joinType=[{FlinkJoinType(j.Type)}], where=[{JoinCondition(j, session.Context)} AND __TEMPORAL_JOIN_CONDITION({j.Left.Fields[t.LeftTime].Name}, {j.Right.Fields[t.RightTime].Name})], select=[{Names(j.Output)}])";
        var spec = new TemporalJoinSpec(j.LeftKeys, j.RightKeys, t.LeftTime, t.RightTime, j.LeftOuter);
        var (leftTypes, rightTypes) = (j.Left.Types, j.Right.Types);
        var condition = ResidualProgram(j);
        return Add(name, "TemporalJoin", Parallel, [left, right],
            _ => new TemporalJoinOperator(name, spec, leftTypes, rightTypes, condition?.Invoke()), outputTypes: t.Types);
    }

    /// <summary>An edge hashed by <paramref name="keys"/>; without keys, all rows to the one subtask of the consumer.</summary>
    private PhysicalInput KeyedEdge(int producer, IReadOnlyList<int> keys, int parallelism, IReadOnlyList<SqlType> types) =>
        keys.Count == 0
            ? new PhysicalInput(producer, parallelism == _nodes[producer].Parallelism ? Partitioning.Forward : Partitioning.Rebalance)
            : Hash(producer, keys, parallelism, types);

    /// <summary>Compiles the join's residual condition (over the left's then the right's columns) to one BOOLEAN column, in each subtask.</summary>
    private Func<CalcProgram>? ResidualProgram(JoinNode j)
    {
        if (j.Residual is not { } residual)
            return null;
        SqlType[] types = [.. j.Left.Types, .. j.Right.Types];
        var context = session.Context;
        return () => CalcProgram.Compile(types, null, [residual], context);
    }

    private static string FlinkJoinType(JoinType type) => type switch
    {
        JoinType.Left => "LeftOuterJoin",
        JoinType.Right => "RightOuterJoin",
        JoinType.Full => "FullOuterJoin",
        _ => "InnerJoin",
    };
}
