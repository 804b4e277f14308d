using System.Runtime.InteropServices;
using Python.Runtime;
using PyStream.Engine.Records;
using PyStream.Engine.Windowing;

namespace PyStream.Python;

/// <summary>A window operator's Python side (<c>pystream._runtime.window.WindowRunner</c>).</summary>
internal sealed class PythonWindow(PyObject runner, string taskName) : IWindowContents
{
    public void Open() => Call(r => r.InvokeMethod("open")).Dispose();

    public Batch?[] Apply(Batch? records, ReadOnlyMemory<long> actions, IReadOnlyList<byte[]>? keys, long watermark)
    {
        using (Py.GIL())
        {
            using var outputs = Call(r =>
            {
                using var actionBytes = CPython.ToBytes(MemoryMarshal.AsBytes(actions.Span));
                using var mark = new PyInt(watermark);
                if (records is PythonBatch py)
                {
                    using var list = PythonRuntime.Handle(py);
                    using var stamps = py.Timestamps is { } t ? CPython.ToBytes(MemoryMarshal.AsBytes(t.AsSpan())) : PyObject.None;
                    return r.InvokeMethod("apply", list, stamps, actionBytes, PyObject.None, PyObject.None, mark);
                }

                if (records is not null)
                    throw new ArgumentException($"a window reads Python records, not a {records.GetType().Name}", nameof(records));
                var ends = new long[keys!.Count];
                var blob = new List<byte>();
                for (var i = 0; i < keys.Count; i++)
                {
                    blob.AddRange(keys[i]);
                    ends[i] = blob.Count;
                }

                using var keyBytes = CPython.ToBytes(CollectionsMarshal.AsSpan(blob));
                using var endBytes = CPython.ToBytes(MemoryMarshal.AsBytes(ends.AsSpan()));
                return r.InvokeMethod("apply", PyObject.None, PyObject.None, actionBytes, keyBytes, endBytes, mark);
            });
            return ExitBatches.From(outputs, (int)outputs.Length());
        }
    }

    public void PrepareSnapshot() => Call(r => r.InvokeMethod("flush")).Dispose();

    public void Close() => Call(r => r.InvokeMethod("close")).Dispose();

    public void Dispose()
    {
        using (Py.GIL())
            runner.Dispose();
    }

    private PyObject Call(Func<PyObject, PyObject> call) => UserErrors.Run(taskName, () => call(runner));
}
