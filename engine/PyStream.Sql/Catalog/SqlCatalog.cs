namespace PyStream.Sql.Catalog;

/// <summary>
/// Tables, views and functions by name (Flink's default_catalog.default_database: names are
/// case-sensitive, and a qualified name's last part is the object's name). Rebuilt for each
/// request by replaying the statements the client kept.
/// </summary>
public sealed class SqlCatalog
{
    private readonly Dictionary<string, ICatalogObject> _objects = new(StringComparer.Ordinal);
    private readonly Dictionary<string, CatalogFunction> _functions = new(StringComparer.OrdinalIgnoreCase);

    public const string CatalogName = "default_catalog";
    public const string DatabaseName = "default_database";

    public IEnumerable<CatalogTable> Tables => _objects.Values.OfType<CatalogTable>();

    public IEnumerable<CatalogView> Views => _objects.Values.OfType<CatalogView>();

    public IEnumerable<CatalogFunction> Functions => _functions.Values;

    public ICatalogObject? Find(IReadOnlyList<string> name) =>
        ObjectName(name) is { } simple && _objects.TryGetValue(simple, out var found) ? found : null;

    public CatalogFunction? FindFunction(string name) => _functions.GetValueOrDefault(name);

    /// <summary>The object's name without its catalog and database, or null when they are not this catalog's.</summary>
    public static string? ObjectName(IReadOnlyList<string> name) => name.Count switch
    {
        1 => name[0],
        2 when name[0] == DatabaseName => name[1],
        3 when name[0] == CatalogName && name[1] == DatabaseName => name[2],
        _ => null,
    };

    public bool Contains(string name) => _objects.ContainsKey(name);

    public void Add(ICatalogObject item) => _objects[item.Name] = item;

    public bool Remove(string name) => _objects.Remove(name);

    public void AddFunction(CatalogFunction function) => _functions[function.Name] = function;

    public bool RemoveFunction(string name) => _functions.Remove(name);

    /// <summary>Names to suggest for a name that was not found.</summary>
    public IEnumerable<string> Names => _objects.Keys;
}
