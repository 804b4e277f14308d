using PyStream.Sql.Ast;
using PyStream.Sql.Compiling;
using PyStream.Sql.Expressions;
using PyStream.Sql.Types;

namespace PyStream.Sql.Planning;

/// <summary>
/// Binds the OVER aggregates of a select list. As in Flink's streaming planner, all of them must
/// share one window: partitioned by any expressions, ordered by one time attribute ascending,
/// framed ROWS or RANGE from some (or UNBOUNDED) PRECEDING to the CURRENT ROW. The aggregate's
/// input (<see cref="Projection"/>) is the query's input columns, then the partition keys and
/// arguments that are not plain columns; its output the input columns, then one per call.
/// </summary>
internal sealed class OverAggregation
{
    private readonly ExpressionBinder _input;
    private readonly int _inputWidth;
    private readonly IReadOnlyList<NamedWindow> _windows;
    private readonly SqlContext _context;
    private Window? _window;

    public OverAggregation(ExpressionBinder input, IReadOnlyList<NamedWindow> windows, SqlContext context)
    {
        _input = input;
        _inputWidth = input.Scope.Fields.Count;
        _windows = windows;
        _context = context;
        Projection.AddRange(input.Scope.Fields.Select((f, i) => new InputRef(i, f.Type)));
    }

    public List<BoundExpr> Projection { get; } = [];

    public List<AggCall> Calls { get; } = [];

    public IReadOnlyList<int> PartitionKeys => Bound.PartitionKeys;

    public int OrderIndex => Bound.OrderIndex;

    public OverFrame Frame => Bound.Frame;

    private Window Bound => _window ?? throw new InvalidOperationException("no OVER aggregate was bound");

    public BoundExpr Aggregate(FunctionCall call, string name)
    {
        var window = Resolve(call.Over!);
        if (_window is null)
            _window = window;
        else if (!_window.Equals(window))
            throw new SqlValidationException("Over Agg: Unsupported use of OVER windows. All aggregates must be computed on the same window.", call.Over!.Position);

        var aggCall = Aggregation.BindCall(call, name, _input, ProjectionIndex);
        var index = Calls.IndexOf(aggCall);
        if (index < 0)
        {
            index = Calls.Count;
            Calls.Add(aggCall);
        }

        return new InputRef(_inputWidth + index, aggCall.Type);
    }

    private Window Resolve(WindowSpec written)
    {
        var spec = Expand(written, 0);
        if (spec.OrderBy.Count == 0)
            throw new SqlValidationException("OVER windows' ordering in stream mode must be defined on a time attribute: the window has no ORDER BY", written.Position);
        if (spec.OrderBy.Count > 1)
            throw new SqlValidationException("Over Agg: Unsupported use of OVER windows. The window can only be ordered by a single time column.", spec.OrderBy[1].Position);
        var order = spec.OrderBy[0];
        if (order.Direction == SortDirection.Descending)
            throw new SqlValidationException("Over Agg: Unsupported use of OVER windows. The window can only be ordered in ASCENDING mode.", order.Position);
        var orderBy = _input.Bind(order.Expr);
        if (orderBy is not InputRef { Type.IsTimeAttribute: true } time)
            throw new SqlValidationException($"OVER windows' ordering in stream mode must be defined on a time attribute (a rowtime column with a WATERMARK, or PROCTIME()), but it is {orderBy.Type}", order.Position);

        var keys = spec.PartitionBy.Select(p => ProjectionIndex(_input.Bind(p))).Distinct().ToArray();
        return new Window(keys, time.Index, BindFrame(spec.Frame));
    }

    /// <summary>A window written as a reference to a named one (<c>OVER w</c>, <c>OVER (w ROWS ...)</c>), with the named window's parts filled in.</summary>
    private WindowSpec Expand(WindowSpec spec, int depth)
    {
        if (spec.Reference is null)
            return spec;
        var named = _windows.FirstOrDefault(w => w.Name == spec.Reference)
            ?? throw new SqlValidationException($"Window '{spec.Reference}' not found{Suggestions.Hint(spec.Reference, _windows.Select(w => w.Name))}", spec.Position);
        if (depth > _windows.Count)
            throw new SqlValidationException($"Window '{spec.Reference}' refers to itself", spec.Position);
        var referenced = Expand(named.Spec, depth + 1);
        if (spec.ReferenceOnly)
            return referenced;
        return new WindowSpec(
            null,
            spec.PartitionBy.Count > 0 ? spec.PartitionBy : referenced.PartitionBy,
            spec.OrderBy.Count > 0 ? spec.OrderBy : referenced.OrderBy,
            spec.Frame ?? referenced.Frame);
    }

    /// <summary>The frame; with none written, RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW (SQL's default with an ORDER BY).</summary>
    private OverFrame BindFrame(WindowFrame? frame)
    {
        if (frame is null)
            return new OverFrame(false, null);
        var rows = frame.Unit == FrameUnit.Rows;
        var unit = rows ? "ROWS" : "RANGE";
        if (frame.Start.Kind is FrameBoundKind.Following or FrameBoundKind.UnboundedFollowing
            || frame.End?.Kind is FrameBoundKind.Following or FrameBoundKind.UnboundedFollowing)
            throw new SqlValidationException($"OVER {unit} FOLLOWING windows are not supported yet.", frame.Position);
        if (frame.End is { Kind: not FrameBoundKind.CurrentRow } end)
            throw new SqlValidationException($"OVER windows must end at the CURRENT ROW: {unit} BETWEEN ... AND CURRENT ROW", end.Position);
        return frame.Start.Kind switch
        {
            FrameBoundKind.UnboundedPreceding => new OverFrame(rows, null),
            FrameBoundKind.CurrentRow => new OverFrame(rows, 0),
            _ => new OverFrame(rows, Offset(frame.Start.Offset!, rows)),
        };
    }

    /// <summary>n PRECEDING: a row count for ROWS, an INTERVAL of days to seconds for RANGE over a time attribute.</summary>
    private long Offset(SqlExpr offset, bool rows)
    {
        var bound = new ExpressionBinder(new Scope([])).Bind(offset);
        if (rows)
        {
            if (bound.Type.Kind is not (SqlTypeKind.TinyInt or SqlTypeKind.SmallInt or SqlTypeKind.Int or SqlTypeKind.BigInt))
                throw new SqlValidationException($"ROWS n PRECEDING takes a number of rows, got {bound.Type}", offset.Position);
        }
        else if (bound.Type.Kind != SqlTypeKind.IntervalDayTime)
        {
            throw new SqlValidationException($"RANGE over a time attribute takes an INTERVAL, such as INTERVAL '1' HOUR PRECEDING; got {bound.Type}", offset.Position);
        }

        var value = Convert.ToInt64(CalcProgram.Evaluate(bound, _context), System.Globalization.CultureInfo.InvariantCulture);
        return value >= 0 ? value : throw new SqlValidationException("the PRECEDING offset of an OVER window must not be negative", offset.Position);
    }

    private int ProjectionIndex(BoundExpr expr) => Aggregation.IndexOrAdd(Projection, expr);

    /// <summary>A window as bound: equal windows are the same window however they were written.</summary>
    private sealed record Window(IReadOnlyList<int> PartitionKeys, int OrderIndex, OverFrame Frame)
    {
        public bool Equals(Window? other) =>
            other is not null && PartitionKeys.SequenceEqual(other.PartitionKeys) && OrderIndex == other.OrderIndex && Frame == other.Frame;

        public override int GetHashCode() => HashCode.Combine(PartitionKeys.Count, OrderIndex, Frame);
    }
}
