using PyStream.Engine.Runtime.Operators;
using PyStream.Engine.Spec;

namespace PyStream.Engine.Runtime;

/// <summary>
/// Sources and sinks that live outside the engine's assembly (Kafka), so that only their own
/// project references their client library. Each returns null for kinds it does not know.
/// </summary>
public interface IConnector
{
    SourceOperator? CreateSource(string name, SourceSpec spec, int subtask, int parallelism);

    StreamOperator? CreateSink(string name, SinkSpec spec, int inputCount, int subtask, int parallelism);
}
