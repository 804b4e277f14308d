using PyStream.Engine.Spec;
using PyStream.Sql.Planning;
using PyStream.Sql.Runtime;

namespace PyStream.Sql.Physical;

internal sealed partial class PhysicalPlanner
{
    /// <summary>MATCH_RECOGNIZE, hash-partitioned on its PARTITION BY columns (at parallelism 1 without them), named as Flink's plan names it.</summary>
    private int Match(MatchNode m)
    {
        var input = Translate(m.Input);
        var inputTypes = m.Input.Types;
        var spec = m.Spec;
        var keys = spec.PartitionKeys.ToArray();
        var keyTypes = keys.Select(k => inputTypes[k]).ToArray();
        var parallelism = keys.Length == 0 ? 1 : Parallel;
        var edge = Partitioned(input, keys, parallelism, inputTypes);
        var fields = m.Input.Fields;
        var explain = spec.Explain;
        var name = $"Match(partitionBy=[{string.Join(", ", keys.Select(k => fields[k].Name))}], orderBy=[{string.Join(", ", [$"{fields[spec.OrderIndex].Name} ASC", .. spec.TieOrder.Select(k => fields[k.Column].Name + (k.Descending ? " DESC" : " ASC"))])}], "
            + $"measures=[{explain.Measures}], rowsPerMatch=[ONE ROW PER MATCH], after=[{explain.After}], pattern=[{explain.Pattern}], define=[{explain.Define}])";
        var context = session.Context;
        var outputTypes = m.Types;
        return Add(name, "Match", parallelism, [edge],
            t => new MatchOperator(name, spec, new RowKeys(keys, keyTypes), inputTypes, context, t.Node.InputCount),
            outputTypes: outputTypes);
    }
}
