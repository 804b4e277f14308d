using PyStream.Sql.Ast;

namespace PyStream.Sql.Printing;

internal static partial class SqlPrinter
{
    private static string Statement(SqlStatement statement) => statement switch
    {
        QueryStatement q => Query(q.Query),
        CreateTableStatement c => CreateTable(c),
        CreateViewStatement v => "CREATE " + Temporary(v.Temporary) + "VIEW " + IfNotExists(v.IfNotExists) + Name(v.Name)
            + (v.Columns.Count == 0 ? "" : " (" + Names(v.Columns) + ")") + Comment(v.Comment) + " AS " + Query(v.Query),
        CreateFunctionStatement f => "CREATE " + Temporary(f.Temporary) + (f.System ? "SYSTEM " : "") + "FUNCTION "
            + IfNotExists(f.IfNotExists) + Name(f.Name) + " AS " + Quote(f.ClassName) + (f.Language is null ? "" : " LANGUAGE " + Upper(f.Language.Value)),
        DropStatement d => "DROP " + Temporary(d.Temporary) + (d.System ? "SYSTEM " : "") + Upper(d.Kind) + " "
            + (d.IfExists ? "IF EXISTS " : "") + Name(d.Name),
        ShowStatement s => "SHOW " + Upper(s.Kind),
        DescribeStatement d => "DESCRIBE " + Name(d.Name),
        ExplainStatement e => "EXPLAIN " + (e.Details.Count == 0 ? "" : string.Join(", ", e.Details) + " ")
            + (e.Statement is StatementSetStatement set ? StatementSet(set) : Statement(e.Statement)),
        SetStatement s => s.Key is null ? "SET" : "SET " + Quote(s.Key) + " = " + Quote(s.Value ?? ""),
        ResetStatement r => r.Key is null ? "RESET" : "RESET " + Quote(r.Key),
        UseStatement u => "USE " + (u.Catalog ? "CATALOG " : "") + Name(u.Name),
        InsertStatement i => Insert(i),
        StatementSetStatement s => "EXECUTE " + StatementSet(s),
        _ => throw new NotSupportedException($"no SQL form for {statement.GetType().Name}"),
    };

    private static string StatementSet(StatementSetStatement s) =>
        "STATEMENT SET BEGIN " + string.Concat(s.Inserts.Select(i => Insert(i) + "; ")) + "END";

    private static string Temporary(bool temporary) => temporary ? "TEMPORARY " : "";

    private static string IfNotExists(bool ifNotExists) => ifNotExists ? "IF NOT EXISTS " : "";

    private static string Comment(string? comment) => comment is null ? "" : " COMMENT " + Quote(comment);

    private static string Insert(InsertStatement i) =>
        "INSERT " + (i.Overwrite ? "OVERWRITE " : "INTO ") + Name(i.Target)
        + (i.Columns.Count == 0 ? "" : " (" + Names(i.Columns) + ")") + " " + Query(i.Source);

    private static string CreateTable(CreateTableStatement c)
    {
        var elements = c.Columns.Select(Column).ToList();
        if (c.Watermark is not null)
            elements.Add("WATERMARK FOR " + Name(c.Watermark.Column) + " AS " + Expr(c.Watermark.Expr));
        if (c.PrimaryKey is not null)
        {
            elements.Add((c.PrimaryKey.ConstraintName is null ? "" : "CONSTRAINT " + Name(c.PrimaryKey.ConstraintName) + " ")
                + "PRIMARY KEY (" + Names(c.PrimaryKey.Columns) + ") NOT ENFORCED");
        }
        var text = "CREATE " + Temporary(c.Temporary) + "TABLE " + IfNotExists(c.IfNotExists) + Name(c.Name);
        if (elements.Count > 0)
            text += " (" + string.Join(", ", elements) + ")";
        text += Comment(c.Comment);
        if (c.PartitionedBy.Count > 0)
            text += " PARTITIONED BY (" + Names(c.PartitionedBy) + ")";
        if (c.Options.Count > 0)
            text += " WITH (" + List(c.Options, o => Quote(o.Key) + " = " + Quote(o.Value)) + ")";
        if (c.Like is not null)
        {
            text += " LIKE " + Name(c.Like.Source);
            if (c.Like.Options.Count > 0)
                text += " (" + string.Join(" ", c.Like.Options.Select(o => Upper(o.Action) + " " + Upper(o.Scope))) + ")";
        }
        if (c.AsQuery is not null)
            text += " AS " + Query(c.AsQuery);
        return text;
    }

    private static string Column(TableColumn column) => column switch
    {
        PhysicalColumn p => Name(p.Name) + " " + Type(p.Type) + Comment(p.Comment),
        ComputedColumn c => Name(c.Name) + " AS " + Expr(c.Expr) + Comment(c.Comment),
        MetadataColumn m => Name(m.Name) + " " + Type(m.Type) + " METADATA" + (m.Key is null ? "" : " FROM " + Quote(m.Key))
            + (m.Virtual ? " VIRTUAL" : "") + Comment(m.Comment),
        _ => throw new NotSupportedException($"no SQL form for {column.GetType().Name}"),
    };
}
