using PyStream.Engine.Runtime;
using PyStream.Engine.Runtime.Operators;
using PyStream.Engine.Spec;

namespace PyStream.Connectors.Kafka;

/// <summary>Builds Kafka sources and sinks for the engine.</summary>
public sealed class KafkaConnector(IKafkaTransactionLog? transactionLog = null) : IConnector
{
    public SourceOperator? CreateSource(string name, SourceSpec spec, int subtask, int parallelism) =>
        spec.KindCase == SourceSpec.KindOneofCase.Kafka ? new KafkaSourceOperator(name, spec.Kafka, subtask, parallelism) : null;

    public StreamOperator? CreateSink(string name, SinkSpec spec, int inputCount, int subtask, int parallelism) =>
        spec.KindCase == SinkSpec.KindOneofCase.Kafka ? new KafkaSinkOperator(name, inputCount, spec.Kafka, subtask, transactionLog) : null;
}
