using Python.Runtime;

namespace PyStream.Python;

/// <summary>
/// Moves bytes across the boundary in one copy, never element by element: Python's
/// <c>ctypes.string_at</c> copies C# memory into a new <c>bytes</c>, and the buffer
/// protocol copies Python bytes out. Every call needs the GIL.
/// </summary>
internal static class CPython
{
    private static PyObject? _stringAt;

    /// <summary>A new Python <c>bytes</c> object holding a copy of <paramref name="data"/>.</summary>
    public static unsafe PyObject ToBytes(ReadOnlySpan<byte> data)
    {
        _stringAt ??= Py.Import("ctypes").GetAttr("string_at");
        fixed (byte* p = data)
        {
            using var address = new PyInt((long)p);
            using var length = new PyInt(data.Length);
            return _stringAt.Invoke(address, length);
        }
    }

    /// <summary>A copy of the contents of a Python bytes-like object.</summary>
    public static byte[] ToArray(PyObject bytes)
    {
        using var buffer = bytes.GetBuffer(PyBUF.SIMPLE);
        var copy = new byte[buffer.Length];
        buffer.Read(copy, 0, copy.Length, 0);
        return copy;
    }

    /// <summary>Appends the contents of a Python bytes-like object to <paramref name="output"/>, copied once.</summary>
    public static unsafe void CopyTo(PyObject bytes, System.Buffers.IBufferWriter<byte> output)
    {
        using var buffer = bytes.GetBuffer(PyBUF.SIMPLE);
        var length = checked((int)buffer.Length);
        var span = output.GetSpan(length);
        // The copy is native: a writer that hands out less room than asked would be overrun, not refused.
        if (span.Length < length)
            throw new InvalidOperationException($"the output gave {span.Length} bytes of room for {length}");
        fixed (byte* target = span)
            buffer.ToContiguous((IntPtr)target, BufferOrderStyle.C);
        output.Advance(length);
    }

    /// <summary>The contents of a Python bytes-like object (bytes, an array) as values of <typeparamref name="T"/>, copied once.</summary>
    public static unsafe T[] ToArray<T>(PyObject bytes)
        where T : unmanaged
    {
        using var buffer = bytes.GetBuffer(PyBUF.SIMPLE);
        var values = new T[buffer.Length / sizeof(T)];
        fixed (T* target = values)
            buffer.ToContiguous((IntPtr)target, BufferOrderStyle.C);
        return values;
    }
}
