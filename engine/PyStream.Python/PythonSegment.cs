using System.Runtime.InteropServices;
using Python.Runtime;
using PyStream.Engine.Records;
using PyStream.Engine.Time;
using PyStream.Engine.UserCode;

namespace PyStream.Python;

/// <summary>
/// One fused chain of Python operations (a <c>pystream._runtime.segment.Segment</c>), called
/// once per batch with the GIL held for exactly that call.
/// </summary>
internal sealed class PythonSegment(PyObject segment, int exitCount, string taskName) : IPythonSegment
{
    /// <summary>The task thread's Python thread id, which <see cref="Interrupt"/> raises in.</summary>
    private ulong _pythonThread;

    /// <summary>Whether the task's thread is inside a call (changed with the GIL held).</summary>
    private volatile bool _inCall;

    public void Open() => Call(s =>
    {
        _pythonThread = PythonEngine.GetPythonThreadID();
        return s.InvokeMethod("open");
    });

    public Batch?[] Process(int entry, Batch batch, long watermark) => CallForBatches(s =>
    {
        using var timestamps = batch.Timestamps is { } stamps ? CPython.ToBytes(MemoryMarshal.AsBytes(stamps.AsSpan())) : PyObject.None;
        using var mark = new PyInt(watermark);
        using var index = new PyInt(entry);
        switch (batch)
        {
            case PythonBatch py:
                using (var records = PythonRuntime.Handle(py))
                    return s.InvokeMethod("process", index, records, timestamps, mark);
            case LongRangeBatch range:
                return s.InvokeMethod("process_range", index, new PyInt(range.Start), new PyInt(range.Count), new PyInt(range.Step), timestamps, mark);
            case TextBatch text:
                using (var ends = text.Ends is { } e ? CPython.ToBytes(MemoryMarshal.AsBytes(e.AsSpan())) : PyObject.None)
                    return s.InvokeMethod("process_text", index, new PyString(text.Joined), new PyInt(text.Count), timestamps, mark, ends);
            default:
                throw new ArgumentException($"a Python segment cannot read a {batch.GetType().Name}", nameof(batch));
        }
    });

    public Batch?[] OnTimers(int operation, TimeDomain domain, IReadOnlyList<FiredTimer> timers, long watermark) => CallForBatches(s =>
    {
        var timestamps = timers.Select(t => t.Timestamp).ToArray();
        var ends = new long[timers.Count];
        var keys = new List<byte>();
        for (var i = 0; i < timers.Count; i++)
        {
            keys.AddRange(timers[i].Key);
            ends[i] = keys.Count;
        }

        using var timestampBytes = CPython.ToBytes(MemoryMarshal.AsBytes(timestamps.AsSpan()));
        using var keyBytes = CPython.ToBytes(CollectionsMarshal.AsSpan(keys));
        using var endBytes = CPython.ToBytes(MemoryMarshal.AsBytes(ends.AsSpan()));
        using var eventTime = (domain == TimeDomain.EventTime).ToPython();
        return s.InvokeMethod("on_timers", new PyInt(operation), eventTime, timestampBytes, keyBytes, endBytes, new PyInt(watermark));
    });

    public Batch?[] EndInput() => CallForBatches(s => s.InvokeMethod("end_input"));

    public bool Paused { get; private set; }

    public Batch?[] Resume() => CallForBatches(s => s.InvokeMethod("resume"));

    public void PrepareSnapshot() => Call(s => s.InvokeMethod("flush"));

    public void Close() => Call(s => s.InvokeMethod("close"));

    public void Interrupt()
    {
        if (!_inCall)
            return;
        // Off the cancelling thread: the GIL may be held for a while by a function in a C call.
        ThreadPool.QueueUserWorkItem(_ =>
        {
            using (Py.GIL())
            {
                if (_inCall)
                    PythonEngine.Interrupt(_pythonThread);
            }
        });
    }

    public void Dispose()
    {
        using (Py.GIL())
            segment.Dispose();
    }

    private void Call(Func<PyObject, PyObject> call) => UserErrors.Run(taskName, () =>
    {
        InCall(call).Dispose();
        return 0;
    });

    private Batch?[] CallForBatches(Func<PyObject, PyObject> call) => UserErrors.Run(taskName, () =>
    {
        using var outputs = InCall(call);
        // A paused call returns one more item after the exits' outputs.
        Paused = outputs.Length() > exitCount;
        return ExitBatches.From(outputs, exitCount);
    });

    /// <summary>Calls the segment, marked as in a call for <see cref="Interrupt"/> (with the GIL held).</summary>
    private PyObject InCall(Func<PyObject, PyObject> call)
    {
        _inCall = true;
        try
        {
            return call(segment);
        }
        finally
        {
            _inCall = false;
        }
    }
}
