using PyStream.Sql.Ast;
using PyStream.Sql.Parsing;

namespace PyStream.Sql.Printing;

/// <summary>
/// Renders a tree as canonical SQL: keywords upper case, every compound expression in parentheses,
/// names backquoted only where needed. Parsing the output gives back an equal tree.
/// </summary>
internal static partial class SqlPrinter
{
    public static string Print(SqlNode node) => node switch
    {
        SqlExpr expr => Expr(expr),
        QueryExpr query => Query(query),
        SqlStatement statement => Statement(statement),
        SqlDataType type => Type(type),
        TableRef table => TableRef(table),
        SelectItem item => SelectItem(item),
        OrderItem item => OrderItem(item),
        WindowSpec spec => WindowSpec(spec),
        IntervalQualifier qualifier => Qualifier(qualifier),
        _ => throw new NotSupportedException($"no SQL form for {node.GetType().Name}"),
    };

    private static string Name(string name) => SqlKeywords.NeedsQuoting(name) ? Backquote(name) : name;

    private static string Backquote(string name) => "`" + name.Replace("`", "``", StringComparison.Ordinal) + "`";

    private static string Name(IEnumerable<string> parts) => string.Join(".", parts.Select(Name));

    private static string Names(IEnumerable<string> names) => string.Join(", ", names.Select(Name));

    private static string Quote(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";

    private static string List<T>(IEnumerable<T> items, Func<T, string> print) => string.Join(", ", items.Select(print));

    private static string Upper<T>(T value) where T : struct, Enum => value.ToString().ToUpperInvariant();
}
