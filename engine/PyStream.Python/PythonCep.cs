using System.Runtime.InteropServices;
using Python.Runtime;
using PyStream.Engine.Records;
using PyStream.Engine.UserCode;

namespace PyStream.Python;

/// <summary>A pattern stream's Python side (<c>pystream._runtime.cep.CepRunner</c>): one call per batch.</summary>
internal sealed class PythonCep(PyObject runner, string taskName) : IPythonCep
{
    public void Open() => Call(() => runner.InvokeMethod("open")).Dispose();

    public CepArrivals Prepare(PythonBatch records, long firstHandle, ReadOnlySpan<int> late)
    {
        var lateIndexes = late.ToArray();
        return Call(() =>
        {
            using var list = PythonRuntime.Handle(records);
            using var first = new PyInt(firstHandle);
            using var stamps = lateIndexes.Length > 0 && records.Timestamps is { } t
                ? CPython.ToBytes(MemoryMarshal.AsBytes(t.AsSpan(0, records.Count)))
                : PyObject.None;
            using var lateBytes = lateIndexes.Length == 0 ? PyObject.None : CPython.ToBytes(MemoryMarshal.AsBytes(lateIndexes.AsSpan()));
            using var result = runner.InvokeMethod("prepare", list, first, stamps, lateBytes);
            using var tested = result[0];
            using var lateExit = result[1];
            return new CepArrivals(CPython.ToArray(tested), ExitBatches.From(lateExit, 1)[0]);
        });
    }

    public bool[] TestIterative(IReadOnlyList<CepConditionQuery> queries)
    {
        if (queries.Count == 0)
            return [];
        var flat = new FlatItems();
        var conditions = new int[queries.Count];
        var stamps = new long[queries.Count];
        for (var i = 0; i < queries.Count; i++)
        {
            conditions[i] = queries[i].Condition;
            stamps[i] = queries[i].Timestamp;
            flat.AddEvent(queries[i].Event);
            flat.AddItem(queries[i].Partial);
        }

        return Call(() =>
        {
            using var conditionBytes = CPython.ToBytes(MemoryMarshal.AsBytes(conditions.AsSpan()));
            using var stampBytes = CPython.ToBytes(MemoryMarshal.AsBytes(stamps.AsSpan()));
            using var result = flat.Invoke(runner, "test_iterative", conditionBytes, stampBytes);
            return CPython.ToArray(result).Select(b => b != 0).ToArray();
        });
    }

    public Batch?[] Emit(IReadOnlyList<CepMatch> matches)
    {
        var flat = new FlatItems();
        var kinds = new byte[matches.Count];
        var stamps = new long[matches.Count];
        for (var i = 0; i < matches.Count; i++)
        {
            kinds[i] = matches[i].TimedOut ? (byte)1 : (byte)0;
            stamps[i] = matches[i].Timestamp;
            flat.AddItem(matches[i].Stages);
        }

        return Call(() =>
        {
            using var kindBytes = CPython.ToBytes(kinds);
            using var stampBytes = CPython.ToBytes(MemoryMarshal.AsBytes(stamps.AsSpan()));
            using var outputs = flat.Invoke(runner, "emit", kindBytes, stampBytes);
            return ExitBatches.From(outputs, (int)outputs.Length());
        });
    }

    public int[] Order(ReadOnlySpan<long> handles)
    {
        var handleArray = handles.ToArray();
        return Call(() =>
        {
            using var handleBytes = CPython.ToBytes(MemoryMarshal.AsBytes(handleArray.AsSpan()));
            using var result = runner.InvokeMethod("order", handleBytes);
            return CPython.ToArray<int>(result);
        });
    }

    public void Restore(ReadOnlySpan<long> handles, IReadOnlyList<byte[]> pickled)
    {
        var handleArray = handles.ToArray();
        var ends = new long[pickled.Count];
        var blob = new byte[pickled.Sum(p => (long)p.Length)];
        var at = 0;
        for (var i = 0; i < pickled.Count; i++)
        {
            pickled[i].CopyTo(blob, at);
            ends[i] = at += pickled[i].Length;
        }

        Call(() =>
        {
            using var handleBytes = CPython.ToBytes(MemoryMarshal.AsBytes(handleArray.AsSpan()));
            using var blobBytes = CPython.ToBytes(blob);
            using var endBytes = CPython.ToBytes(MemoryMarshal.AsBytes(ends.AsSpan()));
            return runner.InvokeMethod("restore", handleBytes, blobBytes, endBytes);
        }).Dispose();
    }

    public CepPickled Pickle(ReadOnlySpan<long> handles)
    {
        var handleArray = handles.ToArray();
        return Call(() =>
        {
            using var handleBytes = CPython.ToBytes(MemoryMarshal.AsBytes(handleArray.AsSpan()));
            using var result = runner.InvokeMethod("pickle", handleBytes);
            using var blob = result[0];
            using var ends = result[1];
            return new CepPickled(CPython.ToArray(blob), CPython.ToArray<long>(ends));
        });
    }

    public void Retain(ReadOnlySpan<long> live, long nextHandle)
    {
        var handleArray = live.ToArray();
        Call(() =>
        {
            using var handleBytes = CPython.ToBytes(MemoryMarshal.AsBytes(handleArray.AsSpan()));
            using var next = new PyInt(nextHandle);
            return runner.InvokeMethod("retain", handleBytes, next);
        }).Dispose();
    }

    public void PrepareSnapshot() => Call(() => runner.InvokeMethod("flush")).Dispose();

    public void Close() => Call(() => runner.InvokeMethod("close")).Dispose();

    public void Dispose()
    {
        using (Py.GIL())
            runner.Dispose();
    }

    private T Call<T>(Func<T> call) => UserErrors.Run(taskName, call);

    /// <summary>Events and (partial) matches laid out as <c>pystream._runtime.cep</c> reads them: int64 event handles, an int32 layout.</summary>
    private sealed class FlatItems
    {
        private readonly List<long> _events = [];
        private readonly List<int> _layout = [];
        private readonly Dictionary<string, int> _names = [];

        public void AddEvent(long handle) => _events.Add(handle);

        public void AddItem(IReadOnlyList<CepStageEvents> stages)
        {
            _layout.Add(stages.Count);
            foreach (var stage in stages)
            {
                if (!_names.TryGetValue(stage.Stage, out var name))
                    _names[stage.Stage] = name = _names.Count;
                _layout.Add(name);
                _layout.Add(stage.Events.Count);
                foreach (var e in stage.Events)
                    _events.Add(e);
            }
        }

        /// <summary>Calls <paramref name="method"/>(leading..., layout, names, events); needs the GIL.</summary>
        public PyObject Invoke(PyObject target, string method, params PyObject[] leading)
        {
            using var layout = CPython.ToBytes(MemoryMarshal.AsBytes(CollectionsMarshal.AsSpan(_layout)));
            using var names = new PyList();
            foreach (var name in _names.OrderBy(n => n.Value))
            {
                using var text = new PyString(name.Key);
                names.Append(text);
            }

            using var events = CPython.ToBytes(MemoryMarshal.AsBytes(CollectionsMarshal.AsSpan(_events)));
            return target.InvokeMethod(method, [.. leading, layout, names, events]);
        }
    }
}
