using PyStream.Engine.Runtime;
using PyStream.Engine.Runtime.Operators;
using PyStream.Engine.Spec;

namespace PyStream.Benchmarks;

/// <summary>Builds the JobSpec's <c>generator</c> sources, which the engine itself does not: only benchmarks use them.</summary>
internal sealed class GeneratorConnector : IConnector
{
    public SourceOperator? CreateSource(string name, SourceSpec spec, int subtask, int parallelism) =>
        spec.KindCase == SourceSpec.KindOneofCase.Generator
            ? new GeneratorSourceOperator(name, spec.Generator.Count, spec.Generator.Keys, spec.Generator.EventsPerSecond, subtask, parallelism)
            : null;

    public StreamOperator? CreateSink(string name, SinkSpec spec, int inputCount, int subtask, int parallelism) => null;
}
