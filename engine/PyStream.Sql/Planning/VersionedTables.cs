using PyStream.Sql.Expressions;
using PyStream.Sql.Types;

namespace PyStream.Sql.Planning;

/// <summary>
/// What makes a plan a versioned table for an event-time temporal join (Flink's
/// TemporalJoinUtil): a primary key, declared on the table (<c>PRIMARY KEY ... NOT ENFORCED</c>)
/// or inferred (the keys of a GROUP BY; the partition keys of a Top-1 such as a deduplication,
/// Flink's versioned view), followed through projections that keep its columns; and
/// a rowtime attribute.
/// </summary>
internal static class VersionedTables
{
    /// <summary>The primary key's columns of <paramref name="node"/>'s output, or null when it has none (that is known).</summary>
    public static IReadOnlyList<int>? PrimaryKey(PlanNode node) => node switch
    {
        ScanNode s when s.Table.PrimaryKey.Count > 0 => s.Table.PrimaryKey.Select(k => s.ScanFields.ToList().FindIndex(f => f.Name == k)).ToArray(),
        WatermarkNode w => PrimaryKey(w.Input),
        CalcNode c => Through(PrimaryKey(c.Input), c.Projections),
        AggregateNode a when a.GroupKeys.Count > 0 => a.GroupKeys,
        RankNode { RankStart: 1, RankEnd: 1, OutputRankNumber: false, Window: null } r when r.PartitionKeys.Count > 0 => r.PartitionKeys,
        _ => null,
    };

    /// <summary>The key's columns after a projection: each must be passed on unchanged.</summary>
    private static int[]? Through(IReadOnlyList<int>? key, IReadOnlyList<BoundExpr> projections)
    {
        if (key is null)
            return null;
        var mapped = key.Select(k => projections.Select((p, i) => (p, i)).FirstOrDefault(x => x.p is InputRef r && r.Index == k, (null!, -1)).Item2).ToArray();
        return mapped.Any(m => m < 0) ? null : mapped;
    }

    /// <summary>The rowtime attribute column of <paramref name="node"/>'s output, or -1.</summary>
    public static int Rowtime(PlanNode node) => node.Fields.ToList().FindIndex(f => f.Type.TimeAttribute == TimeAttribute.Rowtime);
}
