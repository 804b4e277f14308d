using System.Runtime.InteropServices;
using Python.Runtime;
using PyStream.Engine.Records;
using PyStream.Engine.Spec;
using PyStream.Engine.UserCode;

namespace PyStream.Python;

/// <summary>The engine's view of the embedded CPython. Every call takes the GIL for its own duration.</summary>
public sealed class PythonRuntime : IPythonRuntime, IPythonBatchWire
{
    private readonly PyObject _worker;

    /// <summary>Imports the worker; throws <see cref="PyStreamPythonException"/> when the pystream package will not import.</summary>
    public PythonRuntime()
    {
        using (Py.GIL())
        {
            try
            {
                _worker = Py.Import("pystream._runtime.worker");
            }
            catch (PythonException error)
            {
                throw new PyStreamPythonException($"cannot import the pystream worker: {error.Format()}");
            }
        }
    }

    public IPythonJob LoadJob(JobSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        using (Py.GIL())
        {
            using var bytes = CPython.ToBytes(Google.Protobuf.MessageExtensions.ToByteArray(spec));
            try
            {
                return new PythonJob(_worker.InvokeMethod("load_job", bytes), this);
            }
            catch (PythonException error)
            {
                throw UserErrors.From(error, spec.Name);
            }
        }
    }

    public PythonBatch?[] Split(PythonBatch batch, ReadOnlySpan<int> targets, int targetCount)
    {
        using (Py.GIL())
        {
            using var records = Handle(batch);
            using var targetBytes = CPython.ToBytes(MemoryMarshal.AsBytes(targets));
            using var countArg = new PyInt(targetCount);
            using var parts = _worker.InvokeMethod("split", records, targetBytes, countArg);
            return ToBatches(parts);
        }
    }

    public Batch?[] SplitPickled(PythonBatch batch, ReadOnlySpan<int> targets, int targetCount)
    {
        var counts = new int[targetCount];
        foreach (var target in targets)
            counts[target]++;
        using (Py.GIL())
        {
            using var records = Handle(batch);
            using var targetBytes = CPython.ToBytes(MemoryMarshal.AsBytes(targets));
            using var countArg = new PyInt(targetCount);
            using var parts = _worker.InvokeMethod("split_pickled", records, targetBytes, countArg);
            var batches = new Batch?[targetCount];
            for (var t = 0; t < targetCount; t++)
            {
                var part = parts[t];
                if (part.IsNone() || PyList.IsListType(part))
                {
                    batches[t] = ToBatch(part); // empty, or records that do not pickle: as objects
                    continue;
                }

                using (part)
                    batches[t] = new PickledPythonBatch(CPython.ToArray(part), counts[t], this);
            }

            return batches;
        }
    }

    public PythonBatch?[] RoundRobin(PythonBatch batch, int first, int targetCount)
    {
        using (Py.GIL())
        {
            using var records = Handle(batch);
            using var firstArg = new PyInt(first);
            using var countArg = new PyInt(targetCount);
            using var parts = _worker.InvokeMethod("round_robin", records, firstArg, countArg);
            return ToBatches(parts);
        }
    }

    public (PythonBatch Head, PythonBatch Tail) Take(PythonBatch batch, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(count, batch.Count);
        using (Py.GIL())
        {
            using var records = Handle(batch);
            using var countArg = new PyInt(count);
            using var parts = _worker.InvokeMethod("take", records, countArg);
            return (new PythonBatch(parts[0], count), new PythonBatch(parts[1], batch.Count - count));
        }
    }

    public PythonBatch Share(PythonBatch batch)
    {
        using (Py.GIL())
            return new PythonBatch(_worker.InvokeMethod("share", Handle(batch)), batch.Count)
            {
                Keys = batch.Keys,
                Partitions = batch.Partitions,
                Timestamps = batch.Timestamps,
                SessionGaps = batch.SessionGaps,
            };
    }

    /// <summary>Pickles the batch's list in one call; the batch stays the caller's unless <paramref name="release"/>.</summary>
    public void Pickle(PythonBatch batch, System.Buffers.IBufferWriter<byte> output, bool release = false)
    {
        ArgumentNullException.ThrowIfNull(batch);
        using (Py.GIL())
        {
            PyObject pickled;
            try
            {
                pickled = _worker.InvokeMethod("pickle_batch", Handle(batch));
            }
            catch (PythonException error)
            {
                throw new PyStreamPythonException($"a batch of Python records could not be pickled for a network channel: {error.Message}");
            }

            using (pickled)
                CPython.CopyTo(pickled, output);
            if (release)
                batch.Dispose();
        }
    }

    public void Release(PythonBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        using (Py.GIL())
            batch.Dispose();
    }

    public PythonBatch Unpickle(ReadOnlySpan<byte> pickled, int count)
    {
        using (Py.GIL())
        {
            using var bytes = CPython.ToBytes(pickled);
            var records = _worker.InvokeMethod("unpickle_batch", bytes);
            if (records.Length() != count)
            {
                var length = records.Length();
                records.Dispose();
                throw new PyStreamPythonException($"a pickled batch of {length} records arrived as a batch of {count}");
            }

            return new PythonBatch(records, count);
        }
    }

    /// <summary>Takes the batch's Python list; the caller disposes it (with the GIL held).</summary>
    internal static PyObject Handle(PythonBatch batch) => (PyObject)batch.Handle;

    private static PythonBatch?[] ToBatches(PyObject parts)
    {
        var count = (int)parts.Length();
        var batches = new PythonBatch?[count];
        for (var i = 0; i < count; i++)
            batches[i] = ToBatch(parts[i]);
        return batches;
    }

    /// <summary>A part of a split as a batch (taking the reference), or null for None.</summary>
    private static PythonBatch? ToBatch(PyObject part)
    {
        if (!part.IsNone())
            return new PythonBatch(part, (int)part.Length());
        part.Dispose();
        return null;
    }
}
