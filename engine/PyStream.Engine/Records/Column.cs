namespace PyStream.Engine.Records;

/// <summary>
/// One field of every row of a <see cref="RowBatch"/>: typed values and, when any is null, a
/// null mask. Values of null rows are the type's default.
/// </summary>
public abstract class Column
{
    /// <summary>True where the row's value is null; null when no value is.</summary>
    public bool[]? Nulls { get; set; }

    public abstract int Count { get; }

    public abstract Type ValueType { get; }

    public bool IsNull(int row) => Nulls is { } nulls && nulls[row];

    /// <summary>The value of a row, boxed (null for a null value): for tests, encoders and slow paths only.</summary>
    public abstract object? GetBoxed(int row);

    /// <summary>The rows at <paramref name="rows"/>, in that order; a negative index gives a null row.</summary>
    public abstract Column Select(ReadOnlySpan<int> rows);

    /// <summary>Rows <paramref name="start"/> to <paramref name="start"/> + <paramref name="count"/>.</summary>
    public abstract Column Slice(int start, int count);

    /// <summary>An empty column of the same type with room for <paramref name="capacity"/> rows.</summary>
    public abstract Column NewOfSameType(int capacity);

    /// <summary>A column of <paramref name="count"/> values of <paramref name="valueType"/> (the common types without reflection: operators make columns per batch).</summary>
    public static Column Create(Type valueType, int count) =>
        valueType == typeof(long) ? new Column<long>(count)
        : valueType == typeof(string) ? new Column<string>(count)
        : valueType == typeof(int) ? new Column<int>(count)
        : valueType == typeof(double) ? new Column<double>(count)
        : valueType == typeof(bool) ? new Column<bool>(count)
        : valueType == typeof(decimal) ? new Column<decimal>(count)
        : Factories.GetOrAdd(valueType, MakeFactory)(count);

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<Type, Func<int, Column>> Factories = new();

    private static Func<int, Column> MakeFactory(Type valueType)
    {
        var constructor = typeof(Column<>).MakeGenericType(valueType).GetConstructor([typeof(int)])!;
        return count => (Column)constructor.Invoke([count]);
    }

    protected bool[]? SelectNulls(ReadOnlySpan<int> rows)
    {
        bool[]? selected = null;
        for (var i = 0; i < rows.Length; i++)
        {
            if (rows[i] < 0 || (Nulls is { } nulls && nulls[rows[i]]))
                (selected ??= new bool[rows.Length])[i] = true;
        }

        return selected;
    }
}

public sealed class Column<T> : Column
{
    public Column(int count) => Values = new T[count];

    public Column(T[] values, bool[]? nulls = null)
    {
        if (nulls is not null && nulls.Length != values.Length)
            throw new ArgumentException($"{nulls.Length} null flags for {values.Length} values", nameof(nulls));
        Values = values;
        Nulls = nulls;
    }

    public T[] Values { get; }

    public override int Count => Values.Length;

    public override Type ValueType => typeof(T);

    public override object? GetBoxed(int row) => IsNull(row) ? null : Values[row];

    /// <summary>Sets a row's value, or marks it null (creating the mask on the first null).</summary>
    public void Set(int row, T value, bool isNull = false)
    {
        if (isNull)
        {
            (Nulls ??= new bool[Values.Length])[row] = true;
            Values[row] = default!;
            return;
        }

        Values[row] = value;
        if (Nulls is not null)
            Nulls[row] = false;
    }

    public override Column Select(ReadOnlySpan<int> rows)
    {
        var values = new T[rows.Length];
        for (var i = 0; i < rows.Length; i++)
        {
            if (rows[i] >= 0)
                values[i] = Values[rows[i]];
        }

        return new Column<T>(values, SelectNulls(rows));
    }

    public override Column Slice(int start, int count) =>
        new Column<T>(Values.AsSpan(start, count).ToArray(), Nulls?.AsSpan(start, count).ToArray());

    public override Column NewOfSameType(int capacity) => new Column<T>(capacity);
}
