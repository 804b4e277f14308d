using System.Globalization;
using PyStream.Sql.Ast;

namespace PyStream.Sql.Printing;

internal static partial class SqlPrinter
{
    private static string MatchRecognize(MatchRecognizeRef m)
    {
        var parts = new List<string>();
        if (m.PartitionBy.Count > 0)
            parts.Add("PARTITION BY " + List(m.PartitionBy, Expr));
        if (m.OrderBy.Count > 0)
            parts.Add("ORDER BY " + List(m.OrderBy, OrderItem));
        if (m.Measures.Count > 0)
            parts.Add("MEASURES " + List(m.Measures, SelectItem));
        if (m.Rows is { } rows)
            parts.Add(rows == RowsPerMatch.OneRow ? "ONE ROW PER MATCH" : "ALL ROWS PER MATCH");
        if (m.After is { } after)
            parts.Add(AfterMatch(after));
        parts.Add("PATTERN (" + Pattern(m.Pattern) + ")");
        if (m.Within is not null)
            parts.Add("WITHIN " + Expr(m.Within));
        parts.Add("DEFINE " + List(m.Define, d => Name(d.Variable) + " AS " + Expr(d.Condition)));
        var input = m.Input is JoinRef ? "(" + TableRef(m.Input) + ")" : TableRef(m.Input);
        return input + " MATCH_RECOGNIZE (" + string.Join(" ", parts) + ")" + Alias(m.Alias);
    }

    private static string AfterMatch(AfterMatchClause after) => "AFTER MATCH " + SkipStrategy(after);

    /// <summary>SKIP PAST LAST ROW, SKIP TO FIRST v ...: the strategy as Flink's plan shows it.</summary>
    internal static string SkipStrategy(AfterMatchClause after) => after.Kind switch
    {
        AfterMatchKind.PastLastRow => "SKIP PAST LAST ROW",
        AfterMatchKind.ToNextRow => "SKIP TO NEXT ROW",
        AfterMatchKind.ToFirst => "SKIP TO FIRST " + Name(after.Variable!),
        _ => "SKIP TO LAST " + Name(after.Variable!),
    };

    internal static string Pattern(PatternTerm term) => term switch
    {
        PatternVariable v => Name(v.Name),
        PatternSequence s => string.Join(" ", s.Terms.Select(Pattern)),
        QuantifiedPattern q => (q.Term is PatternVariable ? Pattern(q.Term) : "(" + Pattern(q.Term) + ")") + Quantifier(q),
        _ => throw new NotSupportedException($"no SQL form for {term.GetType().Name}"),
    };

    private static string Quantifier(QuantifiedPattern q)
    {
        var text = (q.Min, q.Max) switch
        {
            (0, null) => "*",
            (1, null) => "+",
            (0, 1) => "?",
            (var n, null) => "{" + n.ToString(CultureInfo.InvariantCulture) + ",}",
            var (n, m) when n == m => "{" + n.ToString(CultureInfo.InvariantCulture) + "}",
            var (n, m) => "{" + n.ToString(CultureInfo.InvariantCulture) + "," + m!.Value.ToString(CultureInfo.InvariantCulture) + "}",
        };
        return q.Reluctant ? text + "?" : text;
    }
}
