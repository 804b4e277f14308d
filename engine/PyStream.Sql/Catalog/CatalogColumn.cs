using PyStream.Sql.Ast;
using PyStream.Sql.Types;

namespace PyStream.Sql.Catalog;

public enum ColumnKind
{
    Physical,
    Computed,
    Metadata,
}

/// <summary>
/// A column of a catalog table: physical (read from the connector), computed (<c>AS expr</c>,
/// typed when the table is created) or metadata (<c>METADATA FROM 'key'</c>, read from the
/// connector's record, left out of what the table writes when VIRTUAL).
/// </summary>
public sealed record CatalogColumn(string Name, SqlType Type, ColumnKind Kind, SqlExpr? Expression = null, string? MetadataKey = null, bool Virtual = false)
{
    /// <summary>Whether an INSERT writes this column.</summary>
    public bool IsPersisted => Kind == ColumnKind.Physical || (Kind == ColumnKind.Metadata && !Virtual);
}
