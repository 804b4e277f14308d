using PyStream.Sql.Expressions;

namespace PyStream.Sql.Planning;

/// <summary>
/// The column sets of a plan's output that no two live rows share (Flink's upsert keys,
/// FlinkRelMdUpsertKeys with FlinkRelMdUniqueKeys): a declared primary key; the keys of a GROUP BY
/// (none of them for a global aggregate: it has one row); the partition keys of a Top-1 or a
/// deduplication, and the partition keys with the rank of a ROW_NUMBER Top-N; keys followed
/// through a Calc that passes their columns on unchanged; and a regular join's keys combined
/// from its inputs'. Null where none is known (a scan without a primary key, a window
/// aggregate's physical node, a union, ...). A regular join keeps one row per unique key of
/// an input instead of every copy of every row (<see cref="JoinInputSide"/>).
/// </summary>
public static class UniqueKeys
{
    /// <summary>How many keys a projection that repeats a key column may generate (Flink enumerates every combination).</summary>
    private const int MaxKeys = 16;

    public static IReadOnlyList<int[]>? Of(PlanNode node) => node switch
    {
        ScanNode s when s.Table.PrimaryKey.Count > 0 => [s.Table.PrimaryKey.Select(k => s.ScanFields.ToList().FindIndex(f => f.Name == k)).ToArray()],
        WatermarkNode w => Of(w.Input),
        CalcNode c => Through(Of(c.Input), c.Projections),
        AggregateNode a => [Enumerable.Range(0, a.GroupKeys.Count).ToArray()],
        RankNode r => OfRank(r),
        JoinNode { Interval: null } j => OfJoin(j),
        _ => null,
    };

    /// <summary>
    /// A ROW_NUMBER Top-1 (and a deduplication) has one row per partition; a Top-N that outputs its rank one
    /// per partition and rank; otherwise the input's keys that contain the partition keys.
    /// </summary>
    private static IReadOnlyList<int[]>? OfRank(RankNode r)
    {
        if (r.Window is not null)
            return null;
        if (r.RankStart == 1 && r.RankEnd == 1)
            return [r.PartitionKeys.ToArray()];
        var inputKeys = Of(r.Input)?.Where(k => r.PartitionKeys.All(k.Contains)).ToList();
        if (!r.OutputRankNumber)
            return inputKeys;
        return [[.. r.PartitionKeys, r.Input.Fields.Count], .. inputKeys ?? []];
    }

    /// <summary>
    /// Each pair of a left and a right key together; and one side's keys alone where the other side has at most
    /// one row per join key and does not pad the first side's rows with nulls (Flink's getJoinUniqueKeys, over the
    /// inputs' keys that contain their join keys, as Flink's join keeps upsert keys within the key's group).
    /// </summary>
    private static IReadOnlyList<int[]>? OfJoin(JoinNode j)
    {
        var leftAll = Of(j.Left);
        var rightAll = Of(j.Right);
        var left = leftAll?.Where(k => j.LeftKeys.All(k.Contains)).ToList();
        var right = rightAll?.Where(k => j.RightKeys.All(k.Contains)).Select(k => k.Select(c => c + j.Left.Fields.Count).ToArray()).ToList();
        var keys = new List<int[]>();
        if (left is not null && right is not null)
            keys.AddRange(left.SelectMany(l => right.Select(r => l.Union(r).ToArray())));
        if (right is not null && !j.LeftOuter && IsUnique(leftAll, j.LeftKeys))
            keys.AddRange(right);
        if (left is not null && !j.RightOuter && IsUnique(rightAll, j.RightKeys))
            keys.AddRange(left);
        return Distinct(keys);
    }

    /// <summary>Whether a side has at most one row per join key: its join keys contain one of its unique keys.</summary>
    private static bool IsUnique(IReadOnlyList<int[]>? keys, IReadOnlyList<int> joinKeys) => keys is not null && keys.Any(k => k.All(joinKeys.Contains));

    /// <summary>The keys after a projection: those whose every column is passed on (each at every output position it has).</summary>
    private static IReadOnlyList<int[]>? Through(IReadOnlyList<int[]>? keys, IReadOnlyList<BoundExpr> projections)
    {
        if (keys is null)
            return null;
        var positions = new Dictionary<int, List<int>>();
        for (var i = 0; i < projections.Count; i++)
        {
            if (projections[i] is InputRef r)
                (positions.TryGetValue(r.Index, out var at) ? at : positions[r.Index] = []).Add(i);
        }

        var mapped = new List<int[]>();
        foreach (var key in keys.Where(k => k.All(positions.ContainsKey)))
        {
            IEnumerable<int[]> combinations = [[]];
            foreach (var column in key)
                combinations = combinations.SelectMany(prefix => positions[column].Select(p => (int[])[.. prefix, p]));
            mapped.AddRange(combinations.Take(MaxKeys));
        }

        return Distinct(mapped);
    }

    private static List<int[]> Distinct(List<int[]> keys) =>
        keys.Select(k => k.Order().ToArray()).DistinctBy(k => string.Join(",", k)).Take(MaxKeys).ToList();
}

/// <summary>
/// What a regular join knows of one input's rows (Flink's JoinInputSideSpec): no unique key (every
/// copy of every row is kept), a unique key that the join key contains (at most one row per join
/// key), or a unique key that it does not (one row per unique key within a join key). Shown in the
/// plan as Flink shows it.
/// </summary>
public sealed record JoinInputSide(int[]? UniqueKey, bool JoinKeyContainsUniqueKey)
{
    public static readonly JoinInputSide NoUniqueKey = new(null, false);

    public bool HasUniqueKey => UniqueKey is not null;

    /// <summary>As Flink's JoinUtil.analyzeJoinInput: the smallest unique key the join key contains, else the smallest one.</summary>
    public static JoinInputSide Of(PlanNode input, IReadOnlyList<int> joinKeys)
    {
        if (UniqueKeys.Of(input) is not { Count: > 0 } keys)
            return NoUniqueKey;
        var contained = keys.Where(k => k.All(joinKeys.Contains)).ToList();
        return contained.Count > 0 ? new JoinInputSide(Smallest(contained), true) : new JoinInputSide(Smallest(keys), false);
    }

    private static int[] Smallest(IReadOnlyList<int[]> keys) => keys.Aggregate((a, b) => a.Length <= b.Length ? a : b);

    public override string ToString() => !HasUniqueKey ? "NoUniqueKey" : JoinKeyContainsUniqueKey ? "JoinKeyContainsUniqueKey" : "HasUniqueKey";
}
