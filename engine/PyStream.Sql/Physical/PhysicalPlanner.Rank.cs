using System.Globalization;
using PyStream.Engine.Spec;
using PyStream.Sql.Planning;
using PyStream.Sql.Runtime;

namespace PyStream.Sql.Physical;

internal sealed partial class PhysicalPlanner
{
    /// <summary>
    /// A rank, hash-partitioned on its partition keys (at parallelism 1 without keys): a window
    /// rank, a deduplication, or a Top-N on an append-only (AppendFastStrategy) or updating
    /// (RetractStrategy) input, as Flink's rank rules choose.
    /// </summary>
    private int Rank(RankNode r)
    {
        if (r.RankEnd is not { } end)
            throw new SqlValidationException("Rank end is not specified. Currently rank only support TopN, which means the rank end must be specified: "
                                             + "filter the row number in an outer query (WHERE rn <= N, rn = 1, rn BETWEEN a AND b)");
        var input = Translate(r.Input);
        var inputTypes = r.Input.Types;
        var keys = r.PartitionKeys.ToArray();
        var keyTypes = keys.Select(k => inputTypes[k]).ToArray();
        var parallelism = keys.Length == 0 ? 1 : Parallel;
        var edge = Partitioned(input, keys, parallelism, inputTypes);
        var fields = r.Input.Fields;
        var partitionBy = string.Join(", ", keys.Select(k => fields[k].Name));
        var orderBy = string.Join(", ", r.OrderKeys.Select(k => fields[k.Column].Name + (k.Descending ? " DESC" : " ASC")));
        var outputTypes = r.Types;
        var spec = new RankSpec(r.OrderKeys, r.RankStart, end, r.OutputRankNumber);
        var range = string.Create(CultureInfo.InvariantCulture, $"rankType=[ROW_NUMBER], rankRange=[rankStart={r.RankStart}, rankEnd={end}]");
        RowKeys Keys() => new(keys, keyTypes);
        var ttl = StateTtlMillis;

        if (r.Window is { } window)
        {
            if (window.ProcTime)
                throw new SqlValidationException("window Top-N over processing-time windows is not supported yet: rank windows of a rowtime attribute (a column with a WATERMARK)");
            var endKey = Array.IndexOf(keys, window.EndColumn);
            var name = $"WindowRank(window=[{window.Definition.Kind.ToString().ToUpperInvariant()}(win_start=[{fields[window.StartColumn].Name}], win_end=[{fields[window.EndColumn].Name}])], {range}, partitionBy=[{partitionBy}], orderBy=[{orderBy}], select=[{Names(r.Output)}])";
            var shiftZone = ShiftZone(window.TimeType);
            return Add(name, "WindowRank", parallelism, [edge],
                t => new WindowRankOperator(name, Keys(), endKey, window.EndColumn, spec, inputTypes, outputTypes, t.Node.InputCount) { ShiftZone = shiftZone }, outputTypes: outputTypes);
        }

        // Batch mode ranks at the end of input; a deduplication is then the top 1 by its time.
        if (r.Deduplication is { } dedup && !session.BatchMode)
        {
            var name = $"Deduplicate(keep=[{(dedup.KeepLastRow ? "LastRow" : "FirstRow")}], key=[{partitionBy}], order=[{(dedup.RowTime ? "ROWTIME" : "PROCTIME")}])";
            return Add(name, "Deduplicate", parallelism, [edge],
                t => new DeduplicateOperator(name, Keys(), dedup, inputTypes, t.Node.InputCount, ttl), outputTypes: outputTypes);
        }

        var appendOnly = !r.Input.IsChangelog || session.BatchMode;
        var batch = session.BatchMode;
        var rankName = $"Rank(strategy=[{(appendOnly ? "AppendFastStrategy" : "RetractStrategy")}], {range}, partitionBy=[{partitionBy}], orderBy=[{orderBy}], select=[{Names(r.Output)}])";
        return Add(rankName, "Rank", parallelism, [edge],
            t => new RankOperator(rankName, Keys(), spec, appendOnly, inputTypes, outputTypes, t.Node.InputCount, batch, ttl), outputTypes: outputTypes);
    }
}
