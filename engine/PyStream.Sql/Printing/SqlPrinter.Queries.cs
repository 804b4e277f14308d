using PyStream.Sql.Ast;

namespace PyStream.Sql.Printing;

internal static partial class SqlPrinter
{
    private static string Query(QueryExpr query) => query switch
    {
        SelectQuery s => Select(s),
        ValuesQuery v => "VALUES " + List(v.Rows, row => "(" + List(row, Expr) + ")"),
        SetOperation s => SetOperand(s.Left) + " " + Upper(s.Operator) + (s.All ? " ALL " : " ") + SetOperand(s.Right),
        OrderedQuery o => Ordered(o),
        WithQuery w => "WITH " + List(w.Ctes, Cte) + " " + Query(w.Body),
        _ => throw new NotSupportedException($"no SQL form for {query.GetType().Name}"),
    };

    // A nested set operation, ORDER BY or WITH in an operand keeps its parentheses.
    private static string SetOperand(QueryExpr query) =>
        query is SelectQuery or ValuesQuery ? Query(query) : "(" + Query(query) + ")";

    private static string Ordered(OrderedQuery o)
    {
        var text = o.Body is WithQuery or OrderedQuery ? "(" + Query(o.Body) + ")" : Query(o.Body);
        if (o.OrderBy.Count > 0)
            text += " ORDER BY " + List(o.OrderBy, OrderItem);
        if (o.Limit is not null)
            text += " LIMIT " + Expr(o.Limit);
        if (o.Offset is not null)
            text += " OFFSET " + Expr(o.Offset);
        return text;
    }

    private static string Cte(CommonTableExpr cte) =>
        Name(cte.Name) + (cte.Columns.Count == 0 ? "" : " (" + Names(cte.Columns) + ")") + " AS (" + Query(cte.Query) + ")";

    private static string Select(SelectQuery s)
    {
        var text = "SELECT " + (s.Distinct ? "DISTINCT " : "") + List(s.Items, SelectItem);
        if (s.From.Count > 0)
            text += " FROM " + List(s.From, TableRef);
        if (s.Where is not null)
            text += " WHERE " + Expr(s.Where);
        if (s.GroupBy is not null)
            text += " GROUP BY " + List(s.GroupBy, Expr);
        if (s.Having is not null)
            text += " HAVING " + Expr(s.Having);
        if (s.Windows is not null)
            text += " WINDOW " + List(s.Windows, w => Name(w.Name) + " AS " + WindowSpec(w.Spec));
        return text;
    }

    private static string SelectItem(SelectItem item) => Expr(item.Expr) + (item.Alias is null ? "" : " AS " + Name(item.Alias));

    private static string TableRef(TableRef table) => table switch
    {
        NamedTableRef n => Name(n.Name) + (n.SystemTimeAsOf is null ? "" : " FOR SYSTEM_TIME AS OF " + Expr(n.SystemTimeAsOf)) + Alias(n.Alias),
        DerivedTableRef d => (d.Lateral ? "LATERAL " : "") + "(" + Query(d.Query) + ")" + Alias(d.Alias),
        TableFunctionRef f => (f.Lateral ? "LATERAL " : "") + "TABLE(" + Expr(f.Call) + ")" + Alias(f.Alias),
        UnnestRef u => "UNNEST(" + List(u.Args, Expr) + ")" + (u.WithOrdinality ? " WITH ORDINALITY" : "") + Alias(u.Alias),
        JoinRef j => Join(j),
        MatchRecognizeRef m => MatchRecognize(m),
        _ => throw new NotSupportedException($"no SQL form for {table.GetType().Name}"),
    };

    private static string Join(JoinRef j)
    {
        var right = j.Right is JoinRef ? "(" + TableRef(j.Right) + ")" : TableRef(j.Right);
        var text = TableRef(j.Left) + " " + (j.Kind == JoinKind.Inner ? "" : Upper(j.Kind) + " ") + "JOIN " + right;
        if (j.On is not null)
            text += " ON " + Expr(j.On);
        if (j.Using is not null)
            text += " USING (" + Names(j.Using) + ")";
        return text;
    }

    private static string Alias(TableAlias? alias) =>
        alias is null ? "" : " AS " + Name(alias.Name) + (alias.Columns.Count == 0 ? "" : " (" + Names(alias.Columns) + ")");
}
