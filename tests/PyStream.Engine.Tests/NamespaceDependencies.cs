using System.Text;
using System.Text.RegularExpressions;

namespace PyStream.Engine.Tests;

/// <summary>
/// Which top-level namespaces of the engine refer to which, read from the C# sources: a file
/// depends on a namespace when it names a type declared there that it can see (through a
/// <c>using</c>, an enclosing namespace, or a qualified name). Comments and literals are
/// ignored. A namespace is keyed by its first segment under <c>PyStream.Engine</c>
/// (<c>Runtime.Operators</c> counts as <c>Runtime</c>; the root namespace is "").
/// </summary>
internal static partial class NamespaceDependencies
{
    private const string Root = "PyStream.Engine";

    /// <summary>A reference from one namespace to another: which file names which type.</summary>
    public sealed record Reference(string From, string To, string File, string Type);

    public static IReadOnlyList<Reference> Analyze(IReadOnlyDictionary<string, string> sources)
    {
        var files = sources.Select(kv => (Path: kv.Key, Code: CodeOnly(kv.Value))).Select(f => (f.Path, f.Code, Namespace: NamespaceOf(f.Path, f.Code))).ToList();

        var declaredIn = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            foreach (Match m in Declaration().Matches(file.Code))
            {
                var name = m.Groups["name"].Value;
                if (!declaredIn.TryGetValue(name, out var namespaces))
                    declaredIn[name] = namespaces = new HashSet<string>(StringComparer.Ordinal);
                namespaces.Add(file.Namespace);
            }
        }

        var references = new List<Reference>();
        foreach (var file in files)
        {
            var visible = new HashSet<string>(Using().Matches(file.Code).Select(m => m.Groups["ns"].Value), StringComparer.Ordinal);
            var parts = file.Namespace.Split('.');
            for (var i = 1; i <= parts.Length; i++)
                visible.Add(string.Join('.', parts[..i]));

            var from = LayerOf(file.Namespace);
            foreach (var name in Identifier().Matches(file.Code).Select(m => m.Value).Distinct(StringComparer.Ordinal))
            {
                if (!declaredIn.TryGetValue(name, out var namespaces))
                    continue;
                foreach (var ns in namespaces)
                {
                    var to = LayerOf(ns);
                    if (to == from || !(visible.Contains(ns) || IsQualified(file.Code, ns, name)))
                        continue;
                    references.Add(new Reference(from, to, file.Path, name));
                }
            }
        }

        return references;
    }

    /// <summary>The layer of a namespace: its first segment under the engine's root namespace ("" for the root itself).</summary>
    public static string LayerOf(string ns) =>
        ns == Root ? "" : ns.StartsWith(Root + ".", StringComparison.Ordinal) ? ns[(Root.Length + 1)..].Split('.')[0] : ns;

    private static bool IsQualified(string code, string ns, string name)
    {
        // Qualified in full, or relative to the engine's root namespace (as code inside it may write).
        var relative = ns.StartsWith(Root + ".", StringComparison.Ordinal) ? ns[(Root.Length + 1)..] : null;
        return Regex.IsMatch(code, $@"(?<![\w.]){Regex.Escape(ns)}\.{name}\b")
            || (relative is not null && Regex.IsMatch(code, $@"(?<![\w.]){Regex.Escape(relative)}\.{name}\b"));
    }

    private static string NamespaceOf(string path, string code)
    {
        var m = FileScopedNamespace().Match(code);
        return m.Success ? m.Groups["ns"].Value : throw new InvalidOperationException($"{path} declares no file-scoped namespace");
    }

    /// <summary>The code with comments removed and the text of string and char literals blanked (interpolation holes kept).</summary>
    public static string CodeOnly(string source)
    {
        var code = new StringBuilder(source.Length);
        var i = 0;
        Scan(source, ref i, code, closing: null);
        return code.ToString();
    }

    // Copies code until `closing` (an interpolation hole's '}') at brace depth 0, or the end.
    private static void Scan(string s, ref int i, StringBuilder code, char? closing)
    {
        var depth = 0;
        while (i < s.Length)
        {
            var c = s[i];
            if (closing is not null && c == closing && depth == 0)
                return;
            if (c == '{')
                depth++;
            else if (c == '}')
                depth--;

            if (c == '/' && At(s, i + 1, '/'))
            {
                while (i < s.Length && s[i] != '\n')
                    i++;
            }
            else if (c == '/' && At(s, i + 1, '*'))
            {
                var end = s.IndexOf("*/", i + 2, StringComparison.Ordinal);
                i = end < 0 ? s.Length : end + 2;
                code.Append(' ');
            }
            else if (c == '\'')
            {
                i++;
                while (i < s.Length && s[i] != '\'')
                    i += s[i] == '\\' ? 2 : 1;
                i++;
                code.Append("' '");
            }
            else if (c is '"' or '$' or '@' && StringStart(s, i) is { } start)
            {
                i += start.Length;
                SkipString(s, ref i, code, start.Contains('$'), start.Contains('@'));
            }
            else
            {
                code.Append(c);
                i++;
            }
        }
    }

    private static string? StringStart(string s, int i)
    {
        foreach (var prefix in new[] { "$@\"", "@$\"", "$\"", "@\"", "\"" })
        {
            if (string.CompareOrdinal(s, i, prefix, 0, prefix.Length) == 0)
                return prefix;
        }

        return null;
    }

    private static void SkipString(string s, ref int i, StringBuilder code, bool interpolated, bool verbatim)
    {
        code.Append("\"\"");
        while (i < s.Length)
        {
            var c = s[i];
            if (!verbatim && c == '\\')
                i += 2;
            else if (c == '"' && verbatim && At(s, i + 1, '"'))
                i += 2;
            else if (c == '"')
            {
                i++;
                return;
            }
            else if (interpolated && c == '{' && At(s, i + 1, '{'))
                i += 2;
            else if (interpolated && c == '{')
            {
                i++;
                code.Append(' ');
                Scan(s, ref i, code, closing: '}');
                code.Append(' ');
                i++;
            }
            else
                i++;
        }
    }

    private static bool At(string s, int i, char c) => i < s.Length && s[i] == c;

    [GeneratedRegex(@"^namespace\s+(?<ns>[\w.]+)\s*;", RegexOptions.Multiline)]
    private static partial Regex FileScopedNamespace();

    [GeneratedRegex(@"^\s*(?:global\s+)?using\s+(?<ns>[\w.]+)\s*;", RegexOptions.Multiline)]
    private static partial Regex Using();

    [GeneratedRegex(@"\b(?:class|struct|interface|enum|record)\s+(?<name>[A-Z]\w*)|\bdelegate\s+[\w<>\[\]?,. ]+?\s+(?<name>[A-Z]\w*)\s*[<(]")]
    private static partial Regex Declaration();

    [GeneratedRegex(@"\b[A-Z]\w*")]
    private static partial Regex Identifier();
}
