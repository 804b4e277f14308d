namespace PyStream.Sql.Catalog;

/// <summary>A user-defined function registered by CREATE FUNCTION (Python functions run through the bridge).</summary>
public sealed record CatalogFunction(string Name, string ClassName, string Language, bool Temporary, bool System);
