using System.Globalization;

namespace PyStream.Sql.Functions;

/// <summary>A parsed SQL/JSON path: <c>$</c> then <c>.name</c>, <c>['name']</c> or <c>[index]</c> steps.</summary>
public sealed class JsonPath
{
    private JsonPath(IReadOnlyList<(string? Member, int Index)> steps) => Steps = steps;

    public IReadOnlyList<(string? Member, int Index)> Steps { get; }

    public static JsonPath Parse(string path)
    {
        var text = path.Trim();
        if (text.StartsWith("lax ", StringComparison.OrdinalIgnoreCase))
            text = text[4..].TrimStart();
        else if (text.StartsWith("strict ", StringComparison.OrdinalIgnoreCase))
            text = text[7..].TrimStart();
        if (text.Length == 0 || text[0] != '$')
            throw Invalid(path, "it must start with $");
        var steps = new List<(string?, int)>();
        var i = 1;
        while (i < text.Length)
        {
            if (text[i] == '.')
            {
                var start = ++i;
                while (i < text.Length && text[i] is not '.' and not '[')
                    i++;
                if (i == start)
                    throw Invalid(path, "a member name is missing after '.'");
                steps.Add((text[start..i], 0));
            }
            else if (text[i] == '[')
            {
                var end = text.IndexOf(']', i);
                if (end < 0)
                    throw Invalid(path, "'[' is not closed");
                var inside = text[(i + 1)..end].Trim();
                if (inside.Length >= 2 && inside[0] is '\'' or '"' && inside[^1] == inside[0])
                    steps.Add((inside[1..^1], 0));
                else if (int.TryParse(inside, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
                    steps.Add((null, index));
                else
                    throw Invalid(path, $"'[{inside}]' is neither an index nor a quoted name");
                i = end + 1;
            }
            else
            {
                throw Invalid(path, $"unexpected '{text[i]}'");
            }
        }

        return new JsonPath(steps);
    }

    private static SqlRuntimeException Invalid(string path, string reason) => new($"Invalid JSON path '{path}': {reason}");
}
