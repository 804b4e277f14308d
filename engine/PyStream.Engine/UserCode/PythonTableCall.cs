using PyStream.Engine.Records;

namespace PyStream.Engine.UserCode;

/// <summary>
/// A Python table function that a SQL correlate calls over whole batches (pyflink.table.udf.udtf):
/// the argument columns go to Python once per batch, and the rows every input row produced come
/// back together, each with the index of its input row. <see cref="Outer"/>: an input row that
/// produced nothing gets one row of nulls (LEFT JOIN LATERAL).
/// </summary>
public sealed record PythonTableCallSpec(
    string Name, ReadOnlyMemory<byte> Function, IReadOnlyList<int> Arguments, IReadOnlyList<string> ArgumentTypes,
    IReadOnlyList<string> ResultTypes, IReadOnlyList<Type> ResultClrTypes, bool Outer);

/// <summary>What one batch produced: the input row of each output row (ascending), and the function's columns.</summary>
public sealed record PythonTableRows(int[] InputRows, Column[] Columns);

/// <summary>The Python side of <see cref="PythonTableCallSpec"/> in one subtask.</summary>
public interface IPythonTableCall : IPythonFunctions
{
    /// <summary>Calls the function for each of the first <paramref name="count"/> rows.</summary>
    PythonTableRows Evaluate(IReadOnlyList<Column> columns, int count);
}
