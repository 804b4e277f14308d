using System.Buffers;
using Python.Runtime;
using PyStream.Engine.UserCode;

namespace PyStream.Python;

/// <summary>
/// What Python code of a segment may call in C#: keyed state and timers, on the task's own
/// thread; never blocks. pythonnet releases the GIL around each call, so methods that touch
/// Python objects take it back. Bulk calls take packed bytes: one call per batch of state.
/// </summary>
public sealed class SegmentHostProxy
{
    private readonly ISegmentHost _host;

    internal SegmentHostProxy(ISegmentHost host) => _host = host;

    /// <summary>The state's serialized value for a key, as Python bytes, or None.</summary>
    public PyObject get_state(string stateId, PyObject key)
    {
        using var gil = Py.GIL();
        var value = _host.State.Get(stateId, CPython.ToArray(key));
        return value is null ? PyObject.None : CPython.ToBytes(value);
    }

    /// <summary>
    /// Reads values for many keys at once (keys packed with int64 end offsets); returns the
    /// values concatenated and their end offsets. A missing value is empty (a pickle never is).
    /// </summary>
    public PyObject get_states(string stateId, PyObject keys, PyObject keyEnds)
    {
        byte[] keyBytes;
        long[] keyStops;
        using (Py.GIL())
        {
            keyBytes = CPython.ToArray(keys);
            keyStops = CPython.ToArray<long>(keyEnds);
        }

        var values = new ArrayBufferWriter<byte>();
        var ends = new long[keyStops.Length];
        long start = 0;
        for (var i = 0; i < keyStops.Length; i++)
        {
            if (_host.State.Get(stateId, keyBytes.AsSpan((int)start, (int)(keyStops[i] - start))) is { } value)
                values.Write(value);
            ends[i] = values.WrittenCount;
            start = keyStops[i];
        }

        using (Py.GIL())
            return new PyTuple([CPython.ToBytes(values.WrittenSpan), CPython.ToBytes(System.Runtime.InteropServices.MemoryMarshal.AsBytes(ends.AsSpan()))]);
    }

    /// <summary>Writes values for many keys: keys and values each packed with their end offsets (int64).</summary>
    public void put_states(string stateId, PyObject keys, PyObject keyEnds, PyObject values, PyObject valueEnds) =>
        Write(stateId, keys, keyEnds, values, valueEnds, append: false);

    /// <summary>Appends framed elements to list states, packed as <see cref="put_states"/>; reads nothing.</summary>
    public void append_states(string stateId, PyObject keys, PyObject keyEnds, PyObject values, PyObject valueEnds) =>
        Write(stateId, keys, keyEnds, values, valueEnds, append: true);

    private void Write(string stateId, PyObject keys, PyObject keyEnds, PyObject values, PyObject valueEnds, bool append)
    {
        byte[] keyBytes, valueBytes;
        long[] keyStops, valueStops;
        using (Py.GIL())
        {
            keyBytes = CPython.ToArray(keys);
            valueBytes = CPython.ToArray(values);
            keyStops = CPython.ToArray<long>(keyEnds);
            valueStops = CPython.ToArray<long>(valueEnds);
        }

        var keyData = keyBytes.AsSpan();
        var valueData = valueBytes.AsSpan();
        long keyStart = 0, valueStart = 0;
        for (var i = 0; i < keyStops.Length; i++)
        {
            var key = keyData[(int)keyStart..(int)keyStops[i]];
            var value = valueData[(int)valueStart..(int)valueStops[i]];
            if (append)
                _host.State.Append(stateId, key, value);
            else
                _host.State.Put(stateId, key, value);
            keyStart = keyStops[i];
            valueStart = valueStops[i];
        }
    }

    /// <summary>A map state's entries under one owner key (at most <paramref name="limit"/>), as a list of (entry key, value) bytes pairs.</summary>
    public PyObject map_entries(string stateId, PyObject owner, int limit) =>
        Pairs(_host.State.MapEntries(stateId, Bytes(owner), limit));

    public void remove_map(string stateId, PyObject owner) => _host.State.RemoveMap(stateId, Bytes(owner));

    public void remove_state(string stateId, PyObject key) => _host.State.Remove(stateId, Bytes(key));

    /// <summary>Every (key, value) of a state, as a Python list of bytes pairs.</summary>
    public PyObject state_entries(string stateId) => Pairs(_host.State.Entries(stateId));

    private static PyList Pairs(IEnumerable<KeyValuePair<byte[], byte[]>> entries)
    {
        using var gil = Py.GIL();
        var list = new PyList();
        foreach (var (key, value) in entries)
        {
            using var pair = new PyTuple([CPython.ToBytes(key), CPython.ToBytes(value)]);
            list.Append(pair);
        }

        return list;
    }

    /// <summary>Declares a state's time-to-live (ms) and cleanup strategies (see <see cref="Engine.State.StateTtl"/>).</summary>
    public void declare_ttl(string stateId, long ttl, string cleanup) => _host.StateTtls.Declare(stateId, ttl, cleanup);

    public long current_processing_time() => _host.CurrentProcessingTime;

    public void register_processing_time_timer(int operation, PyObject key, long timestamp) =>
        _host.RegisterProcessingTimeTimer(operation, Bytes(key), timestamp);

    public void delete_processing_time_timer(int operation, PyObject key, long timestamp) =>
        _host.DeleteProcessingTimeTimer(operation, Bytes(key), timestamp);

    public void register_event_time_timer(int operation, PyObject key, long timestamp) =>
        _host.RegisterEventTimeTimer(operation, Bytes(key), timestamp);

    public void delete_event_time_timer(int operation, PyObject key, long timestamp) =>
        _host.DeleteEventTimeTimer(operation, Bytes(key), timestamp);

    private static byte[] Bytes(PyObject key)
    {
        using (Py.GIL())
            return CPython.ToArray(key);
    }

    // ---- user metrics: registered once each, reported once per batch --------------------------

    /// <summary>
    /// Registers a user metric (kind: counter, meter, gauge or distribution) of an operator;
    /// <paramref name="scope"/> is the JSON list of its groups, each <c>[name, null]</c> or
    /// <c>[key, value]</c>. Returns the id <see cref="report_metrics"/> names it by.
    /// </summary>
    public int register_metric(string kind, string operatorName, string scope, string name)
    {
        var groups = System.Text.Json.JsonSerializer.Deserialize<string?[][]>(scope) ?? [];
        return _host.Metrics.Register(Engine.Telemetry.UserMetrics.KindOf(kind), operatorName,
            groups.Select(g => (g[0] ?? "", g.Length > 1 ? g[1] : null)).ToList(), name);
    }

    /// <summary>New values by metric id (ids as int64, values as float64, packed); see <c>UserMetrics.Report</c>.</summary>
    public void report_metrics(PyObject ids, PyObject values)
    {
        long[] metricIds;
        double[] numbers;
        using (Py.GIL())
        {
            metricIds = CPython.ToArray<long>(ids);
            numbers = CPython.ToArray<double>(values);
        }

        _host.Metrics.Report(metricIds, numbers);
    }
}
