using System.Text.Json;

namespace PyStream.Sql.Functions;

/// <summary>
/// JSON_VALUE, JSON_QUERY and JSON_EXISTS with lax paths of member and index steps
/// (<c>$.a.b[0]</c>, <c>$['a b']</c>); invalid JSON or a missing path gives NULL (FALSE for
/// JSON_EXISTS), Flink's default NULL ON EMPTY / NULL ON ERROR.
/// </summary>
public static class JsonFunctions
{
    /// <summary>The scalar at the path as a string: NULL for a missing value, an object, an array or JSON null.</summary>
    public static string? Value(string json, JsonPath path)
    {
        if (!TryFind(json, path, out var element))
            return null;
        return element.ValueKind switch
        {
            JsonValueKind.String => element.GetString(),
            JsonValueKind.Number => element.GetRawText(),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            _ => null,
        };
    }

    public static string? Value(string json, string path) => Value(json, JsonPath.Parse(path));

    /// <summary>The object or array at the path as JSON text; NULL for a scalar (WITHOUT WRAPPER) or a missing value.</summary>
    public static string? Query(string json, JsonPath path) =>
        TryFind(json, path, out var element) && element.ValueKind is JsonValueKind.Object or JsonValueKind.Array
            ? JsonSerializer.Serialize(element) : null;

    public static string? Query(string json, string path) => Query(json, JsonPath.Parse(path));

    public static bool Exists(string json, JsonPath path) => TryFind(json, path, out _);

    public static bool Exists(string json, string path) => Exists(json, JsonPath.Parse(path));

    private static bool TryFind(string json, JsonPath path, out JsonElement element)
    {
        element = default;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException)
        {
            return false;
        }

        using (document)
        {
            var current = document.RootElement;
            foreach (var step in path.Steps)
            {
                if (step.Member is { } member)
                {
                    if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(member, out current))
                        return false;
                }
                else if (current.ValueKind != JsonValueKind.Array || step.Index >= current.GetArrayLength())
                {
                    return false;
                }
                else
                {
                    current = current[step.Index];
                }
            }

            element = current.Clone();
            return true;
        }
    }
}
