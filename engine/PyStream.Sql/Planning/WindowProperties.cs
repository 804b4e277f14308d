using PyStream.Sql.Expressions;
using PyStream.Sql.Types;

namespace PyStream.Sql.Planning;

/// <summary>
/// Which output columns of a plan node are a window's window_start, window_end and window_time
/// (Flink's RelWindowProperties), and of which windows: a window TVF's or a window aggregate's
/// columns, followed through projections and filters that pass them on.
/// </summary>
internal sealed record WindowProperties(WindowDefinition Window, SqlType TimeType, IReadOnlySet<int> Starts, IReadOnlySet<int> Ends, IReadOnlySet<int> Times)
{
    public static WindowProperties? Of(PlanNode node) => node switch
    {
        WindowTableNode w => Columns(w.Window, w.Input.Fields[w.TimeIndex].Type, w.Input.Fields.Count),
        WindowAggregateNode a => Columns(a.Window, a.Input.Fields[a.TimeIndex].Type, a.GroupKeys.Count),
        WatermarkNode w => Of(w.Input),
        CalcNode c => Of(c.Input)?.Through(c.Projections),
        _ => null,
    };

    private static WindowProperties Columns(WindowDefinition window, SqlType timeType, int start) =>
        new(window, timeType, new HashSet<int> { start }, new HashSet<int> { start + 1 }, new HashSet<int> { start + 2 });

    /// <summary>The same windows after a projection: the columns that reference a window column unchanged (null when none of start and end is left).</summary>
    private WindowProperties? Through(IReadOnlyList<BoundExpr> projections)
    {
        HashSet<int> Map(IReadOnlySet<int> columns) =>
            projections.Select((p, i) => (p, i)).Where(x => x.p is InputRef r && columns.Contains(r.Index)).Select(x => x.i).ToHashSet();

        var starts = Map(Starts);
        var ends = Map(Ends);
        return starts.Count == 0 && ends.Count == 0 ? null : new WindowProperties(Window, TimeType, starts, ends, Map(Times));
    }

    /// <summary>Whether two inputs' windows are the same (Flink's window join requires it, and the same kind of time attribute).</summary>
    public bool SameWindows(WindowProperties other) =>
        Window == other.Window && TimeType.Kind == other.TimeType.Kind && TimeType.TimeAttribute == other.TimeType.TimeAttribute;
}
