using PyStream.Sql.Catalog;
using PyStream.Sql.Expressions;
using PyStream.Sql.Types;

namespace PyStream.Sql.Planning;

// The logical plan (Calcite's RelNode tree): what a query computes, typed, before the physical
// translation chooses operators. Grouped in one file as a grammar is.

/// <summary>
/// A column of a node's output; the qualifier is the table alias names resolve through.
/// <paramref name="QualifiedOnly"/>: a column a plain name does not find and <c>*</c> leaves out
/// (a side's own column of a JOIN ... USING, whose merged column the plain name means).
/// </summary>
public sealed record PlanField(string Name, SqlType Type, string? Qualifier = null, bool QualifiedOnly = false);

public abstract record PlanNode(IReadOnlyList<PlanField> Fields)
{
    public IReadOnlyList<SqlType> Types => Fields.Select(f => f.Type).ToArray();

    public abstract IReadOnlyList<PlanNode> Inputs { get; }

    /// <summary>Whether rows may be updated or deleted (a changelog) rather than only inserted.</summary>
    public virtual bool IsChangelog => Inputs.Any(i => i.IsChangelog);
}

/// <summary>Reads a catalog table: its physical and metadata columns, in declared order.</summary>
public sealed record ScanNode(CatalogTable Table, IReadOnlyList<PlanField> ScanFields) : PlanNode(ScanFields)
{
    public override IReadOnlyList<PlanNode> Inputs => [];

    public override bool IsChangelog => Table.Connector == "upsert-kafka" || ConnectorOptions.IsChangelogStream(Table);
}

/// <summary>Constant rows (VALUES), each value in its type's CLR representation.</summary>
public sealed record ValuesNode(IReadOnlyList<object?[]> Rows, IReadOnlyList<PlanField> ValueFields) : PlanNode(ValueFields)
{
    public override IReadOnlyList<PlanNode> Inputs => [];
}

/// <summary>Filter then project (Calcite's Calc).</summary>
public sealed record CalcNode(PlanNode Input, BoundExpr? Condition, IReadOnlyList<BoundExpr> Projections, IReadOnlyList<PlanField> Output) : PlanNode(Output)
{
    public override IReadOnlyList<PlanNode> Inputs => [Input];
}

/// <summary>
/// Evaluates Python scalar function calls (Flink's PythonCalc): the input's columns, then one
/// result column per call. Every operand of a call is a column of the input
/// (<see cref="PythonCalcSplit"/> makes it so).
/// </summary>
public sealed record PythonCalcNode(PlanNode Input, IReadOnlyList<PythonCallExpr> Calls, IReadOnlyList<PlanField> Output) : PlanNode(Output)
{
    public override IReadOnlyList<PlanNode> Inputs => [Input];
}

/// <summary>
/// Calls a Python table function for each input row (Flink's Correlate of LATERAL TABLE): the
/// input's columns, then the function's, one output row per row the function produced, with its
/// input row's kind. <see cref="Outer"/> (LEFT JOIN LATERAL ... ON TRUE): an input row that produced
/// none gets one row of nulls. Every operand of the call is a column of the input.
/// </summary>
public sealed record CorrelateNode(PlanNode Input, PythonCallExpr Call, bool Outer, IReadOnlyList<PlanField> Output) : PlanNode(Output)
{
    public override IReadOnlyList<PlanNode> Inputs => [Input];
}

/// <summary>Sets each row's event time from its rowtime column and generates watermarks by an expression over the row.</summary>
public sealed record WatermarkNode(PlanNode Input, int RowtimeIndex, BoundExpr Watermark) : PlanNode(Input.Fields)
{
    public override IReadOnlyList<PlanNode> Inputs => [Input];
}

/// <summary>
/// An aggregate call over the input's columns; <see cref="FilterArg"/> is a BOOLEAN column or -1.
/// <see cref="Python"/>: a Python aggregate function of the catalog (udaf), by its name.
/// </summary>
public sealed record AggCall(string Function, IReadOnlyList<int> Args, bool Distinct, int FilterArg, SqlType Type, IReadOnlyList<SqlType> ArgTypes, bool Python = false)
{
    public bool Equals(AggCall? other) =>
        other is not null && Function == other.Function && Args.SequenceEqual(other.Args) && Distinct == other.Distinct && FilterArg == other.FilterArg && Python == other.Python;

    public override int GetHashCode() => HashCode.Combine(Function, Args.Count, Distinct, FilterArg);
}

/// <summary>GROUP BY: the key columns, then one column per aggregate. A changelog in streaming mode.</summary>
public sealed record AggregateNode(PlanNode Input, IReadOnlyList<int> GroupKeys, IReadOnlyList<AggCall> Aggregates, IReadOnlyList<PlanField> Output) : PlanNode(Output)
{
    public override IReadOnlyList<PlanNode> Inputs => [Input];

    public override bool IsChangelog => true;
}

public enum WindowKind
{
    Tumble,
    Hop,
    Cumulate,
    Session,
}

/// <summary>A window table function's windows: size (tumble, hop, cumulate max), slide or step, session gap, offset; in milliseconds.</summary>
public sealed record WindowDefinition(WindowKind Kind, long Size, long Slide, long Gap, long Offset);

/// <summary>
/// A window TVF aggregated by window_start and window_end: the key columns, window_start,
/// window_end, window_time, then the aggregates. Fired by the watermark; append-only.
/// </summary>
public sealed record WindowAggregateNode(PlanNode Input, int TimeIndex, WindowDefinition Window, IReadOnlyList<int> GroupKeys, IReadOnlyList<AggCall> Aggregates, IReadOnlyList<PlanField> Output) : PlanNode(Output)
{
    public override IReadOnlyList<PlanNode> Inputs => [Input];

    public override bool IsChangelog => false;
}

/// <summary>
/// A window TVF not (yet) aggregated: the input's columns plus window_start, window_end and
/// window_time. <see cref="PartitionKeys"/>: the input columns of SESSION's PARTITION BY.
/// </summary>
public sealed record WindowTableNode(PlanNode Input, int TimeIndex, WindowDefinition Window, IReadOnlyList<PlanField> Output, IReadOnlyList<int>? PartitionKeys = null) : PlanNode(Output)
{
    public override IReadOnlyList<PlanNode> Inputs => [Input];
}

public enum JoinType
{
    Inner,
    Left,
    Right,
    Full,
}

/// <summary>
/// A join of two inputs (Calcite's Join with Flink's JoinSpec): the left input's columns, then the
/// right's, those of an outer join's null-padded side nullable. Rows match when their equi keys
/// are equal (<see cref="LeftKeys"/>[i] of the left = <see cref="RightKeys"/>[i] of the right, both
/// of one type; NULL matches nothing, except in a pair compared by IS NOT DISTINCT FROM, marked in
/// <see cref="NullSafe"/>, Flink's JoinSpec filterNulls false) and <see cref="Residual"/> (over the joined row: left columns,
/// then right ones) is true. No keys: every pair is a candidate (a cross join, on one subtask).
/// Time attributes of the inputs stay time attributes only when the physical join keeps them in
/// order (an interval join); the binder materializes them otherwise, as Flink's
/// RelTimeIndicatorConverter does.
/// </summary>
public sealed record JoinNode(PlanNode Left, PlanNode Right, JoinType Type, IReadOnlyList<int> LeftKeys, IReadOnlyList<int> RightKeys, BoundExpr? Residual, IReadOnlyList<PlanField> Output,
    IntervalBounds? Interval = null, IReadOnlyList<bool>? NullSafe = null)
    : PlanNode(Output)
{
    public override IReadOnlyList<PlanNode> Inputs => [Left, Right];

    /// <summary>Whether key pair <paramref name="k"/> is compared by IS NOT DISTINCT FROM (NULL matches NULL) rather than =.</summary>
    public bool IsNullSafe(int k) => NullSafe is { } nullSafe && nullSafe[k];

    /// <summary>Of one side's key columns (<paramref name="keys"/>, pair by pair), those where a NULL matches nothing.</summary>
    public IReadOnlyList<int> NullFiltered(IReadOnlyList<int> keys) => keys.Where((_, k) => !IsNullSafe(k)).ToArray();

    /// <summary>
    /// A regular outer join retracts its null-padded rows when a match comes; an inner join of inserts
    /// only inserts, and so does an interval join (it pads a row only once it can match no more).
    /// </summary>
    public override bool IsChangelog => Left.IsChangelog || Right.IsChangelog || (Type != JoinType.Inner && Interval is null);

    public bool LeftOuter => Type is JoinType.Left or JoinType.Full;

    public bool RightOuter => Type is JoinType.Right or JoinType.Full;
}

/// <summary>
/// An interval join's time bounds (Flink's IntervalJoinSpec.WindowBounds): a left row matches right
/// rows with <c>right.time + LeftLowerBound &lt;= left.time &lt;= right.time + LeftUpperBound</c>
/// (milliseconds), the time columns being <see cref="LeftTimeIndex"/> of the left input and
/// <see cref="RightTimeIndex"/> of the right, both rowtime or both proctime attributes.
/// </summary>
public sealed record IntervalBounds(int LeftTimeIndex, int RightTimeIndex, long LeftLowerBound, long LeftUpperBound, bool ProcTime);

/// <summary>UNION ALL.</summary>
public sealed record UnionNode(IReadOnlyList<PlanNode> Branches) : PlanNode(Branches[0].Fields)
{
    public override IReadOnlyList<PlanNode> Inputs => Branches;
}

/// <summary>ORDER BY / LIMIT / OFFSET in batch mode (and LIMIT alone in streaming).</summary>
public sealed record SortNode(PlanNode Input, IReadOnlyList<SortKey> Keys, long? Limit, long Offset) : PlanNode(Input.Fields)
{
    public override IReadOnlyList<PlanNode> Inputs => [Input];
}

public sealed record SortKey(int Column, bool Descending, bool NullsFirst);

/// <summary>
/// An OVER window's frame: ROWS or RANGE from <see cref="Preceding"/> before the current row (a
/// row count, or milliseconds of the order key; null for UNBOUNDED PRECEDING) to the current row.
/// </summary>
public sealed record OverFrame(bool Rows, long? Preceding)
{
    public override string ToString() =>
        $"{(Rows ? "ROWS" : "RANGE")} BETWEEN {(Preceding is { } p ? (Rows ? $"{p}" : $"{p} ms") + " PRECEDING" : "UNBOUNDED PRECEDING")} AND CURRENT ROW";
}

/// <summary>
/// OVER aggregates of one window (Flink's OverAggregate): the input's first
/// <paramref name="ForwardedCount"/> columns, then one column per aggregate, for every input
/// row, append-only. Rows are partitioned by <paramref name="PartitionKeys"/> and ordered by the
/// time attribute at <paramref name="OrderIndex"/> (columns of the input).
/// </summary>
public sealed record OverAggregateNode(PlanNode Input, int ForwardedCount, IReadOnlyList<int> PartitionKeys, int OrderIndex, OverFrame Frame, IReadOnlyList<AggCall> Aggregates, IReadOnlyList<PlanField> Output)
    : PlanNode(Output)
{
    public override IReadOnlyList<PlanNode> Inputs => [Input];

    public override bool IsChangelog => false;

    public bool ProcTime => Input.Fields[OrderIndex].Type.TimeAttribute == TimeAttribute.Proctime;
}

/// <summary>
/// MATCH_RECOGNIZE ... ONE ROW PER MATCH (Flink's Match): per partition, the rows in time order
/// are matched against the pattern; each match gives one row of the partition columns and the
/// measures. Append-only.
/// </summary>
public sealed record MatchNode(PlanNode Input, MatchSpec Spec, IReadOnlyList<PlanField> Output) : PlanNode(Output)
{
    public override IReadOnlyList<PlanNode> Inputs => [Input];

    public override bool IsChangelog => false;
}
