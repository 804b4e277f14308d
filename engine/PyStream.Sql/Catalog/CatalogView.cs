using PyStream.Sql.Ast;

namespace PyStream.Sql.Catalog;

/// <summary>A view: a query with a name, and optionally its own column names.</summary>
public sealed record CatalogView(string Name, QueryExpr Query, IReadOnlyList<string> ColumnNames, bool Temporary) : ICatalogObject
{
    public string Kind => "view";
}

/// <summary>What a name in FROM can refer to.</summary>
public interface ICatalogObject
{
    string Name { get; }

    bool Temporary { get; }

    /// <summary>"table" or "view", for messages.</summary>
    string Kind { get; }
}
