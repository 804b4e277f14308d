using System.Collections.Concurrent;
using System.Text;
using System.Text.RegularExpressions;

namespace PyStream.Sql.Functions;

/// <summary>
/// LIKE, SIMILAR TO and the REGEXP functions. A literal pattern is compiled once per call site
/// (the compiler passes the <see cref="Regex"/>); a pattern from a column goes through a bounded cache.
/// </summary>
public static class RegexFunctions
{
    private const int CacheLimit = 256;

    /// <summary>A pattern that backtracks catastrophically fails the job instead of hanging it.</summary>
    private static readonly TimeSpan MatchTimeout = TimeSpan.FromSeconds(10);

    private static readonly ConcurrentDictionary<(string Pattern, int Kind, char Escape), Regex> Cache = new();

    public static bool Like(string s, Regex pattern) => pattern.IsMatch(s);

    public static bool Like(string s, string pattern) => Compile(pattern, kind: 0, '\\').IsMatch(s);

    public static bool Like(string s, string pattern, string escape) => Compile(pattern, kind: 0, EscapeChar(escape)).IsMatch(s);

    public static bool SimilarTo(string s, string pattern) => Compile(pattern, kind: 1, '\\').IsMatch(s);

    public static bool SimilarTo(string s, string pattern, string escape) => Compile(pattern, kind: 1, EscapeChar(escape)).IsMatch(s);

    /// <summary>REGEXP(s, regex): whether the regex matches anywhere in s.</summary>
    public static bool Matches(string s, Regex pattern) => pattern.IsMatch(s);

    public static bool Matches(string s, string pattern) => Compile(pattern, kind: 2, '\0').IsMatch(s);

    /// <summary>REGEXP_EXTRACT(s, regex[, group]): group 0 is the whole match; NULL without a match or such a group.</summary>
    public static string? Extract(string s, Regex pattern, int group)
    {
        var match = pattern.Match(s);
        if (!match.Success || group < 0 || group >= match.Groups.Count)
            return null;
        return match.Groups[group].Success ? match.Groups[group].Value : null;
    }

    public static string? Extract(string s, string pattern, int group) => Extract(s, Compile(pattern, kind: 2, '\0'), group);

    public static string ReplaceAll(string s, Regex pattern, string replacement) => pattern.Replace(s, replacement);

    public static string ReplaceAll(string s, string pattern, string replacement) => Compile(pattern, kind: 2, '\0').Replace(s, replacement);

    /// <summary>The regex for a LIKE (kind 0), SIMILAR TO (kind 1) or plain (kind 2) pattern; fails the job on a malformed one.</summary>
    public static Regex Compile(string pattern, int kind, char escape, bool once = false)
    {
        if (!once && Cache.TryGetValue((pattern, kind, escape), out var cached))
            return cached;
        var text = kind switch
        {
            0 => LikeToRegex(pattern, escape, similar: false),
            1 => LikeToRegex(pattern, escape, similar: true),
            _ => pattern,
        };
        Regex regex;
        try
        {
            regex = new Regex(text, RegexOptions.CultureInvariant | (kind == 2 ? RegexOptions.None : RegexOptions.Singleline)
                | (once ? RegexOptions.Compiled : RegexOptions.None), MatchTimeout);
        }
        catch (ArgumentException e)
        {
            throw new SqlRuntimeException($"Invalid regular expression '{pattern}': {e.Message}", e);
        }

        if (!once)
        {
            if (Cache.Count >= CacheLimit)
                Cache.Clear();
            Cache[(pattern, kind, escape)] = regex;
        }

        return regex;
    }

    internal static char EscapeChar(string escape) =>
        escape.Length == 1 ? escape[0] : throw new SqlRuntimeException($"Invalid escape character '{escape}': it must be one character");

    /// <summary>% is any run, _ one character; for SIMILAR TO the regex operators | * + ? { } ( ) [ ] stay operators.</summary>
    private static string LikeToRegex(string pattern, char escape, bool similar)
    {
        var regex = new StringBuilder("^(?:");
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == escape && escape != '\0')
            {
                if (i + 1 >= pattern.Length)
                    throw new SqlRuntimeException($"Invalid escape sequence '{pattern}': the escape character ends the pattern");
                regex.Append(Regex.Escape(pattern[++i].ToString()));
            }
            else if (c == '%')
            {
                regex.Append(".*");
            }
            else if (c == '_')
            {
                regex.Append('.');
            }
            else if (similar && "|*+?{}()[]".Contains(c, StringComparison.Ordinal))
            {
                regex.Append(c);
            }
            else
            {
                regex.Append(Regex.Escape(c.ToString()));
            }
        }

        return regex.Append(@")\z").ToString();
    }
}
