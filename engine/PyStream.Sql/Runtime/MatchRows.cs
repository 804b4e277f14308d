using PyStream.Sql.Planning;

namespace PyStream.Sql.Runtime;

/// <summary>Reads navigations (FIRST, LAST, aggregates, ...) from the rows of a (partial) match.</summary>
internal static class MatchRows
{
    /// <summary>FIRST, LAST or an aggregate over <paramref name="rows"/>: null when the offset lies outside them.</summary>
    public static object? Read(MatchNavigation navigation, ReadOnlySpan<MatchRow> rows)
    {
        switch (navigation.Kind)
        {
            case NavigationKind.First:
                return rows.Length > navigation.Offset ? rows[navigation.Offset][navigation.Column] : null;
            case NavigationKind.Last:
                return rows.Length > navigation.Offset ? rows[rows.Length - 1 - navigation.Offset][navigation.Column] : null;
            case NavigationKind.Aggregate:
                var accumulator = AggregateCalls.Create(navigation.Aggregate!);
                foreach (var row in rows)
                    accumulator.Add(navigation.Column < 0 ? true : row[navigation.Column]);
                return accumulator.Result;
            default:
                throw new InvalidOperationException($"{navigation.Kind} is read from the whole match, not from rows");
        }
    }
}
