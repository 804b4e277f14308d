using PyStream.Engine.Graph;
using PyStream.Engine.Runtime.Operators;

namespace PyStream.Engine.Runtime;

/// <summary>
/// Creates the engine operator of a native (not Python) node for one subtask: sources and
/// sinks through the connectors (the built-in one first), watermarks and windows from their
/// definitions in the engine's model; SQL and CEP operators through the environment's operator providers.
/// </summary>
internal static class OperatorFactory
{
    public static StreamOperator Create(JobGraph graph, StreamNode node, int subtask, JobEnvironment environment)
    {
        var t = node.Transformation;
        var target = new ConnectorTarget(node.Name, t.Id, subtask, node.Parallelism, node.Inputs.Count);
        var connectors = environment.Connectors;
        if (node.IsSql || node.IsCep)
        {
            var context = new OperatorTarget(target, graph.IsBatch, graph.MaxParallelism);
            return environment.OperatorProviders.Select(p => p.Create(t, context)).FirstOrDefault(op => op is not null)
                ?? throw new PyStreamException(node.IsSql
                    ? $"'{node.Name}': this host cannot run SQL operators (no SQL planner is loaded)"
                    : $"'{node.Name}': this host cannot run CEP patterns (no CEP operator provider is loaded)");
        }

        var all = connectors.Prepend(BuiltInConnector.Instance);
        if (node.IsSource)
        {
            return all.Select(c => c.CreateSource(t.Source, target)).FirstOrDefault(op => op is not null)
                ?? throw new PyStreamException($"'{node.Name}': no connector for a {t.Source.KindCase} source is loaded");
        }

        if (node.IsWatermarks)
            return new WatermarkAssignerOperator(node.Name, JobSpecModel.Watermarks(t.Watermarks), graph.IsBatch, t.Watermarks.PerSplit);
        if (node.IsWindow)
            return new WindowOperator(node.Name, node.Id, JobSpecModel.Window(t.Window), node.Inputs.Count);

        return all.Select(c => c.CreateSink(t.Sink, target)).FirstOrDefault(op => op is not null)
            ?? throw new PyStreamException($"'{node.Name}': no connector for a {t.Sink.KindCase} sink is loaded");
    }
}
