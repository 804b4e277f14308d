using Python.Runtime;
using PyStream.Engine;
using PyStream.Engine.Records;
using PyStream.Engine.UserCode;

namespace PyStream.Python;

/// <summary>
/// A SQL operator's Python scalar functions (a <c>pystream._runtime.sql_functions.ScalarCalls</c>),
/// called once per batch with the GIL held for that call (the task thread keeps its Python thread
/// state between calls). Columns cross as packed bytes, one copy
/// each way: fixed-width values as their memory, strings and bytes concatenated with int64 end
/// offsets, decimals as text, null masks as one byte per row.
/// </summary>
internal sealed class PythonScalarCalls(PyObject calls, PythonScalarCallsSpec spec, string taskName) : PythonFunctionsObject(calls, taskName), IPythonScalarCalls
{
    /// <summary>The input columns the calls read, each sent once per batch.</summary>
    private readonly int[] _read = PackedColumns.ReadColumns(spec.Calls.SelectMany(c => c.Arguments));

    /// <summary>The calls as Python's <c>ScalarCalls</c> reads them: arguments by position among the columns sent.</summary>
    public static string Describe(PythonScalarCallsSpec spec, TaskInfo task) => System.Text.Json.JsonSerializer.Serialize(new
    {
        calls = PackedColumns.DescribeCalls(spec.Calls),
        task = PackedColumns.DescribeTask(task),
    });

    public Column[] Evaluate(IReadOnlyList<Column> columns, int count) => UserErrors.Run(TaskName, () =>
    {
        using var arguments = PackedColumns.PackAll(columns, _read, count);
        using var results = Target.InvokeMethod("evaluate", new PyInt(count), arguments);
        var output = new Column[spec.Calls.Count];
        for (var i = 0; i < output.Length; i++)
        {
            using var result = results[i];
            output[i] = PackedColumns.Unpack(result, spec.Calls[i].ResultClrType, count);
        }

        return output;
    });
}
