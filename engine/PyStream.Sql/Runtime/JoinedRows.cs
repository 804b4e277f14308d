using PyStream.Engine.Records;
using PyStream.Sql.Compiling;
using PyStream.Sql.Types;

namespace PyStream.Sql.Runtime;

/// <summary>
/// Pairs rows of a join's two sides: the output row is the left row's columns then the right
/// row's, an unmatched row of an outer side is padded with nulls. <paramref name="condition"/>,
/// when set, is the join's condition beyond its equal keys compiled to one BOOLEAN column over the
/// joined row; a pair joins only where it is TRUE. Rows with a NULL in a key compared by = never
/// join (<c>NULL = NULL</c> is not TRUE): <paramref name="leftNullFiltered"/> and
/// <paramref name="rightNullFiltered"/> are those key columns (not those compared by IS NOT DISTINCT FROM).
/// </summary>
internal sealed class JoinedRows(IReadOnlyList<SqlType> leftTypes, IReadOnlyList<SqlType> rightTypes, IReadOnlyList<int> leftNullFiltered, IReadOnlyList<int> rightNullFiltered,
    CalcProgram? condition)
{
    private readonly SqlType[] _types = [.. leftTypes, .. rightTypes];

    public IReadOnlyList<SqlType> Types => _types;

    public bool LeftJoinable(object?[] row) => leftNullFiltered.All(k => row[k] is not null);

    public bool RightJoinable(object?[] row) => rightNullFiltered.All(k => row[k] is not null);

    public object?[] Join(object?[]? left, object?[]? right)
    {
        var joined = new object?[_types.Length];
        if (left is not null)
            Array.Copy(left, joined, leftTypes.Count);
        if (right is not null)
            Array.Copy(right, 0, joined, leftTypes.Count, rightTypes.Count);
        return joined;
    }

    /// <summary>Whether each candidate pair (rows whose equal keys match) meets the condition.</summary>
    public bool[] Matches(IReadOnlyList<(object?[] Left, object?[] Right)> pairs)
    {
        var matches = new bool[pairs.Count];
        if (condition is null)
        {
            Array.Fill(matches, true);
            return matches;
        }

        if (pairs.Count == 0)
            return matches;
        var builder = new RowBuilder(_types);
        foreach (var (left, right) in pairs)
            builder.Add(RowKind.Insert, Join(left, right));
        var result = condition.Run(builder.Take()!)!.Columns[0];
        for (var i = 0; i < matches.Length; i++)
            matches[i] = result.GetBoxed(i) is true;
        return matches;
    }

    /// <summary>
    /// Every pair of <paramref name="left"/> and <paramref name="right"/> rows (of one key) that
    /// joins, then (for outer sides) each row of <paramref name="keepLeft"/> / <paramref name="keepRight"/>
    /// sides that joined none, padded; added to <paramref name="output"/> as inserts.
    /// </summary>
    public void JoinAll(IReadOnlyList<object?[]> left, IReadOnlyList<object?[]> right, bool keepLeft, bool keepRight, RowBuilder output)
    {
        var candidates = new List<(object?[], object?[])>();
        var at = new List<(int Left, int Right)>();
        for (var l = 0; l < left.Count; l++)
        {
            if (!LeftJoinable(left[l]))
                continue;
            for (var r = 0; r < right.Count; r++)
            {
                if (!RightJoinable(right[r]))
                    continue;
                candidates.Add((left[l], right[r]));
                at.Add((l, r));
            }
        }

        var matches = Matches(candidates);
        var leftMatched = new bool[left.Count];
        var rightMatched = new bool[right.Count];
        for (var i = 0; i < matches.Length; i++)
        {
            if (!matches[i])
                continue;
            output.Add(RowKind.Insert, Join(candidates[i].Item1, candidates[i].Item2));
            leftMatched[at[i].Left] = true;
            rightMatched[at[i].Right] = true;
        }

        if (keepLeft)
        {
            for (var l = 0; l < left.Count; l++)
            {
                if (!leftMatched[l])
                    output.Add(RowKind.Insert, Join(left[l], null));
            }
        }

        if (keepRight)
        {
            for (var r = 0; r < right.Count; r++)
            {
                if (!rightMatched[r])
                    output.Add(RowKind.Insert, Join(null, right[r]));
            }
        }
    }
}
