using PyStream.Engine.Spec;
using PyStream.Sql.Planning;
using PyStream.Sql.Runtime;

namespace PyStream.Sql.Physical;

internal sealed partial class PhysicalPlanner
{
    /// <summary>An over aggregate, hash-partitioned on its partition keys (at parallelism 1 without keys).</summary>
    private int OverAggregate(OverAggregateNode o)
    {
        var input = Translate(o.Input);
        var inputTypes = o.Input.Types;
        var keys = o.PartitionKeys.ToArray();
        var keyTypes = keys.Select(k => inputTypes[k]).ToArray();
        var parallelism = keys.Length == 0 ? 1 : Parallel;
        PhysicalInput edge;
        if (keys.Length == 0)
        {
            edge = new PhysicalInput(input, parallelism == _nodes[input].Parallelism ? Partitioning.Forward : Partitioning.Rebalance);
        }
        else
        {
            if (parallelism > 1 || _nodes[input].Parallelism > 1)
                _nodes[input].OutputKeys = new RowKeys(keys, keyTypes);
            edge = new PhysicalInput(input, Partitioning.Hash);
        }

        var outputTypes = o.Types;
        var fields = o.Input.Fields;
        var name = $"OverAggregate(partitionBy=[{string.Join(", ", keys.Select(k => fields[k].Name))}], orderBy=[{fields[o.OrderIndex].Name} ASC], window=[{o.Frame}], select=[{Names(o.Output)}])";
        var spec = new OverSpec(o.ForwardedCount, o.OrderIndex, o.ProcTime, o.Frame);
        return Add(name, "OverAggregate", parallelism, [edge],
            t => new OverAggOperator(name, new RowKeys(keys, keyTypes), new AggregateCalls(o.Aggregates), spec, inputTypes, outputTypes, t.Node.InputCount),
            outputTypes: outputTypes);
    }
}
