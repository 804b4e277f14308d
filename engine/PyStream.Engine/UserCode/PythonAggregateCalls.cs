using PyStream.Engine.Records;

namespace PyStream.Engine.UserCode;

/// <summary>
/// Python aggregate functions of one GROUP BY (pyflink.table.udf.udaf), called once per batch
/// with every group the batch touched. Each call is shaped as a scalar call: its function, its
/// argument columns and its result type. <see cref="Retracts"/>: the input is a changelog, so
/// every function must have <c>retract</c>.
/// </summary>
public sealed record PythonAggregateCallsSpec(IReadOnlyList<PythonScalarCall> Calls, bool Retracts);

/// <summary>
/// One group of a batch: its accumulators as Python pickled them (null: a new group), and its
/// rows in order, each accumulated or retracted.
/// </summary>
public sealed record PythonAggregateGroup(byte[]? Accumulators, IReadOnlyList<int> Rows, IReadOnlyList<bool> Retract);

/// <summary>Each group's accumulators after the batch, and one column per call with one value per group.</summary>
public sealed record PythonAggregateResult(byte[][] Accumulators, Column[] Values);

/// <summary>The Python side of <see cref="PythonAggregateCallsSpec"/> in one subtask.</summary>
public interface IPythonAggregateCalls : IPythonFunctions
{
    /// <summary>Applies each group's rows (of the first <paramref name="count"/> rows of the columns) to its accumulators.</summary>
    PythonAggregateResult Aggregate(IReadOnlyList<Column> columns, int count, IReadOnlyList<PythonAggregateGroup> groups);
}
