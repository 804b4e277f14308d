using PyStream.Sql.Ast;
using PyStream.Sql.Expressions;

namespace PyStream.Sql.Planning;

// OVER aggregates in a select list: a projection of the input columns and the aggregates'
// arguments, the over aggregate, then the select list over its output.
internal sealed partial class QueryBinder
{
    private static readonly string[] RankingFunctions = ["ROW_NUMBER", "RANK", "DENSE_RANK"];

    private PlanNode Over(SelectQuery s, PlanNode input, ExpressionBinder inputBinder, IReadOnlyList<SelectItem> items)
    {
        if (input.IsChangelog)
            throw new SqlValidationException("OVER aggregates need an append-only input; this one is updated (a changelog, such as a GROUP BY's result)", s.Position);
        var over = new OverAggregation(inputBinder, s.Windows ?? [], context);
        var binder = new ExpressionBinder(inputBinder.Scope, functions: catalog, over: over);
        var projections = items.Select(i => binder.Bind(i.Expr)).ToArray();
        var pre = new CalcNode(input, null, over.Projection,
            over.Projection.Select((e, i) => i < input.Fields.Count ? input.Fields[i] : new PlanField($"$f{i}", e.Type)).ToArray());
        var aggregate = new OverAggregateNode(pre, input.Fields.Count, over.PartitionKeys, over.OrderIndex, over.Frame, over.Calls,
            [.. input.Fields, .. over.Calls.Select((c, i) => new PlanField($"w0$o{i}", c.Type))]);
        return new CalcNode(aggregate, null, projections, OutputFields(items, projections));
    }

    private static bool ContainsOver(SqlExpr expr) => Contains(expr, f => f.Over is not null);

    /// <summary>ROW_NUMBER() and the other ranking functions: Flink runs them only as Top-N or deduplication, not as OVER aggregates.</summary>
    internal static bool IsRankingFunction(string name) => RankingFunctions.Contains(name);
}
