using PyStream.Engine.Runtime;
using PyStream.Engine.Runtime.Operators;
using PyStream.Engine.Spec;

namespace PyStream.Connectors.Kafka;

/// <summary>Builds Kafka sources and sinks for the engine.</summary>
public sealed class KafkaConnector(IKafkaTransactionLog? transactionLog = null) : IConnector
{
    public SourceOperator? CreateSource(SourceSpec spec, ConnectorTarget target) =>
        spec.KindCase == SourceSpec.KindOneofCase.Kafka ? new KafkaSourceOperator(target.Name, spec.Kafka, target.Subtask, target.Parallelism) : null;

    public StreamOperator? CreateSink(SinkSpec spec, ConnectorTarget target) =>
        spec.KindCase == SinkSpec.KindOneofCase.Kafka ? new KafkaSinkOperator(target.Name, target.InputCount, spec.Kafka, target.Subtask, transactionLog) : null;
}
