using System.Runtime.InteropServices;
using Python.Runtime;
using PyStream.Engine.Runtime;
using PyStream.Engine.UserCode;

namespace PyStream.Python;

/// <summary>
/// One fused chain of Python operations (a <c>pystream._runtime.segment.Segment</c>), called
/// once per batch with the GIL held for exactly that call.
/// </summary>
internal sealed class PythonSegment(PyObject segment, int exitCount, string taskName) : IPythonSegment
{
    public void Open() => Call(s => s.InvokeMethod("open"));

    public Batch?[] Process(int entry, Batch batch) => CallForBatches(s => batch switch
    {
        PythonBatch py => InvokeAndRelease(s, "process", entry, PythonRuntime.Handle(py)),
        LongRangeBatch range => s.InvokeMethod("process_range", new PyInt(entry), new PyInt(range.Start), new PyInt(range.Count), new PyInt(range.Step)),
        TextBatch text => s.InvokeMethod("process_text", new PyInt(entry), new PyString(text.Joined), new PyInt(text.Count)),
        _ => throw new ArgumentException($"a Python segment cannot read a {batch.GetType().Name}", nameof(batch)),
    });

    public Batch?[] OnTimers(int operation, IReadOnlyList<FiredTimer> timers) => CallForBatches(s =>
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
        return s.InvokeMethod("on_timers", new PyInt(operation), timestampBytes, keyBytes, endBytes);
    });

    public Batch?[] EndInput() => CallForBatches(s => s.InvokeMethod("end_input"));

    public void Close() => Call(s => s.InvokeMethod("close"));

    public void Dispose()
    {
        using (Py.GIL())
            segment.Dispose();
    }

    private static PyObject InvokeAndRelease(PyObject target, string method, int entry, PyObject records)
    {
        using (records)
            return target.InvokeMethod(method, new PyInt(entry), records);
    }

    private void Call(Func<PyObject, PyObject> call)
    {
        using (Py.GIL())
        {
            try
            {
                call(segment).Dispose();
            }
            catch (PythonException error)
            {
                throw UserErrors.From(error, taskName);
            }
        }
    }

    private Batch?[] CallForBatches(Func<PyObject, PyObject> call)
    {
        using (Py.GIL())
        {
            try
            {
                using var outputs = call(segment);
                return ToBatches(outputs);
            }
            catch (PythonException error)
            {
                throw UserErrors.From(error, taskName);
            }
        }
    }

    /// <summary>
    /// Each exit gives None or <c>(payload, count, keys, key_ends, partitions, text_ends)</c>:
    /// payload is a list (records), str (printed records joined by newlines; text_ends marks
    /// where each ends when one holds a newline itself) or bytes (pickled or encoded).
    /// </summary>
    private Batch?[] ToBatches(PyObject outputs)
    {
        var batches = new Batch?[exitCount];
        for (var exit = 0; exit < exitCount; exit++)
        {
            using var output = outputs[exit];
            if (output.IsNone())
                continue;
            var payload = output[0];
            var count = output[1].As<int>();
            using var keys = output[2];
            using var ends = output[3];
            using var partitions = output[4];
            using var textEnds = output[5];
            var keyBlob = keys.IsNone() ? null : new KeyBlob(CPython.ToArray(keys), CPython.ToArray<long>(ends));
            var partitionIndexes = partitions.IsNone() ? null : CPython.ToArray<int>(partitions);
            var recordEnds = textEnds.IsNone() ? null : CPython.ToArray<long>(textEnds);
            batches[exit] = ToBatch(payload, count, keyBlob, partitionIndexes, recordEnds);
        }

        return batches;
    }

    private static Batch ToBatch(PyObject payload, int count, KeyBlob? keys, int[]? partitions, long[]? textEnds)
    {
        if (PyString.IsStringType(payload))
        {
            using (payload)
                return new TextBatch(payload.As<string>(), count, textEnds) { Keys = keys, Partitions = partitions };
        }

        if (payload.GetPythonType().Name == "bytes")
        {
            using (payload)
                return new BytesBatch(CPython.ToArray(payload), count) { Keys = keys, Partitions = partitions };
        }

        return new PythonBatch(payload, count) { Keys = keys, Partitions = partitions };
    }
}
