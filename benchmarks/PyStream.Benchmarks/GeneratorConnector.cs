using PyStream.Engine.Runtime;
using PyStream.Engine.Runtime.Operators;
using PyStream.Engine.Spec;

namespace PyStream.Benchmarks;

/// <summary>Builds the JobSpec's <c>generator</c> sources, which the engine itself does not: only benchmarks use them.</summary>
internal sealed class GeneratorConnector : IConnector
{
    public SourceOperator? CreateSource(SourceSpec spec, ConnectorTarget target) =>
        spec.KindCase == SourceSpec.KindOneofCase.Generator
            ? new GeneratorSourceOperator(target.Name, spec.Generator.Count, spec.Generator.Keys, spec.Generator.EventsPerSecond, target.Subtask, target.Parallelism)
            : null;

    public StreamOperator? CreateSink(SinkSpec spec, ConnectorTarget target) => null;
}
