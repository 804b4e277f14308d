using PyStream.Engine.Spec;

namespace PyStream.Engine.Graph;

/// <summary>Turns a <see cref="JobSpec"/> into a <see cref="JobGraph"/>, checking it on the way.</summary>
public static class JobGraphBuilder
{
    public const int DefaultMaxParallelism = 128;

    public static JobGraph Build(JobSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var defaultParallelism = spec.Parallelism > 0 ? spec.Parallelism : 1;
        var maxParallelism = spec.MaxParallelism > 0 ? spec.MaxParallelism : DefaultMaxParallelism;
        var byId = new Dictionary<int, Transformation>();
        var nodes = new Dictionary<int, StreamNode>();
        var ordered = new List<StreamNode>();

        foreach (var t in spec.Transformations)
        {
            foreach (var input in t.Inputs)
            {
                if (!byId.ContainsKey(input.SourceId))
                    throw new PyStreamException($"job spec: '{t.Name}' (#{t.Id}) reads #{input.SourceId}, which is not defined before it");
            }

            if (!byId.TryAdd(t.Id, t))
                throw new PyStreamException($"job spec: transformation id {t.Id} appears twice");

            if (t.BodyCase is Transformation.BodyOneofCase.Union or Transformation.BodyOneofCase.SideOutput)
                continue;
            if (t.BodyCase == Transformation.BodyOneofCase.None)
                throw new PyStreamException($"job spec: '{t.Name}' (#{t.Id}) has no body");

            var parallelism = t.Parallelism > 0 ? t.Parallelism : defaultParallelism;
            if (parallelism > maxParallelism)
                throw new PyStreamException($"'{t.Name}': parallelism {parallelism} is above the max parallelism {maxParallelism}");
            var node = new StreamNode(t, parallelism);
            nodes.Add(t.Id, node);
            ordered.Add(node);

            var inputIndex = 0;
            for (var logical = 0; logical < t.Inputs.Count; logical++)
            {
                var input = t.Inputs[logical];
                foreach (var (source, port, partitioning, function) in Resolve(input, byId, nodes))
                {
                    var resolved = partitioning == Partitioning.Auto
                        ? (source.Parallelism == node.Parallelism ? Partitioning.Forward : Partitioning.Rebalance)
                        : partitioning;
                    if (resolved == Partitioning.Forward && source.Parallelism != node.Parallelism)
                        throw new PyStreamException($"forward partitioning from '{source.Name}' (parallelism {source.Parallelism}) to '{node.Name}' (parallelism {node.Parallelism}) needs equal parallelism");
                    var edge = new StreamEdge(source, port, node, inputIndex++, resolved, function) { LogicalInput = logical };
                    source.Outputs.Add(edge);
                    node.Inputs.Add(edge);
                }
            }

            if (node.IsSource != (node.Inputs.Count == 0))
                throw new PyStreamException($"job spec: '{t.Name}' (#{t.Id}) {(node.IsSource ? "is a source with inputs" : "has no input")}");
        }

        return new JobGraph(spec, ordered, BuildChains(ordered), maxParallelism);
    }

    /// <summary>Follows unions and side outputs back to the physical node and port they read.</summary>
    private static IEnumerable<(StreamNode Source, int Port, Partitioning Partitioning, Google.Protobuf.ByteString Function)> Resolve(
        Edge edge, Dictionary<int, Transformation> byId, Dictionary<int, StreamNode> nodes)
    {
        var source = byId[edge.SourceId];
        switch (source.BodyCase)
        {
            case Transformation.BodyOneofCase.Union:
                foreach (var inner in source.Inputs)
                {
                    foreach (var (node, port, partitioning, function) in Resolve(inner, byId, nodes))
                    {
                        yield return edge.Partitioning == Partitioning.Auto
                            ? (node, port, partitioning, function)
                            : (node, port, edge.Partitioning, edge.Function);
                    }
                }

                break;
            case Transformation.BodyOneofCase.SideOutput:
                var tag = source.SideOutput.Tag;
                var producer = nodes[source.Inputs.Single().SourceId];
                var sidePort = producer.SideOutputPort(tag);
                if (sidePort < 0)
                    throw new PyStreamException($"side output '{tag}' is not declared by '{producer.Name}'");
                yield return (producer, sidePort, edge.Partitioning, edge.Function);
                break;
            default:
                yield return (nodes[source.Id], 0, edge.Partitioning, edge.Function);
                break;
        }
    }

    /// <summary>
    /// A node joins its input's chain when it has exactly one input, reached pointwise from a
    /// node of the same parallelism, and neither side forbids chaining (Flink's rule).
    /// </summary>
    private static List<OperatorChain> BuildChains(List<StreamNode> nodes)
    {
        var chainOf = new Dictionary<StreamNode, OperatorChain>();
        var chains = new List<OperatorChain>();
        foreach (var node in nodes)
        {
            if (node.Inputs.Count == 1 && CanChain(node.Inputs[0]))
            {
                var chain = chainOf[node.Inputs[0].Source];
                chain.Nodes.Add(node);
                chainOf[node] = chain;
                continue;
            }

            var created = new OperatorChain(chains.Count, node);
            chains.Add(created);
            chainOf[node] = created;
        }

        return chains;
    }

    private static bool CanChain(StreamEdge edge) =>
        edge.IsPointwiseForward
        && edge.Source.Parallelism == edge.Target.Parallelism
        && edge.Source.Transformation.Chaining != Chaining.ChainNever
        && edge.Target.Transformation.Chaining == Chaining.ChainDefault;
}
