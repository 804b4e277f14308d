using Python.Runtime;
using PyStream.Engine;
using PyStream.Engine.Records;
using PyStream.Engine.UserCode;

namespace PyStream.Python;

/// <summary>
/// A SQL correlate's Python table function (a <c>pystream._runtime.sql_table_functions.TableCall</c>),
/// called once per batch with the GIL held for that call: the argument columns go packed, and the
/// rows come back packed with the input row of each as an int32 array.
/// </summary>
internal sealed class PythonTableCall(PyObject call, PythonTableCallSpec spec, string taskName) : PythonFunctionsObject(call, taskName), IPythonTableCall
{
    private readonly int[] _read = PackedColumns.ReadColumns(spec.Arguments);

    /// <summary>The call as Python's <c>TableCall</c> reads it.</summary>
    public static string Describe(PythonTableCallSpec spec, TaskInfo task)
    {
        var read = PackedColumns.ReadColumns(spec.Arguments);
        return System.Text.Json.JsonSerializer.Serialize(new
        {
            name = spec.Name,
            function = Convert.ToBase64String(spec.Function.Span),
            arguments = spec.Arguments.Select(a => Array.IndexOf(read, a)),
            argument_types = spec.ArgumentTypes,
            result_types = spec.ResultTypes,
            outer = spec.Outer,
            task = PackedColumns.DescribeTask(task),
        });
    }

    public PythonTableRows Evaluate(IReadOnlyList<Column> columns, int count) => UserErrors.Run(TaskName, () =>
    {
        using var arguments = PackedColumns.PackAll(columns, _read, count);
        using var result = Target.InvokeMethod("evaluate", new PyInt(count), arguments);
        using var rowsObject = result[0];
        var rows = CPython.ToArray<int>(rowsObject);
        using var packed = result[1];
        var output = new Column[spec.ResultTypes.Count];
        for (var i = 0; i < output.Length; i++)
        {
            using var column = packed[i];
            output[i] = PackedColumns.Unpack(column, spec.ResultClrTypes[i], rows.Length);
        }

        return new PythonTableRows(rows, output);
    });
}
