using System.Text.Json;
using Python.Runtime;
using PyStream.Engine;
using PyStream.Engine.Records;
using PyStream.Engine.UserCode;
using PyStream.Engine.Windowing;

namespace PyStream.Python;

/// <summary>A job's Python side: its unpickled functions, shared by the job's segments.</summary>
internal sealed class PythonJob(PyObject job, PythonRuntime runtime) : IPythonJob
{
    public IPythonSegment CreateSegment(PythonSegmentSpec spec, TaskInfo task, ISegmentHost host)
    {
        var description = JsonSerializer.Serialize(new
        {
            operations = spec.Operations.Select(o => new { id = o.TransformationId, inputs = o.Inputs.Select(i => new[] { i.From.Operation, i.From.Port, i.Slot }) }),
            entries = spec.EntryCount,
            exits = spec.Exits.Select(e => new
            {
                from = new[] { e.From.Operation, e.From.Port },
                format = e.Format.ToString().ToLowerInvariant(),
                keying = e.Keying.ToString().ToLowerInvariant(),
                consumer = e.ConsumerId,
                function = Convert.ToBase64String(e.Function.Span),
            }),
            task = TaskDescription(task),
        });
        return UserErrors.Run(task.TaskName, () =>
        {
            using var hostProxy = new SegmentHostProxy(host).ToPython();
            return (IPythonSegment)new PythonSegment(job.InvokeMethod("create_segment", new PyString(description), hostProxy), spec.Exits.Count, task.TaskName);
        });
    }

    public IWindowContents CreateWindow(int transformationId, TaskInfo task, ISegmentHost host)
    {
        var description = JsonSerializer.Serialize(TaskDescription(task));
        return UserErrors.Run(task.TaskName, () =>
        {
            using var hostProxy = new SegmentHostProxy(host).ToPython();
            return (IWindowContents)new PythonWindow(job.InvokeMethod("create_window", new PyInt(transformationId), new PyString(description), hostProxy), task.TaskName);
        });
    }

    public IPythonCep CreateCep(int transformationId, TaskInfo task, ISegmentHost host)
    {
        var description = JsonSerializer.Serialize(TaskDescription(task));
        return UserErrors.Run(task.TaskName, () =>
        {
            using var hostProxy = new SegmentHostProxy(host).ToPython();
            return (IPythonCep)new PythonCep(job.InvokeMethod("create_cep", new PyInt(transformationId), new PyString(description), hostProxy), task.TaskName);
        });
    }

    public IPythonScalarCalls CreateScalarCalls(PythonScalarCallsSpec spec, TaskInfo task) => UserErrors.Run(task.TaskName, () =>
        (IPythonScalarCalls)new PythonScalarCalls(job.InvokeMethod("create_scalar_calls", new PyString(PythonScalarCalls.Describe(spec, task))), spec, task.TaskName));

    public IPythonTableCall CreateTableCall(PythonTableCallSpec spec, TaskInfo task) => UserErrors.Run(task.TaskName, () =>
        (IPythonTableCall)new PythonTableCall(job.InvokeMethod("create_table_call", new PyString(PythonTableCall.Describe(spec, task))), spec, task.TaskName));

    public IPythonAggregateCalls CreateAggregateCalls(PythonAggregateCallsSpec spec, TaskInfo task) => UserErrors.Run(task.TaskName, () =>
        (IPythonAggregateCalls)new PythonAggregateCalls(job.InvokeMethod("create_aggregate_calls", new PyString(PythonAggregateCalls.Describe(spec, task))), spec, task.TaskName));

    public RowBatch RecordsToRows(PythonBatch records, PythonRowsSpec columns, bool changelog, TaskInfo task) => UserErrors.Run(task.TaskName, () =>
    {
        using var handle = PythonRuntime.Handle(records);
        using var types = TextList(columns.Types);
        using var result = job.InvokeMethod("records_to_columns", handle, types, changelog.ToPython());
        using var packed = result[0];
        using var kindBytes = result[1];
        var output = new Column[columns.Types.Count];
        for (var i = 0; i < output.Length; i++)
        {
            using var column = packed[i];
            output[i] = PackedColumns.Unpack(column, columns.ClrTypes[i], records.Count);
        }

        var kinds = kindBytes.IsNone() ? null : CPython.ToArray<byte>(kindBytes).Select(k => (RowKind)k).ToArray();
        return new RowBatch(output, records.Count, kinds);
    });

    public PythonBatch ColumnsToRecords(IReadOnlyList<Column> columns, int count, RowKind[]? kinds, PythonRowsSpec spec, TaskInfo task) => UserErrors.Run(task.TaskName, () =>
    {
        using var packed = new PyList();
        foreach (var column in columns)
        {
            using var one = PackedColumns.Pack(column, count);
            packed.Append(one);
        }

        using var kindBytes = kinds is null ? PyObject.None : CPython.ToBytes(System.Runtime.InteropServices.MemoryMarshal.AsBytes(kinds.AsSpan(0, count)));
        using var names = TextList(spec.Names);
        using var types = TextList(spec.Types);
        return new PythonBatch(job.InvokeMethod("columns_to_records", new PyInt(count), packed, kindBytes, names, types), count);
    });

    private static PyList TextList(IEnumerable<string> texts)
    {
        var list = new PyList();
        foreach (var text in texts)
        {
            using var item = new PyString(text);
            list.Append(item);
        }

        return list;
    }

    /// <summary>The task as Python's <c>TaskInfo</c> reads it.</summary>
    private static object TaskDescription(TaskInfo task) =>
        new { name = task.TaskName, index = task.SubtaskIndex, parallelism = task.Parallelism, max_parallelism = task.MaxParallelism, attempt = task.AttemptNumber };

    public PythonBatch CollectionSlice(int transformationId, int start, int end)
    {
        using (Py.GIL())
        {
            var slice = job.InvokeMethod("collection_slice", new PyInt(transformationId), new PyInt(start), new PyInt(end));
            return new PythonBatch(slice, end - start);
        }
    }

    public void Dispose()
    {
        using (Py.GIL())
        {
            try
            {
                job.InvokeMethod("close").Dispose();
            }
            finally
            {
                job.Dispose();
            }
        }

        GC.KeepAlive(runtime);
    }
}
