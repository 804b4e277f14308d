using PyStream.Sql.Ast;
using PyStream.Sql.Parsing;

namespace PyStream.Sql.Printing;

internal static partial class SqlPrinter
{
    private static readonly Dictionary<BinaryOperator, string> BinarySymbols = new()
    {
        [BinaryOperator.Or] = "OR", [BinaryOperator.And] = "AND", [BinaryOperator.Equals] = "=",
        [BinaryOperator.NotEquals] = "<>", [BinaryOperator.LessThan] = "<", [BinaryOperator.GreaterThan] = ">",
        [BinaryOperator.LessOrEqual] = "<=", [BinaryOperator.GreaterOrEqual] = ">=",
        [BinaryOperator.IsDistinctFrom] = "IS DISTINCT FROM", [BinaryOperator.IsNotDistinctFrom] = "IS NOT DISTINCT FROM",
        [BinaryOperator.Plus] = "+", [BinaryOperator.Minus] = "-", [BinaryOperator.Multiply] = "*",
        [BinaryOperator.Divide] = "/", [BinaryOperator.Modulo] = "%", [BinaryOperator.Concat] = "||",
    };

    private static string Expr(SqlExpr expr) => expr switch
    {
        NumericLiteral n => n.Text,
        StringLiteral s => Quote(s.Value),
        BinaryLiteral b => "X'" + b.Hex + "'",
        BooleanLiteral b => b.Value switch { true => "TRUE", false => "FALSE", null => "UNKNOWN" },
        NullLiteral => "NULL",
        TypedLiteral t => Upper(t.Kind) + " " + Quote(t.Value),
        IntervalLiteral i => "INTERVAL " + (i.Negative ? "-" : "") + Quote(i.Value) + " " + Qualifier(i.Qualifier),
        IdentifierExpr id => Name(id.Parts),
        StarExpr star => star.Qualifier.Count == 0 ? "*" : Name(star.Qualifier) + ".*",
        BinaryExpr b => "(" + Expr(b.Left) + " " + BinarySymbols[b.Operator] + " " + Expr(b.Right) + ")",
        UnaryExpr u => "(" + u.Operator switch { UnaryOperator.Not => "NOT ", UnaryOperator.Negate => "-", _ => "+" } + Expr(u.Operand) + ")",
        IsExpr i => "(" + Expr(i.Operand) + " IS " + (i.Negated ? "NOT " : "") + Upper(i.Test) + ")",
        BetweenExpr b => "(" + Expr(b.Operand) + Not(b.Negated) + " BETWEEN " + (b.Symmetric ? "SYMMETRIC " : "")
            + Expr(b.Low) + " AND " + Expr(b.High) + ")",
        InListExpr i => "(" + Expr(i.Operand) + Not(i.Negated) + " IN (" + List(i.Values, Expr) + "))",
        InQueryExpr i => "(" + Expr(i.Operand) + Not(i.Negated) + " IN (" + Query(i.Query) + "))",
        LikeExpr l => "(" + Expr(l.Operand) + Not(l.Negated) + (l.Similar ? " SIMILAR TO " : " LIKE ") + Expr(l.Pattern)
            + (l.Escape is null ? "" : " ESCAPE " + Expr(l.Escape)) + ")",
        ExistsExpr e => "EXISTS (" + Query(e.Query) + ")",
        SubqueryExpr s => "(" + Query(s.Query) + ")",
        CaseExpr c => Case(c),
        CastExpr c => (c.Try ? "TRY_CAST(" : "CAST(") + Expr(c.Operand) + " AS " + Type(c.Type) + ")",
        FunctionCall f => Call(f),
        NiladicCall n => n.Name,
        NamedArgument n => Name(n.Name) + " => " + Expr(n.Value),
        TableArgument t => "TABLE " + Name(t.Name) + (t.PartitionBy is null ? "" : " PARTITION BY (" + List(t.PartitionBy, Expr) + ")"),
        DescriptorExpr d => "DESCRIPTOR(" + Names(d.Columns) + ")",
        TimeUnitExpr t => Upper(t.Unit),
        ExtractExpr e => "EXTRACT(" + Upper(e.Unit) + " FROM " + Expr(e.Source) + ")",
        FloorCeilExpr f => (f.Ceil ? "CEIL(" : "FLOOR(") + Expr(f.Operand) + " TO " + Upper(f.Unit) + ")",
        SubstringExpr s => "SUBSTRING(" + Expr(s.Operand) + " FROM " + Expr(s.Start) + (s.Length is null ? "" : " FOR " + Expr(s.Length)) + ")",
        PositionExpr p => "POSITION(" + Expr(p.Needle) + " IN " + Expr(p.Haystack) + (p.Start is null ? "" : " FROM " + Expr(p.Start)) + ")",
        TrimExpr t => "TRIM(" + (t.Side is null ? "" : Upper(t.Side.Value) + " ") + (t.Characters is null ? "" : Expr(t.Characters) + " ")
            + (t.Side is null && t.Characters is null ? "" : "FROM ") + Expr(t.Operand) + ")",
        OverlayExpr o => "OVERLAY(" + Expr(o.Operand) + " PLACING " + Expr(o.Replacement) + " FROM " + Expr(o.Start)
            + (o.Length is null ? "" : " FOR " + Expr(o.Length)) + ")",
        RowExpr r => (r.Explicit ? "ROW(" : "(") + List(r.Items, Expr) + ")",
        ArrayExpr a => "ARRAY[" + List(a.Items, Expr) + "]",
        MapExpr m => "MAP[" + List(m.KeysAndValues, Expr) + "]",
        ItemExpr i => Expr(i.Target) + "[" + Expr(i.Index) + "]",
        FieldExpr f => "(" + Expr(f.Target) + ")." + Name(f.Field),
        GroupingExpr g => g.Kind switch { GroupingKind.GroupingSets => "GROUPING SETS", _ => Upper(g.Kind) } + " (" + List(g.Items, Expr) + ")",
        _ => throw new NotSupportedException($"no SQL form for {expr.GetType().Name}"),
    };

    private static string Not(bool negated) => negated ? " NOT" : "";

    private static string Case(CaseExpr c)
    {
        var text = "CASE" + (c.Operand is null ? "" : " " + Expr(c.Operand));
        foreach (var when in c.Whens)
            text += " WHEN " + Expr(when.Condition) + " THEN " + Expr(when.Result);
        return text + (c.Else is null ? "" : " ELSE " + Expr(c.Else)) + " END";
    }

    private static string Call(FunctionCall f)
    {
        var text = FunctionName(f.Name) + "(" + (f.Distinct ? "DISTINCT " : "") + List(f.Args, Expr) + ")";
        if (f.Filter is not null)
            text += " FILTER (WHERE " + Expr(f.Filter) + ")";
        if (f.Over is not null)
            text += " OVER " + WindowSpec(f.Over);
        return text;
    }

    private static string FunctionName(SqlList<string> parts) =>
        string.Join(".", parts.Select(part => SqlKeywords.NeedsQuotingAsFunction(part) ? Backquote(part) : part));

    private static string Qualifier(IntervalQualifier q)
    {
        var text = Upper(q.Start) + (q.StartPrecision is null ? "" : $"({q.StartPrecision})");
        if (q.End is not null)
            text += " TO " + Upper(q.End.Value) + (q.FractionalPrecision is null ? "" : $"({q.FractionalPrecision})");
        return text;
    }

    private static string WindowSpec(WindowSpec spec)
    {
        if (spec.ReferenceOnly)
            return Name(spec.Reference!);
        var parts = new List<string>();
        if (spec.Reference is not null)
            parts.Add(Name(spec.Reference));
        if (spec.PartitionBy.Count > 0)
            parts.Add("PARTITION BY " + List(spec.PartitionBy, Expr));
        if (spec.OrderBy.Count > 0)
            parts.Add("ORDER BY " + List(spec.OrderBy, OrderItem));
        if (spec.Frame is { } frame)
        {
            parts.Add(Upper(frame.Unit) + (frame.End is null
                ? " " + Bound(frame.Start)
                : " BETWEEN " + Bound(frame.Start) + " AND " + Bound(frame.End)));
        }
        return "(" + string.Join(" ", parts) + ")";
    }

    private static string Bound(FrameBound bound) => bound.Kind switch
    {
        FrameBoundKind.UnboundedPreceding => "UNBOUNDED PRECEDING",
        FrameBoundKind.UnboundedFollowing => "UNBOUNDED FOLLOWING",
        FrameBoundKind.CurrentRow => "CURRENT ROW",
        FrameBoundKind.Preceding => Expr(bound.Offset!) + " PRECEDING",
        _ => Expr(bound.Offset!) + " FOLLOWING",
    };

    private static string OrderItem(OrderItem item) =>
        Expr(item.Expr)
        + item.Direction switch { SortDirection.Ascending => " ASC", SortDirection.Descending => " DESC", _ => "" }
        + item.Nulls switch { NullOrdering.First => " NULLS FIRST", NullOrdering.Last => " NULLS LAST", _ => "" };
}
