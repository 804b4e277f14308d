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
        BinaryExpr b => Binary(b),
        UnaryExpr { Operator: UnaryOperator.Not } u => "NOT " + Operand(u.Operand, Precedence.Not),
        UnaryExpr u => (u.Operator == UnaryOperator.Negate ? "-" : "+") + Operand(u.Operand, Precedence.Unary),
        IsExpr i => LeftOperand(i.Operand, Precedence.Is) + " IS " + (i.Negated ? "NOT " : "") + Upper(i.Test),
        BetweenExpr b => LeftOperand(b.Operand, Precedence.Like) + Not(b.Negated) + " BETWEEN " + (b.Symmetric ? "SYMMETRIC " : "")
            + Operand(b.Low, Precedence.Like) + " AND " + Operand(b.High, Precedence.Like),
        InListExpr i => LeftOperand(i.Operand, Precedence.Comparison) + Not(i.Negated) + " IN (" + List(i.Values, Expr) + ")",
        InQueryExpr i => LeftOperand(i.Operand, Precedence.Comparison) + Not(i.Negated) + " IN (" + Query(i.Query) + ")",
        LikeExpr l => LeftOperand(l.Operand, Precedence.Like) + Not(l.Negated) + (l.Similar ? " SIMILAR TO " : " LIKE ")
            + Operand(l.Pattern, Precedence.Like) + (l.Escape is null ? "" : " ESCAPE " + Operand(l.Escape, Precedence.Like)),
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
        PositionExpr p => "POSITION(" + Operand(p.Needle, Precedence.Comparison) + " IN " + Expr(p.Haystack) + (p.Start is null ? "" : " FROM " + Expr(p.Start)) + ")",
        TrimExpr t => "TRIM(" + (t.Side is null ? "" : Upper(t.Side.Value) + " ") + (t.Characters is null ? "" : Expr(t.Characters) + " ")
            + (t.Side is null && t.Characters is null ? "" : "FROM ") + Expr(t.Operand) + ")",
        OverlayExpr o => "OVERLAY(" + Expr(o.Operand) + " PLACING " + Expr(o.Replacement) + " FROM " + Expr(o.Start)
            + (o.Length is null ? "" : " FOR " + Expr(o.Length)) + ")",
        RowExpr r => (r.Explicit ? "ROW(" : "(") + List(r.Items, Expr) + ")",
        ArrayExpr a => "ARRAY[" + List(a.Items, Expr) + "]",
        MapExpr m => "MAP[" + List(m.KeysAndValues, Expr) + "]",
        ItemExpr i => LeftOperand(i.Target, Precedence.Postfix) + "[" + Expr(i.Index) + "]",
        FieldExpr f => "(" + Expr(f.Target) + ")." + Name(f.Field),
        GroupingExpr g => g.Kind switch { GroupingKind.GroupingSets => "GROUPING SETS", _ => Upper(g.Kind) } + " (" + List(g.Items, Expr) + ")",
        _ => throw new NotSupportedException($"no SQL form for {expr.GetType().Name}"),
    };

    private static string Not(bool negated) => negated ? " NOT" : "";

    // Parentheses only where the parser's binding powers need them (see Parsing/Precedence.cs):
    // a left operand binds to the operator unless its own operator binds looser; a right operand,
    // parsed with the operator's power as the minimum, only when its operator binds tighter.
    // So a OR b OR c prints without the parentheses that would nest as deep as the chain is long.
    private const int Atomic = int.MaxValue;

    private static string Binary(BinaryExpr b)
    {
        var (left, right) = b.Operator switch
        {
            BinaryOperator.Or => (Precedence.Or, Precedence.Or),
            BinaryOperator.And => (Precedence.And, Precedence.And),
            BinaryOperator.IsDistinctFrom or BinaryOperator.IsNotDistinctFrom => (Precedence.Is, Precedence.Comparison),
            BinaryOperator.Plus or BinaryOperator.Minus => (Precedence.Additive, Precedence.Additive),
            BinaryOperator.Multiply or BinaryOperator.Divide or BinaryOperator.Modulo or BinaryOperator.Concat =>
                (Precedence.Multiplicative, Precedence.Multiplicative),
            _ => (Precedence.Comparison, Precedence.Comparison),
        };
        return LeftOperand(b.Left, left) + " " + BinarySymbols[b.Operator] + " " + Operand(b.Right, right);
    }

    private static int PrecedenceOf(SqlExpr expr) => expr switch
    {
        BinaryExpr { Operator: BinaryOperator.Or } => Precedence.Or,
        BinaryExpr { Operator: BinaryOperator.And } => Precedence.And,
        BinaryExpr { Operator: BinaryOperator.IsDistinctFrom or BinaryOperator.IsNotDistinctFrom } => Precedence.Is,
        BinaryExpr { Operator: BinaryOperator.Plus or BinaryOperator.Minus } => Precedence.Additive,
        BinaryExpr { Operator: BinaryOperator.Multiply or BinaryOperator.Divide or BinaryOperator.Modulo or BinaryOperator.Concat } => Precedence.Multiplicative,
        BinaryExpr => Precedence.Comparison,
        UnaryExpr { Operator: UnaryOperator.Not } => Precedence.Not,
        UnaryExpr => Precedence.Unary,
        IsExpr => Precedence.Is,
        InListExpr or InQueryExpr => Precedence.Comparison,
        BetweenExpr or LikeExpr => Precedence.Like,
        ItemExpr => Precedence.Postfix,
        _ => Atomic,
    };

    /// <summary>An operand that the parser reads before the operator (the left side, or a postfix target).</summary>
    private static string LeftOperand(SqlExpr operand, int precedence) =>
        PrecedenceOf(operand) < precedence ? "(" + Expr(operand) + ")" : Expr(operand);

    /// <summary>An operand that the parser reads with <paramref name="precedence"/> as its minimum binding power.</summary>
    private static string Operand(SqlExpr operand, int precedence) =>
        PrecedenceOf(operand) <= precedence ? "(" + Expr(operand) + ")" : Expr(operand);

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
        FrameBoundKind.Preceding => Operand(bound.Offset!, Precedence.And) + " PRECEDING",
        _ => Operand(bound.Offset!, Precedence.And) + " FOLLOWING",
    };

    private static string OrderItem(OrderItem item) =>
        Expr(item.Expr)
        + item.Direction switch { SortDirection.Ascending => " ASC", SortDirection.Descending => " DESC", _ => "" }
        + item.Nulls switch { NullOrdering.First => " NULLS FIRST", NullOrdering.Last => " NULLS LAST", _ => "" };
}
