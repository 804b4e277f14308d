using System.Runtime.InteropServices;
using Python.Runtime;
using PyStream.Engine.Records;
using PyStream.Engine.UserCode;

namespace PyStream.Python;

/// <summary>A pattern stream's Python side (<c>pystream._runtime.cep.CepRunner</c>): one call per batch.</summary>
internal sealed class PythonCep(PyObject runner, string taskName) : IPythonCep
{
    public void Open() => Call(() => runner.InvokeMethod("open")).Dispose();

    public CepArrivals Prepare(PythonBatch records, long firstHandle, ReadOnlySpan<int> late, IReadOnlyList<int[]?>? wanted = null)
    {
        var lateIndexes = late.ToArray();
        return Call(() =>
        {
            using var wantedList = WantedList(wanted);
            using var list = PythonRuntime.Handle(records);
            using var first = new PyInt(firstHandle);
            using var stamps = lateIndexes.Length > 0 && records.Timestamps is { } t
                ? CPython.ToBytes(MemoryMarshal.AsBytes(t.AsSpan(0, records.Count)))
                : PyObject.None;
            using var lateBytes = lateIndexes.Length == 0 ? PyObject.None : CPython.ToBytes(MemoryMarshal.AsBytes(lateIndexes.AsSpan()));
            using var result = runner.InvokeMethod("prepare", list, first, stamps, lateBytes, wantedList);
            using var tested = result[0];
            using var lateExit = result[1];
            return new CepArrivals(CPython.ToArray(tested), ExitBatches.From(lateExit, 1)[0]);
        });
    }

    /// <summary>Per simple condition the int32 indexes of the records to test, or None for all; None for all of every condition.</summary>
    private static PyObject WantedList(IReadOnlyList<int[]?>? wanted)
    {
        if (wanted is null)
            return PyObject.None;
        var list = new PyList();
        foreach (var indexes in wanted)
        {
            using var item = indexes is null ? PyObject.None : CPython.ToBytes(MemoryMarshal.AsBytes(indexes.AsSpan()));
            list.Append(item);
        }

        return list;
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
            flat.AddMatch(matches[i]);
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
        private IReadOnlyList<string>? _numberedNames;
        private int[] _indexOfStage = [];

        public void AddEvent(long handle) => _events.Add(handle);

        public void AddItem(IReadOnlyList<CepStageEvents> stages)
        {
            _layout.Add(stages.Count);
            foreach (var stage in stages)
            {
                _layout.Add(NameIndex(stage.Stage));
                _layout.Add(stage.Events.Count);
                foreach (var e in stage.Events)
                    _events.Add(e);
            }
        }

        /// <summary>Adds a match as the engine holds it: no list per stage, a name looked up once per stage of the pattern.</summary>
        public void AddMatch(CepMatch match)
        {
            var layout = match.Layout;
            _layout.Add(layout.Length / 2);
            var start = 0;
            for (var slot = 0; slot < layout.Length; slot += 2)
            {
                var end = layout[slot + 1];
                _layout.Add(NameIndex(match.StageNames, layout[slot]));
                _layout.Add(end - start);
                start = end;
            }

            _events.AddRange(match.Events);
        }

        private int NameIndex(string stage)
        {
            if (!_names.TryGetValue(stage, out var name))
                _names[stage] = name = _names.Count;
            return name;
        }

        /// <summary>The index of stage <paramref name="stage"/> of <paramref name="stageNames"/>, remembered for the list the matches share.</summary>
        private int NameIndex(IReadOnlyList<string> stageNames, int stage)
        {
            if (!ReferenceEquals(stageNames, _numberedNames))
            {
                _numberedNames = stageNames;
                _indexOfStage = new int[stageNames.Count];
            }

            ref var index = ref _indexOfStage[stage];
            if (index == 0)
                index = NameIndex(stageNames[stage]) + 1; // 0: not looked up yet
            return index - 1;
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
