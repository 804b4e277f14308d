using PyStream.Engine.Runtime.Operators;
using PyStream.Engine.Spec;

namespace PyStream.Engine.Runtime;

/// <summary>
/// Builds the operators of sources and sinks: the engine's own (<see cref="BuiltInConnector"/>)
/// and those that live in other assemblies (Kafka), so that only their own project references
/// their client library. Each reads its part of the job's description and returns null for
/// kinds it does not know.
/// </summary>
public interface IConnector
{
    SourceOperator? CreateSource(SourceSpec spec, ConnectorTarget target);

    StreamOperator? CreateSink(SinkSpec spec, ConnectorTarget target);
}

/// <summary>The node a connector builds an operator for, in one subtask.</summary>
/// <param name="TransformationId">The node's transformation: Python holds what it declared (a collection's elements).</param>
/// <param name="InputCount">A sink's inputs (a union of streams); 0 for a source.</param>
public readonly record struct ConnectorTarget(string Name, int TransformationId, int Subtask, int Parallelism, int InputCount = 0);

/// <summary>
/// Builds operators the engine does not know itself (a SQL query's, planned by the SQL
/// project), so that the engine references neither the planner nor its operators.
/// </summary>
public interface IOperatorProvider
{
    StreamOperator? Create(Transformation transformation, OperatorTarget target);
}

/// <summary>The node an operator provider builds an operator for, in one subtask, and the job it is in.</summary>
public readonly record struct OperatorTarget(ConnectorTarget Node, bool BatchMode, int MaxParallelism);
