using PyStream.Engine.Records;
using PyStream.Sql.Types;

namespace PyStream.Sql.Runtime;

/// <summary>Collects rows given as boxed values (aggregate results, constants) into a typed batch.</summary>
public sealed class RowBuilder(IReadOnlyList<SqlType> types)
{
    private readonly List<object?[]> _rows = [];
    private readonly List<RowKind> _kinds = [];

    public int Count => _rows.Count;

    public void Add(RowKind kind, object?[] values)
    {
        _kinds.Add(kind);
        _rows.Add(values);
    }

    /// <summary>The rows added since the last call, as a batch (null when there are none).</summary>
    public RowBatch? Take()
    {
        if (_rows.Count == 0)
            return null;
        var columns = new Column[types.Count];
        for (var c = 0; c < columns.Length; c++)
        {
            var column = Column.Create(types[c].ClrType, _rows.Count);
            for (var r = 0; r < _rows.Count; r++)
                SetBoxed(column, r, _rows[r][c]);
            columns[c] = column;
        }

        var kinds = _kinds.All(k => k == RowKind.Insert) ? null : _kinds.ToArray();
        var batch = new RowBatch(columns, _rows.Count, kinds);
        _rows.Clear();
        _kinds.Clear();
        return batch;
    }

    /// <summary>Stores a boxed value in a typed column (null marks the row null).</summary>
    internal static void SetBoxed(Column column, int row, object? value)
    {
        if (value is null)
        {
            (column.Nulls ??= new bool[column.Count])[row] = true;
            return;
        }

        // The exact CLR type first (what aggregates and window bounds give): no conversion, no culture.
        switch (column)
        {
            case Column<object> objects: objects.Values[row] = value; break;
            case Column<long> c when value is long l: c.Values[row] = l; break;
            case Column<int> c when value is int i: c.Values[row] = i; break;
            case Column<double> c when value is double d: c.Values[row] = d; break;
            case Column<decimal> c when value is decimal m: c.Values[row] = m; break;
            case Column<bool> c: c.Values[row] = (bool)value; break;
            case Column<sbyte> c: c.Values[row] = Convert.ToSByte(value, System.Globalization.CultureInfo.InvariantCulture); break;
            case Column<short> c: c.Values[row] = Convert.ToInt16(value, System.Globalization.CultureInfo.InvariantCulture); break;
            case Column<int> c: c.Values[row] = Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture); break;
            case Column<long> c: c.Values[row] = Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture); break;
            case Column<float> c: c.Values[row] = Convert.ToSingle(value, System.Globalization.CultureInfo.InvariantCulture); break;
            case Column<double> c: c.Values[row] = Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture); break;
            case Column<decimal> c: c.Values[row] = Convert.ToDecimal(value, System.Globalization.CultureInfo.InvariantCulture); break;
            case Column<string> c: c.Values[row] = (string)value; break;
            case Column<byte[]> c: c.Values[row] = (byte[])value; break;
            case Column<Dictionary<object, object?>> c: c.Values[row] = (Dictionary<object, object?>)value; break;
            default: throw new SqlTypeException($"cannot store a {value.GetType().Name} in a column of {column.ValueType.Name}");
        }
    }
}
