using System.Buffers;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Python.Runtime;
using PyStream.Engine;
using PyStream.Engine.Records;
using PyStream.Engine.UserCode;

namespace PyStream.Python;

/// <summary>
/// Columns as they cross to Python and back (the SQL functions' <c>pystream._runtime.sql_functions</c>,
/// the DataStream conversions' <c>table_rows</c>): <c>(data, ends, nulls)</c>, fixed-width values as
/// their memory, strings and bytes concatenated with int64 end offsets, decimals as text, null masks
/// as one byte per row. Called with the GIL held.
/// </summary>
internal static class PackedColumns
{
    /// <summary>The distinct input columns that calls read, in order: what crosses per batch.</summary>
    public static int[] ReadColumns(IEnumerable<int> arguments) => arguments.Distinct().Order().ToArray();

    /// <summary>Calls as Python's <c>_Call</c> reads them: arguments by position among the columns sent.</summary>
    public static object[] DescribeCalls(IReadOnlyList<PythonScalarCall> calls)
    {
        var read = ReadColumns(calls.SelectMany(c => c.Arguments));
        return calls.Select(c => (object)new
        {
            name = c.Name,
            function = Convert.ToBase64String(c.Function.Span),
            arguments = c.Arguments.Select(a => Array.IndexOf(read, a)),
            argument_types = c.ArgumentTypes,
            result_type = c.ResultType,
        }).ToArray();
    }

    public static object DescribeTask(TaskInfo task) => new { name = task.TaskName, index = task.SubtaskIndex, parallelism = task.Parallelism };

    /// <summary>The columns <paramref name="read"/> of a batch, packed, as one Python list.</summary>
    public static PyList PackAll(IReadOnlyList<Column> columns, IReadOnlyList<int> read, int count)
    {
        var packedColumns = new PyList();
        if (columns.Count == 0)
            return packedColumns; // no input (a global aggregate's value without rows)
        foreach (var index in read)
        {
            using var packed = Pack(columns[index], count);
            packedColumns.Append(packed);
        }

        return packedColumns;
    }

    /// <summary>A column as Python's <c>(data, ends, nulls)</c>: ends for variable-width values, nulls when any is null.</summary>
    public static PyTuple Pack(Column column, int count)
    {
        var nulls = column.Nulls is { } mask ? CPython.ToBytes(MemoryMarshal.AsBytes(mask.AsSpan(0, count))) : PyObject.None;
        var (data, ends) = column switch
        {
            Column<long> c => (Fixed(c.Values, count), PyObject.None),
            Column<int> c => (Fixed(c.Values, count), PyObject.None),
            Column<double> c => (Fixed(c.Values, count), PyObject.None),
            Column<bool> c => (Fixed(c.Values, count), PyObject.None),
            Column<short> c => (Fixed(c.Values, count), PyObject.None),
            Column<sbyte> c => (Fixed(c.Values, count), PyObject.None),
            Column<float> c => (Fixed(c.Values, count), PyObject.None),
            Column<string> c => Concatenated(c.Values, count, (s, buffer) => Encoding.UTF8.GetBytes(s ?? "", buffer)),
            Column<byte[]> c => Concatenated(c.Values, count, (b, buffer) => buffer.Write(b ?? [])),
            Column<decimal> c => Concatenated(c.Values, count, (d, buffer) => Encoding.UTF8.GetBytes(d.ToString(CultureInfo.InvariantCulture), buffer)),
            _ => throw new ArgumentException($"a column of {column.ValueType.Name} cannot cross to Python", nameof(column)),
        };
        return new PyTuple([data, ends, nulls]);
    }

    private static PyObject Fixed<T>(T[] values, int count)
        where T : unmanaged => CPython.ToBytes(MemoryMarshal.AsBytes(values.AsSpan(0, count)));

    private static (PyObject Data, PyObject Ends) Concatenated<T>(T[] values, int count, Action<T, ArrayBufferWriter<byte>> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var ends = new long[count];
        for (var i = 0; i < count; i++)
        {
            write(values[i], buffer);
            ends[i] = buffer.WrittenCount;
        }

        return (CPython.ToBytes(buffer.WrittenSpan), CPython.ToBytes(MemoryMarshal.AsBytes(ends.AsSpan())));
    }

    /// <summary>Python's <c>(data, ends, nulls)</c> of a result as a column of <paramref name="type"/>.</summary>
    public static Column Unpack(PyObject result, Type type, int count)
    {
        using var dataObject = result[0];
        using var endsObject = result[1];
        using var nullsObject = result[2];
        var nulls = nullsObject.IsNone() ? null : CPython.ToArray<bool>(nullsObject);
        var ends = endsObject.IsNone() ? null : CPython.ToArray<long>(endsObject);
        Column column = type switch
        {
            _ when type == typeof(long) => FixedColumn<long>(dataObject, count),
            _ when type == typeof(int) => FixedColumn<int>(dataObject, count),
            _ when type == typeof(double) => FixedColumn<double>(dataObject, count),
            _ when type == typeof(bool) => FixedColumn<bool>(dataObject, count),
            _ when type == typeof(short) => FixedColumn<short>(dataObject, count),
            _ when type == typeof(sbyte) => FixedColumn<sbyte>(dataObject, count),
            _ when type == typeof(float) => FixedColumn<float>(dataObject, count),
            _ when type == typeof(string) => new Column<string>(Slices(CPython.ToArray(dataObject), ends!, count, bytes => Encoding.UTF8.GetString(bytes))),
            _ when type == typeof(byte[]) => new Column<byte[]>(Slices(CPython.ToArray(dataObject), ends!, count, bytes => bytes.ToArray())),
            _ when type == typeof(decimal) => new Column<decimal>(Slices(CPython.ToArray(dataObject), ends!, count,
                bytes => decimal.Parse(Encoding.UTF8.GetString(bytes), NumberStyles.Float, CultureInfo.InvariantCulture))),
            _ => throw new ArgumentException($"a column of {type.Name} cannot come from Python", nameof(type)),
        };
        if (nulls is not null)
        {
            if (column is Column<string> or Column<byte[]>)
                ClearNulls(column, nulls);
            column.Nulls = nulls;
        }

        return column;
    }

    private static Column<T> FixedColumn<T>(PyObject data, int count)
        where T : unmanaged
    {
        var values = CPython.ToArray<T>(data);
        if (values.Length != count)
            throw new PyStreamPythonException($"Python gave {values.Length} values for {count} rows");
        return new Column<T>(values);
    }

    private static T[] Slices<T>(byte[] data, long[] ends, int count, Func<ReadOnlySpan<byte>, T> read)
    {
        if (ends.Length != count)
            throw new PyStreamPythonException($"Python gave {ends.Length} values for {count} rows");
        var values = new T[count];
        long start = 0;
        for (var i = 0; i < count; i++)
        {
            values[i] = read(data.AsSpan((int)start, (int)(ends[i] - start)));
            start = ends[i];
        }

        return values;
    }

    /// <summary>Null rows of reference columns hold the type's default, as every column does.</summary>
    private static void ClearNulls(Column column, bool[] nulls)
    {
        for (var i = 0; i < nulls.Length; i++)
        {
            if (!nulls[i])
                continue;
            if (column is Column<string> s)
                s.Values[i] = null!;
            else if (column is Column<byte[]> b)
                b.Values[i] = null!;
        }
    }
}
