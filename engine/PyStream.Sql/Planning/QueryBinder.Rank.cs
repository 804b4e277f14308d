using PyStream.Sql.Ast;
using PyStream.Sql.Compiling;
using PyStream.Sql.Expressions;
using PyStream.Sql.Types;

namespace PyStream.Sql.Planning;

// Top-N and deduplication (Flink's FlinkLogicalRankRule): a query that selects ROW_NUMBER() OVER
// (PARTITION BY ... ORDER BY ...) binds to a rank without a range; a query over it that filters
// the row number by constants (rn <= N, rn < N, rn = N, rn BETWEEN a AND b) gives the rank its range.
internal sealed partial class QueryBinder
{
    private const string RankEndMissing = "Rank end is not specified. Currently rank only support TopN, which means the rank end must be specified.";

    /// <summary>A select list with a ranking function: the rank (its range still open), then the select list over its output.</summary>
    private PlanNode Ranked(SelectQuery s, PlanNode input, ExpressionBinder inputBinder, IReadOnlyList<SelectItem> items)
    {
        var ranking = items.Where(i => Contains(i.Expr, IsRankingCall)).ToList();
        if (ranking.Count > 1)
            throw ExpressionBinder.Unsupported("more than one ranking function in one select list", ranking[1].Expr);
        if (ranking[0].Expr is not FunctionCall call)
            throw ExpressionBinder.Unsupported("a ranking function inside an expression (select ROW_NUMBER() OVER (...) AS rn and compute with rn in the outer query)", ranking[0].Expr);
        if (items.Any(i => !ReferenceEquals(i, ranking[0]) && ContainsOver(i.Expr)))
            throw ExpressionBinder.Unsupported("OVER aggregates together with ROW_NUMBER() in one select list", s);
        var name = call.Name[^1].ToUpperInvariant();
        if (name != "ROW_NUMBER")
            throw new SqlValidationException($"{name}() on streaming table is not supported currently: Top-N and deduplication rank with ROW_NUMBER()", call.Position);
        if (call.Args.Count > 0)
            throw new SqlValidationException("ROW_NUMBER() takes no arguments", call.Position);

        var spec = call.Over!;
        if (spec.Reference is not null)
            throw ExpressionBinder.Unsupported("a named window for ROW_NUMBER() (write the window in OVER (...))", spec);
        if (spec.Frame is not null)
            throw new SqlValidationException("ROW_NUMBER() ranks whole partitions: its window takes no ROWS or RANGE frame", spec.Frame.Position);
        if (spec.OrderBy.Count == 0)
            throw new SqlValidationException("ROW_NUMBER() OVER (...) needs an ORDER BY: the rows of a partition are numbered in that order", spec.Position);

        var projection = Identity(input).ToList();
        var keys = spec.PartitionBy.Select(p => Aggregation.IndexOrAdd(projection, inputBinder.Bind(p))).Distinct().ToArray();
        var order = spec.OrderBy.Select(o =>
        {
            var descending = o.Direction == SortDirection.Descending;
            var nullsFirst = o.Nulls == NullOrdering.Unspecified ? !descending : o.Nulls == NullOrdering.First;
            return new SortKey(Aggregation.IndexOrAdd(projection, inputBinder.Bind(o.Expr)), descending, nullsFirst);
        }).ToArray();
        var pre = projection.Count == input.Fields.Count
            ? input
            : new CalcNode(input, null, projection, projection.Select((e, i) => i < input.Fields.Count ? input.Fields[i] : new PlanField($"$f{i}", e.Type)).ToArray());

        var rank = new RankNode(pre, keys, order, 1, null, true, RankWindowOf(pre, keys),
            [.. pre.Fields, new PlanField(RankNode.RankColumn, SqlType.BigInt.NotNull)]);
        var binder = new ExpressionBinder(new Scope(pre.Fields), functions: catalog);
        var projections = items.Select(i => ReferenceEquals(i, ranking[0]) ? new InputRef(pre.Fields.Count, SqlType.BigInt.NotNull) : binder.Bind(i.Expr)).ToArray();
        return new CalcNode(rank, null, projections, OutputFields(items, projections));
    }

    private static bool IsRankingCall(FunctionCall f) => f.Over is not null && IsRankingFunction(f.Name[^1].ToUpperInvariant());

    /// <summary>
    /// A WHERE over a ranking subquery: the conjuncts that bound the row number by constants become
    /// the rank's range, the others stay a filter. The rank number stays in the rank's output only
    /// when the query uses it and the range has more than one rank (Flink's RankNumberColumnRemoveRule
    /// makes rn = N the constant N). Null when <paramref name="input"/> is not a ranking subquery.
    /// </summary>
    private PlanNode? RankFilter(SelectQuery s, PlanNode input, BoundExpr condition, IReadOnlyList<SelectItem> items)
    {
        if (input is not CalcNode { Input: RankNode { RankEnd: null } rank } calc)
            return null;
        var rankIndex = rank.Fields.Count - 1;
        var rankColumns = calc.Projections.Select((p, i) => p is InputRef r && r.Index == rankIndex ? i : -1).Where(i => i >= 0).ToHashSet();
        if (rankColumns.Count == 0)
            return null;

        long start = 1;
        long? end = null;
        var rest = new List<BoundExpr>();
        foreach (var conjunct in Conjuncts(condition))
        {
            if (RankBound(conjunct, rankColumns) is not var (op, bound))
            {
                rest.Add(conjunct);
                continue;
            }

            switch (op)
            {
                case "<=": end = Math.Min(end ?? long.MaxValue, bound); break;
                case "<": end = Math.Min(end ?? long.MaxValue, bound - 1); break;
                case ">=": start = Math.Max(start, bound); break;
                case ">": start = Math.Max(start, bound + 1); break;
                default: start = Math.Max(start, bound); end = Math.Min(end ?? long.MaxValue, bound); break;
            }
        }

        if (end is null)
            throw new SqlValidationException(RankEndMissing, s.Where!.Position);
        if (end <= 0)
            throw new SqlValidationException($"Rank end should not less than zero: the row number is bounded by {end}", s.Where!.Position);
        if (start > end)
            throw new SqlValidationException($"the rank range is empty: rank start {start} is past rank end {end}", s.Where!.Position);

        var names = rankColumns.Select(i => calc.Output[i].Name).ToHashSet(StringComparer.Ordinal);
        var used = start != end
            && (items.Any(i => Mentions(i.Expr, names)) || (s.GroupBy?.Any(g => Mentions(g, names)) ?? false)
                || (s.Having is not null && Mentions(s.Having, names)) || rest.Any(c => References(c, rankColumns)));
        BoundExpr RankValue(BoundExpr p) => p is InputRef r && r.Index == rankIndex && !used ? new Literal(start, SqlType.BigInt.NotNull) : p;
        // New nodes, not copies: a record's Fields are set by its constructor only.
        var ranked = new RankNode(rank.Input, rank.PartitionKeys, rank.OrderKeys, start, end, used, rank.Window, used ? rank.Output : rank.Output.SkipLast(1).ToArray());
        var projected = new CalcNode(ranked, calc.Condition, calc.Projections.Select(RankValue).ToArray(), calc.Output);
        return rest.Count == 0 ? projected : new CalcNode(projected, And(rest), Identity(projected), projected.Fields);
    }

    /// <summary>A comparison of a rank column with a constant, as (operator with the rank on the left, the constant).</summary>
    private (string Op, long Bound)? RankBound(BoundExpr conjunct, HashSet<int> rankColumns)
    {
        if (conjunct is not CallExpr { Function: "<=" or "<" or ">=" or ">" or "=", Operands: [var left, var right] } compare)
            return null;
        var (op, constant) = (left, right) switch
        {
            (InputRef l, _) when rankColumns.Contains(l.Index) => (compare.Function, right),
            (_, InputRef r) when rankColumns.Contains(r.Index) => (Mirror(compare.Function), left),
            _ => (null, null),
        };
        if (op is null || References(constant!, -1) || constant!.Type.Kind is not (SqlTypeKind.TinyInt or SqlTypeKind.SmallInt or SqlTypeKind.Int or SqlTypeKind.BigInt))
            return null;
        return CalcProgram.Evaluate(constant, context) is { } value ? (op, Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture)) : null;
    }

    private static string Mirror(string op) => op switch { "<=" => ">=", "<" => ">", ">=" => "<=", ">" => "<", _ => op };

    private static bool References(BoundExpr expr, HashSet<int> columns) => expr switch
    {
        InputRef r => columns.Contains(r.Index),
        CallExpr c => c.Operands.Any(o => References(o, columns)),
        PythonCallExpr p => p.Operands.Any(o => References(o, columns)),
        _ => false,
    };

    private static bool Mentions(SqlExpr expr, HashSet<string> names) => Exists(expr, e => e is IdentifierExpr id && names.Contains(id.Parts[^1]));

    /// <summary>
    /// The window columns among a rank's partition keys: window_start and window_end of a window
    /// TVF or window aggregate below (through projections). Both must be there for a window rank.
    /// </summary>
    private static RankWindow? RankWindowOf(PlanNode input, IReadOnlyList<int> keys)
    {
        var window = WindowColumns(input);
        return window is not null && keys.Contains(window.StartColumn) && keys.Contains(window.EndColumn) ? window : null;
    }

    private static RankWindow? WindowColumns(PlanNode node)
    {
        switch (node)
        {
            case WindowTableNode w when w.Window.Kind != WindowKind.Session:
                return new RankWindow(w.Input.Fields.Count, w.Input.Fields.Count + 1, w.Window, w.Input.Fields[w.TimeIndex].Type);
            case WindowAggregateNode a:
                return new RankWindow(a.GroupKeys.Count, a.GroupKeys.Count + 1, a.Window, a.Input.Fields[a.TimeIndex].Type);
            case CalcNode c when WindowColumns(c.Input) is { } inner:
                var start = IndexOfRef(c.Projections, inner.StartColumn);
                var end = IndexOfRef(c.Projections, inner.EndColumn);
                return start >= 0 && end >= 0 ? inner with { StartColumn = start, EndColumn = end } : null;
            default:
                return null;
        }
    }

    private static int IndexOfRef(IReadOnlyList<BoundExpr> projections, int column)
    {
        for (var i = 0; i < projections.Count; i++)
        {
            if (projections[i] is InputRef r && r.Index == column)
                return i;
        }

        return -1;
    }
}
