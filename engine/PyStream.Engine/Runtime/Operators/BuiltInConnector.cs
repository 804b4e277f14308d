using PyStream.Engine.Spec;

namespace PyStream.Engine.Runtime.Operators;

/// <summary>
/// The sources and sinks every host has (numbers, text files, collections; print, files,
/// collect), through the same seam as the connectors of other assemblies (Kafka): each
/// reads its own part of the job's description and builds its operator.
/// </summary>
public sealed class BuiltInConnector : IConnector
{
    public static BuiltInConnector Instance { get; } = new();

    public SourceOperator? CreateSource(SourceSpec spec, ConnectorTarget target) => spec.KindCase switch
    {
        SourceSpec.KindOneofCase.NumberSequence => new NumberSequenceSourceOperator(target.Name, spec.NumberSequence.From, spec.NumberSequence.To, target.Subtask, target.Parallelism),
        SourceSpec.KindOneofCase.TextFiles => new TextFileSourceOperator(target.Name, [.. spec.TextFiles.Paths], target.Subtask, target.Parallelism, spec.TextFiles.Partitioned),
        SourceSpec.KindOneofCase.Collection when target.Parallelism == 1 => new CollectionSourceOperator(target.Name, target.TransformationId, spec.Collection.Count),
        SourceSpec.KindOneofCase.Collection => throw new PyStreamException($"'{target.Name}': a collection source is not parallel; its parallelism must be 1"),
        _ => null,
    };

    public StreamOperator? CreateSink(SinkSpec spec, ConnectorTarget target) => spec.KindCase switch
    {
        SinkSpec.KindOneofCase.Print => new PrintSinkOperator(target.Name, target.InputCount, spec.Print.Identifier, spec.Print.ToStderr, target.Subtask, target.Parallelism),
        SinkSpec.KindOneofCase.File => new FileSinkOperator(target.Name, target.InputCount, FileSinkOptionsOf(spec.File), target.Subtask),
        SinkSpec.KindOneofCase.Collect => new CollectSinkOperator(target.Name, target.InputCount, spec.Collect.CollectId, spec.Collect.Limit),
        _ => null,
    };

    public static FileSinkOptions FileSinkOptionsOf(FileSink spec) => new(
        spec.BasePath,
        spec.PartPrefix.Length > 0 ? spec.PartPrefix : "part",
        spec.PartSuffix,
        spec.PartSize,
        spec.RolloverIntervalMs,
        spec.InactivityIntervalMs,
        spec.RollOnCheckpoint,
        HourlyBuckets: !spec.NoBuckets);
}
