using PyStream.Sql.Ast;

namespace PyStream.Sql.Catalog;

/// <summary>A table of the catalog: its columns, watermark, primary key and connector options.</summary>
public sealed record CatalogTable(
    string Name,
    IReadOnlyList<CatalogColumn> Columns,
    string? WatermarkColumn,
    SqlExpr? WatermarkExpression,
    IReadOnlyList<string> PrimaryKey,
    IReadOnlyDictionary<string, string> Options,
    IReadOnlyList<string> PartitionedBy,
    bool Temporary) : ICatalogObject
{
    public string Connector => Options.TryGetValue("connector", out var c) ? c : "";

    public string Kind => "table";
}
