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

    /// <summary>
    /// <c>WATERMARK FOR rowtime AS SOURCE_WATERMARK()</c>: the watermarks are the input's own (a
    /// DataStream's), not computed from the rows.
    /// </summary>
    public bool HasSourceWatermark => WatermarkExpression is { } e && IsSourceWatermark(e);

    public static bool IsSourceWatermark(SqlExpr expr) =>
        expr is FunctionCall { Args.Count: 0 } f && f.Name[^1].Equals("SOURCE_WATERMARK", StringComparison.OrdinalIgnoreCase);
}
