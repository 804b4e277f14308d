namespace PyStream.Sql.Ast;

// Window specifications of OVER and of the WINDOW clause.

public enum FrameUnit { Rows, Range }

public enum FrameBoundKind { UnboundedPreceding, Preceding, CurrentRow, Following, UnboundedFollowing }

/// <summary>A frame bound; Offset is set for <c>n PRECEDING</c> and <c>n FOLLOWING</c>.</summary>
public sealed record FrameBound(FrameBoundKind Kind, SqlExpr? Offset = null) : SqlNode;

/// <summary>ROWS|RANGE start, or ROWS|RANGE BETWEEN start AND end.</summary>
public sealed record WindowFrame(FrameUnit Unit, FrameBound Start, FrameBound? End) : SqlNode;

/// <summary>
/// <c>OVER w</c> (only Reference set) or <c>OVER ([w] PARTITION BY .. ORDER BY .. frame)</c>.
/// </summary>
public sealed record WindowSpec(
    string? Reference,
    SqlList<SqlExpr> PartitionBy,
    SqlList<OrderItem> OrderBy,
    WindowFrame? Frame,
    bool ReferenceOnly = false) : SqlNode;

/// <summary><c>name AS (spec)</c> in a WINDOW clause.</summary>
public sealed record NamedWindow(string Name, WindowSpec Spec) : SqlNode;
