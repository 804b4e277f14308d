using System.Runtime.InteropServices;
using Python.Runtime;
using PyStream.Engine;
using PyStream.Engine.Records;
using PyStream.Engine.UserCode;

namespace PyStream.Python;

/// <summary>
/// A SQL GROUP BY's Python aggregate functions (a <c>pystream._runtime.sql_table_functions.AggregateCalls</c>),
/// called once per batch with the GIL held for that call: the argument columns go packed, each
/// group's accumulators as the bytes Python pickled, and the groups' rows as one int32 array
/// (a retracted row as its index's complement) with each group's end.
/// </summary>
internal sealed class PythonAggregateCalls(PyObject calls, PythonAggregateCallsSpec spec, string taskName) : PythonFunctionsObject(calls, taskName), IPythonAggregateCalls
{
    private readonly int[] _read = PackedColumns.ReadColumns(spec.Calls.SelectMany(c => c.Arguments));

    /// <summary>The calls as Python's <c>AggregateCalls</c> reads them.</summary>
    public static string Describe(PythonAggregateCallsSpec spec, TaskInfo task) => System.Text.Json.JsonSerializer.Serialize(new
    {
        calls = PackedColumns.DescribeCalls(spec.Calls),
        retracts = spec.Retracts,
        task = PackedColumns.DescribeTask(task),
    });

    public PythonAggregateResult Aggregate(IReadOnlyList<Column> columns, int count, IReadOnlyList<PythonAggregateGroup> groups) => UserErrors.Run(TaskName, () =>
    {
        using var arguments = PackedColumns.PackAll(columns, _read, count);
        using var accumulators = new PyList();
        var rows = new List<int>();
        var ends = new int[groups.Count];
        for (var g = 0; g < groups.Count; g++)
        {
            var group = groups[g];
            if (group.Accumulators is { } bytes)
            {
                using var stored = CPython.ToBytes(bytes);
                accumulators.Append(stored);
            }
            else
            {
                accumulators.Append(PyObject.None);
            }

            for (var i = 0; i < group.Rows.Count; i++)
                rows.Add(group.Retract[i] ? ~group.Rows[i] : group.Rows[i]);
            ends[g] = rows.Count;
        }

        using var rowsBytes = CPython.ToBytes(MemoryMarshal.AsBytes(CollectionsMarshal.AsSpan(rows)));
        using var endsBytes = CPython.ToBytes(MemoryMarshal.AsBytes(ends.AsSpan()));
        using var result = Target.InvokeMethod("aggregate", arguments, accumulators, rowsBytes, endsBytes);
        using var newAccumulators = result[0];
        var accumulatorBytes = new byte[groups.Count][];
        for (var g = 0; g < groups.Count; g++)
        {
            using var item = newAccumulators[g];
            accumulatorBytes[g] = CPython.ToArray(item);
        }

        using var values = result[1];
        var output = new Column[spec.Calls.Count];
        for (var i = 0; i < output.Length; i++)
        {
            using var column = values[i];
            output[i] = PackedColumns.Unpack(column, spec.Calls[i].ResultClrType, groups.Count);
        }

        return new PythonAggregateResult(accumulatorBytes, output);
    });
}
