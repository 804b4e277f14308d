using PyStream.Engine.Records;

namespace PyStream.Engine.UserCode;

/// <summary>
/// Python scalar functions that a SQL operator calls over whole batches (pyflink.table.udf):
/// argument columns go to Python once per batch, and each call gives back one result column.
/// </summary>
public sealed record PythonScalarCallsSpec(IReadOnlyList<PythonScalarCall> Calls);

/// <summary>
/// One call: the cloudpickled function, the input columns it takes as arguments, the SQL type
/// text of each argument and of the result (how Python reads and writes their values), and
/// the CLR type of the result column.
/// </summary>
public sealed record PythonScalarCall(
    string Name, ReadOnlyMemory<byte> Function, IReadOnlyList<int> Arguments, IReadOnlyList<string> ArgumentTypes, string ResultType, Type ResultClrType);

/// <summary>The Python functions of one SQL operator in one subtask (scalar, table or aggregate calls).</summary>
public interface IPythonFunctions : IDisposable
{
    /// <summary>Calls each function's <c>open(FunctionContext)</c> when it has one.</summary>
    void Open();

    /// <summary>Calls each function's <c>close()</c> when it has one.</summary>
    void Close();
}

/// <summary>The Python side of <see cref="PythonScalarCallsSpec"/> in one subtask.</summary>
public interface IPythonScalarCalls : IPythonFunctions
{
    /// <summary>Evaluates every call over the first <paramref name="count"/> rows: one column per call.</summary>
    Column[] Evaluate(IReadOnlyList<Column> columns, int count);
}
