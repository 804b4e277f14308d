using PyStream.Sql.Protocol;

namespace PyStream.Sql.Catalog;

/// <summary>
/// A user-defined function registered by CREATE FUNCTION or create_temporary_function. Python
/// functions run through the bridge; <paramref name="Python"/> is the function object and its
/// declared types once the client has resolved it (null before).
/// </summary>
public sealed record CatalogFunction(string Name, string ClassName, string Language, bool Temporary, bool System, PythonFunction? Python = null);
