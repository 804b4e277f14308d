namespace PyStream.Sql.Planning;

// Joins the watermark completes: a window join and an event-time temporal join, each a JoinNode
// (inputs, type, equal keys, residual, output) with what makes it one.

/// <summary>
/// A window join (Flink's WindowJoin): <see cref="Join"/>'s inputs both windowed alike, joined on
/// window_start, window_end (<see cref="LeftEnd"/> and <see cref="RightEnd"/> are the window_end
/// columns) and the other equal keys (<see cref="LeftKeys"/>, <see cref="RightKeys"/>). Each window
/// is joined once when the watermark passes it: append-only, outer joins too.
/// </summary>
public sealed record WindowJoinNode(JoinNode Join, IReadOnlyList<int> LeftKeys, IReadOnlyList<int> RightKeys, int LeftEnd, int RightEnd, WindowDefinition Window) : PlanNode(Join.Fields)
{
    public override IReadOnlyList<PlanNode> Inputs => [Join.Left, Join.Right];

    public override bool IsChangelog => false;
}

/// <summary>
/// An event-time temporal join (<c>JOIN versioned FOR SYSTEM_TIME AS OF left.rowtime</c>, Flink's
/// TemporalJoin): each left row joins the right version of its keys valid at its time
/// <see cref="LeftTime"/> (a column of the left); the right's rowtime is <see cref="RightTime"/>.
/// INNER or LEFT; a left row's result has its kind.
/// </summary>
public sealed record TemporalJoinNode(JoinNode Join, int LeftTime, int RightTime) : PlanNode(Join.Fields)
{
    public override IReadOnlyList<PlanNode> Inputs => [Join.Left, Join.Right];

    public override bool IsChangelog => Join.Left.IsChangelog;
}
