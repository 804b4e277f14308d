using PyStream.Sql.Ast;
using PyStream.Sql.Protocol;

namespace PyStream.Sql.TableApi;

// col('v').sum.over(col('w')) in OverWindowedTable.select: the Python side writes the window out as
// over(aggregate, over_window(partition_by(keys...), order, preceding[, following])).
internal sealed partial class TableExpressionConverter
{
    private SqlExpr Over(TableCall call)
    {
        if (call.Args.Count != 2 || Convert(call.Args[0]) is not FunctionCall { Over: null } aggregate)
            throw Refuse("over applies to an aggregate: col('v').sum.over(col('w'))");
        var window = call.Args[1];
        if (window.KindCase != TableExpression.KindOneofCase.Call || window.Call.Name != "over_window" || window.Call.Args.Count is not (3 or 4))
            throw Refuse($"over takes the alias of an over window of table.over_window(Over.partition_by(...).order_by(...).preceding(...).alias('w')), got {window}");
        var parts = window.Call.Args;
        var partitionBy = SqlList.From(parts[0].Call.Args.Select(Convert));
        var orderBy = new OrderItem(Convert(parts[1]), SortDirection.Unspecified, NullOrdering.Unspecified);
        var frame = Frame(parts[2], parts.Count == 4 ? parts[3] : null);
        return aggregate with { Over = new WindowSpec(null, partitionBy, [orderBy], frame) };
    }

    /// <summary>UNBOUNDED_RANGE, UNBOUNDED_ROW, CURRENT_ROW, CURRENT_RANGE, row_interval(n), or a time interval, to the current row.</summary>
    private WindowFrame Frame(TableExpression preceding, TableExpression? following)
    {
        var current = new FrameBound(FrameBoundKind.CurrentRow);
        var (unit, start) = preceding switch
        {
            { KindCase: TableExpression.KindOneofCase.Symbol, Symbol: "UNBOUNDED_RANGE" } => (FrameUnit.Range, new FrameBound(FrameBoundKind.UnboundedPreceding)),
            { KindCase: TableExpression.KindOneofCase.Symbol, Symbol: "UNBOUNDED_ROW" } => (FrameUnit.Rows, new FrameBound(FrameBoundKind.UnboundedPreceding)),
            { KindCase: TableExpression.KindOneofCase.Symbol, Symbol: "CURRENT_ROW" } => (FrameUnit.Rows, current),
            { KindCase: TableExpression.KindOneofCase.Symbol, Symbol: "CURRENT_RANGE" } => (FrameUnit.Range, current),
            { KindCase: TableExpression.KindOneofCase.Call, Call: { Name: "row_interval", Args.Count: 1 } rows } =>
                (FrameUnit.Rows, new FrameBound(FrameBoundKind.Preceding, Convert(rows.Args[0]))),
            { KindCase: TableExpression.KindOneofCase.Interval } => (FrameUnit.Range, new FrameBound(FrameBoundKind.Preceding, Convert(preceding))),
            _ => throw Refuse($"preceding takes UNBOUNDED_RANGE, UNBOUNDED_ROW, CURRENT_ROW, CURRENT_RANGE, row_interval(n) or a time interval (lit(1).hours), got {preceding}"),
        };
        if (following is not null)
        {
            var expected = unit == FrameUnit.Rows ? "CURRENT_ROW" : "CURRENT_RANGE";
            if (following.KindCase != TableExpression.KindOneofCase.Symbol || following.Symbol != expected)
                throw Refuse($"following: an over window of this preceding ends at {expected} (FOLLOWING frames are not supported)");
        }

        return new WindowFrame(unit, start, current);
    }
}
