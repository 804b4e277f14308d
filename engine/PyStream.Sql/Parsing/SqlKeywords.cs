namespace PyStream.Sql.Parsing;

/// <summary>
/// Words with a fixed meaning. Reserved words are never identifiers unless backquoted (as in
/// Calcite: write `timestamp` for a column of that name); the printer also backquotes every other
/// keyword used as a name, so printed text never changes meaning.
/// </summary>
internal static class SqlKeywords
{
    private static readonly HashSet<string> ReservedWords = new(StringComparer.OrdinalIgnoreCase)
    {
        "ALL", "AND", "ARRAY", "AS", "BETWEEN", "BOTH", "BY", "CASE", "CAST", "CREATE", "CROSS", "CUBE",
        "CURRENT", "CURRENT_DATE", "CURRENT_TIME", "CURRENT_TIMESTAMP", "DATE", "DESCRIBE", "DISTINCT",
        "DROP", "ELSE", "END", "ESCAPE", "EXCEPT", "EXISTS", "EXPLAIN", "EXTRACT", "FALSE", "FETCH",
        "FILTER", "FOR", "FROM", "FULL", "GROUP", "GROUPING", "HAVING", "IN", "INNER", "INSERT",
        "INTERSECT", "INTERVAL", "INTO", "IS", "JOIN", "LATERAL", "LEADING", "LEFT", "LIKE", "LIMIT",
        "LOCALTIME", "LOCALTIMESTAMP", "MAP", "MATCH_RECOGNIZE", "MULTISET", "NATURAL", "NOT", "NULL",
        "OFFSET", "ON", "OR", "ORDER", "OUTER", "OVER", "PARTITION", "RIGHT", "ROLLUP", "ROW", "ROWS",
        "SELECT", "SET", "SIMILAR", "TABLE", "THEN", "TIME", "TIMESTAMP", "TO", "TRAILING", "TRUE",
        "TRY_CAST", "UNION", "UNKNOWN", "UNNEST", "USING", "VALUES", "WHEN", "WHERE", "WINDOW", "WITH",
    };

    private static readonly HashSet<string> OtherKeywords = new(StringComparer.OrdinalIgnoreCase)
    {
        "ASC", "DESC", "NULLS", "FIRST", "LAST", "WATERMARK", "METADATA", "VIRTUAL", "PRIMARY", "KEY",
        "CONSTRAINT", "ENFORCED", "COMMENT", "PARTITIONED", "TEMPORARY", "SYSTEM", "FUNCTION", "VIEW",
        "LANGUAGE", "IF", "PRECEDING", "FOLLOWING", "UNBOUNDED", "RANGE", "SYMMETRIC", "ASYMMETRIC",
        "DESCRIPTOR", "PLACING", "ORDINALITY", "SYSTEM_TIME", "OF", "NEXT", "ONLY", "RESET", "SHOW",
        "USE", "CATALOG", "EXECUTE", "STATEMENT", "BEGIN", "OVERWRITE", "EXCLUDING", "INCLUDING",
        "OVERWRITING", "PLAN", "SETS",
    };

    public static bool IsReserved(string word) => ReservedWords.Contains(word);

    /// <summary>True when a name must be backquoted to be read back as the same name.</summary>
    public static bool NeedsQuoting(string name) => NeedsQuotingAsFunction(name) || OtherKeywords.Contains(name);

    /// <summary>
    /// Function names are followed by '(' and so never mistaken for a clause keyword; only reserved
    /// words and DESCRIPTOR (which starts its own form) need quotes there.
    /// </summary>
    public static bool NeedsQuotingAsFunction(string name) =>
        name.Length == 0
        || !(char.IsAsciiLetter(name[0]) || name[0] == '_')
        || !name.All(ch => char.IsAsciiLetterOrDigit(ch) || ch == '_' || ch == '$')
        || ReservedWords.Contains(name)
        || string.Equals(name, "DESCRIPTOR", StringComparison.OrdinalIgnoreCase);
}
