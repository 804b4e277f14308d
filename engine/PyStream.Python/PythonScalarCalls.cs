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
internal sealed class PythonScalarCalls(PyObject calls, PythonScalarCallsSpec spec, string taskName) : IPythonScalarCalls
{
    /// <summary>The input columns the calls read, each sent once per batch.</summary>
    private readonly int[] _read = ReadColumns(spec);

    private static int[] ReadColumns(PythonScalarCallsSpec spec) => spec.Calls.SelectMany(c => c.Arguments).Distinct().Order().ToArray();

    /// <summary>The calls as Python's <c>ScalarCalls</c> reads them: arguments by position among the columns sent.</summary>
    public static string Describe(PythonScalarCallsSpec spec, TaskInfo task)
    {
        var read = ReadColumns(spec);
        return System.Text.Json.JsonSerializer.Serialize(new
        {
            calls = spec.Calls.Select(c => new
            {
                name = c.Name,
                function = Convert.ToBase64String(c.Function.Span),
                arguments = c.Arguments.Select(a => Array.IndexOf(read, a)),
                argument_types = c.ArgumentTypes,
                result_type = c.ResultType,
            }),
            task = new { name = task.TaskName, index = task.SubtaskIndex, parallelism = task.Parallelism },
        });
    }

    /// <summary>The task thread's Python thread state, kept from <see cref="Open"/> to <see cref="Dispose"/> (see <see cref="KeptThreadState"/>).</summary>
    private KeptThreadState? _threadState;

    public void Open()
    {
        _threadState = KeptThreadState.Begin();
        try
        {
            UserErrors.Run(taskName, () =>
            {
                calls.InvokeMethod("open").Dispose();
                return 0;
            });
        }
        catch
        {
            EndThreadState();
            throw;
        }
    }

    private void EndThreadState()
    {
        _threadState?.End();
        _threadState = null;
    }

    public Column[] Evaluate(IReadOnlyList<Column> columns, int count) => UserErrors.Run(taskName, () =>
    {
        using var arguments = new PyList();
        foreach (var index in _read)
        {
            using var packed = PackedColumns.Pack(columns[index], count);
            arguments.Append(packed);
        }

        using var results = calls.InvokeMethod("evaluate", new PyInt(count), arguments);
        var output = new Column[spec.Calls.Count];
        for (var i = 0; i < output.Length; i++)
        {
            using var result = results[i];
            output[i] = PackedColumns.Unpack(result, spec.Calls[i].ResultClrType, count);
        }

        return output;
    });

    public void Close() => UserErrors.Run(taskName, () =>
    {
        calls.InvokeMethod("close").Dispose();
        return 0;
    });

    public void Dispose()
    {
        using (Py.GIL())
            calls.Dispose();
        EndThreadState();
    }
}
