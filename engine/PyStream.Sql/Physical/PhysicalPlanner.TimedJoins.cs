using PyStream.Sql.Planning;
using PyStream.Sql.Runtime;

namespace PyStream.Sql.Physical;

// Window joins and event-time temporal joins: both inputs hashed by the equal keys into one
// keyed task, which joins what the watermark completed.
internal sealed partial class PhysicalPlanner
{
    private int WindowJoin(WindowJoinNode w)
    {
        var j = w.Join;
        var (left, right) = (Translate(j.Left), Translate(j.Right));
        var (leftEdge, rightEdge, parallelism) = w.LeftKeys.Count == 0
            ? (Gathered(left), Gathered(right), 1)
            : (Hash(left, w.LeftKeys, Parallel, j.Left.Types), Hash(right, w.RightKeys, Parallel, j.Right.Types), Parallel);
        var window = $"{w.Window.Kind.ToString().ToUpperInvariant()}(win_start=[window_start], win_end=[window_end], size=[{w.Window.Size} ms]{(w.Window.Kind == WindowKind.Tumble ? "" : $", step=[{w.Window.Slide} ms]")})";
        var name = $"WindowJoin(leftWindow=[{window}], rightWindow=[{window}], joinType=[{JoinTypeName(j.Type)}], where=[{JoinCondition(j, session.Context)}], select=[{string.Join(", ", UniqueNames(j.Fields))}])";
        var spec = new WindowJoinSpec(w.LeftKeys, w.RightKeys, w.LeftEnd, w.RightEnd, j.LeftOuter, j.RightOuter,
            [.. w.LeftKeys.Intersect(j.NullFiltered(j.LeftKeys))], [.. w.RightKeys.Intersect(j.NullFiltered(j.RightKeys))]);
        var (leftTypes, rightTypes, residual, context) = (j.Left.Types, j.Right.Types, j.Residual, session.Context);
        var shiftZone = ShiftZone(WindowProperties.Of(j.Left)!.TimeType);
        return Add(name, "WindowJoin", parallelism, [leftEdge, rightEdge],
            _ => new WindowJoinOperator(name, spec, leftTypes, rightTypes, Residual(residual, leftTypes, rightTypes, context)) { ShiftZone = shiftZone }, outputTypes: w.Types);
    }

    private int TemporalJoin(TemporalJoinNode t)
    {
        var j = t.Join;
        var (left, right, parallelism) = JoinInputs(j);
        var names = UniqueNames(j.Fields);
        var name = $"TemporalJoin(joinType=[{JoinTypeName(j.Type)}], where=[{JoinCondition(j, session.Context)} AND __TEMPORAL_JOIN_CONDITION({names[t.LeftTime]}, {names[j.Left.Fields.Count + t.RightTime]})], select=[{string.Join(", ", names)}])";
        var spec = new TemporalJoinSpec(j.LeftKeys, j.RightKeys, t.LeftTime, t.RightTime, j.LeftOuter);
        var (leftTypes, rightTypes, residual, context) = (j.Left.Types, j.Right.Types, j.Residual, session.Context);
        return Add(name, "TemporalJoin", parallelism, [left, right],
            _ => new TemporalJoinOperator(name, spec, leftTypes, rightTypes, Residual(residual, leftTypes, rightTypes, context)), outputTypes: t.Types);
    }
}
