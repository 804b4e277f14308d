using PyStream.Sql.Expressions;
using PyStream.Sql.Planning;
using PyStream.Sql.Types;

namespace PyStream.Sql.Physical;

// Joins: both inputs hashed by the join keys into one keyed task.
internal sealed partial class PhysicalPlanner
{
    /// <summary>A join's whole condition as Flink's plans show it: the key equalities, then the residual.</summary>
    internal static string JoinCondition(JoinNode j, SqlContext context)
    {
        var fields = j.Left.Fields.Concat(j.Right.Fields).ToArray();
        var width = j.Left.Fields.Count;
        var parts = j.LeftKeys.Select((l, i) => $"({fields[l].Name} = {fields[width + j.RightKeys[i]].Name})").ToList();
        if (j.Residual is not null)
            parts.Add(ExpressionText.Of(j.Residual, fields, context));
        return parts.Count == 0 ? "true" : string.Join(" AND ", parts);
    }
}
