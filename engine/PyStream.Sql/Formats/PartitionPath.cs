using System.Globalization;
using System.Text;
using PyStream.Sql.Types;

namespace PyStream.Sql.Formats;

/// <summary>
/// The directories of a partitioned filesystem table, as Flink's PartitionPathUtils writes
/// them: <c>dt=2024-01-01/hr=10</c>, names and values with path-unsafe characters escaped as
/// <c>%XX</c>, and a NULL or empty value written as the table's 'partition.default-name'.
/// </summary>
public static class PartitionPath
{
    public const string DefaultName = "__DEFAULT_PARTITION__";

    private const string Escaped = "\"#%'*/:=?\\\u007F{[]^";

    /// <summary>The relative directory of a row's partition values.</summary>
    public static string Format(IReadOnlyList<SqlField> partitions, IReadOnlyList<object?> values, string defaultName)
    {
        var path = new StringBuilder();
        for (var i = 0; i < partitions.Count; i++)
        {
            var text = values[i] is { } value ? TextValues.Format(value, partitions[i].Type) : "";
            if (i > 0)
                path.Append('/');
            path.Append(Escape(partitions[i].Name)).Append('=').Append(text.Length == 0 ? defaultName : Escape(text));
        }

        return path.ToString();
    }

    /// <summary>The partition values a relative directory names, in the order of <paramref name="partitions"/>.</summary>
    public static object?[] Parse(string directory, IReadOnlyList<SqlField> partitions, string defaultName)
    {
        var named = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var segment in directory.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = segment.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0)
                named[Unescape(segment[..equals])] = segment[(equals + 1)..];
        }

        var values = new object?[partitions.Count];
        for (var i = 0; i < values.Length; i++)
        {
            var field = partitions[i];
            if (!named.TryGetValue(field.Name, out var text))
                throw new SqlRuntimeException($"the file directory '{directory}' does not name the partition column '{field.Name}' (expected {field.Name}=value)");
            values[i] = text == defaultName ? null : TextValues.Parse(Unescape(text), field.Type);
        }

        return values;
    }

    private static string Escape(string text)
    {
        var escaped = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (c < ' ' || Escaped.Contains(c, StringComparison.Ordinal))
                escaped.Append('%').Append(((int)c).ToString("X2", CultureInfo.InvariantCulture));
            else
                escaped.Append(c);
        }

        return escaped.ToString();
    }

    private static string Unescape(string text)
    {
        if (!text.Contains('%', StringComparison.Ordinal))
            return text;
        var plain = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '%' && i + 2 < text.Length && int.TryParse(text.AsSpan(i + 1, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var code))
            {
                plain.Append((char)code);
                i += 2;
            }
            else
            {
                plain.Append(text[i]);
            }
        }

        return plain.ToString();
    }
}
