using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using PyStream.Engine.Records;

namespace PyStream.Sql.Runtime;

/// <summary>
/// One column of a <see cref="RowArena"/>: the values of every slot, typed, with a null flag per
/// slot. Values are ordered as <see cref="SqlValueComparer"/> orders them (strings ordinally,
/// numbers by value), compared without boxing.
/// </summary>
public abstract class SlotColumn
{
    public abstract void Grow(int capacity);

    /// <summary>Stores row <paramref name="row"/> of <paramref name="source"/> in <paramref name="slot"/>.</summary>
    public abstract void CopyFrom(Column source, int row, int slot);

    public abstract void SetBoxed(int slot, object? value);

    public abstract object? GetBoxed(int slot);

    public abstract bool IsNull(int slot);

    /// <summary>The order of slot <paramref name="a"/>'s value against slot <paramref name="b"/>'s (neither null).</summary>
    public abstract int Compare(int a, int b);

    /// <summary>The order of row <paramref name="row"/> of <paramref name="source"/> against the value in <paramref name="slot"/> (neither null).</summary>
    public abstract int Compare(Column source, int row, int slot);

    /// <summary>Whether row <paramref name="row"/> of <paramref name="source"/> holds the value in <paramref name="slot"/> (nulls equal).</summary>
    public abstract bool Same(Column source, int row, int slot);

    /// <summary>A column of the values in <paramref name="slots"/>, in that order.</summary>
    public abstract Column Gather(ReadOnlySpan<int> slots);

    /// <summary>A slot column for values of <paramref name="clrType"/> (a SQL type's CLR representation).</summary>
    public static SlotColumn For(Type clrType) =>
        clrType == typeof(long) ? new SlotColumn<long>(Comparer<long>.Default)
        : clrType == typeof(int) ? new SlotColumn<int>(Comparer<int>.Default)
        : clrType == typeof(string) ? new SlotColumn<string>(StringComparer.Ordinal)
        : clrType == typeof(double) ? new SlotColumn<double>(Comparer<double>.Default)
        : clrType == typeof(decimal) ? new SlotColumn<decimal>(Comparer<decimal>.Default)
        : clrType == typeof(bool) ? new SlotColumn<bool>(Comparer<bool>.Default)
        : clrType == typeof(short) ? new SlotColumn<short>(Comparer<short>.Default)
        : clrType == typeof(sbyte) ? new SlotColumn<sbyte>(Comparer<sbyte>.Default)
        : clrType == typeof(float) ? new SlotColumn<float>(Comparer<float>.Default)
        : clrType == typeof(byte[]) ? new SlotColumn<byte[]>(Comparer<byte[]>.Create((x, y) => x.AsSpan().SequenceCompareTo(y)), (x, y) => x.AsSpan().SequenceEqual(y))
        : (SlotColumn)Activator.CreateInstance(typeof(SlotColumn<>).MakeGenericType(clrType), BoxedOrder(clrType), null)!;

    /// <summary>Values of other types (maps, rows) ordered as boxed values are.</summary>
    private static object BoxedOrder(Type clrType) =>
        typeof(SlotColumn).GetMethod(nameof(BoxedComparer), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!
            .MakeGenericMethod(clrType).Invoke(null, null)!;

    private static IComparer<T> BoxedComparer<T>() => Comparer<T>.Create((x, y) => SqlValueComparer.Instance.Compare(x, y));
}

/// <inheritdoc cref="SlotColumn"/>
public sealed class SlotColumn<T>(IComparer<T> order, Func<T, T, bool>? same = null) : SlotColumn
{
    private T[] _values = [];
    private bool[] _nulls = [];

    public override void Grow(int capacity)
    {
        Array.Resize(ref _values, capacity);
        Array.Resize(ref _nulls, capacity);
    }

    public override void CopyFrom(Column source, int row, int slot)
    {
        if (source is Column<T> typed)
        {
            var isNull = typed.IsNull(row);
            _nulls[slot] = isNull; // also checks that the slot is in the arrays
            // Through a ref: no array covariance check for strings (the arrays are exactly T[]).
            Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_values), slot) = isNull ? default! : typed.Values[row];
            return;
        }

        SetBoxed(slot, source.GetBoxed(row));
    }

    public override void SetBoxed(int slot, object? value)
    {
        // The conversions a typed batch column accepts (RowBuilder's), through a one-row column.
        var one = new Column<T>(1);
        RowBuilder.SetBoxed(one, 0, value);
        _nulls[slot] = one.IsNull(0);
        _values[slot] = one.Values[0];
    }

    public override object? GetBoxed(int slot) => _nulls[slot] ? null : _values[slot];

    /// <summary>A slot's value (the type's default where it is null).</summary>
    public T Value(int slot) => _values[slot];

    public override bool IsNull(int slot) => _nulls[slot];

    public override int Compare(int a, int b) => order.Compare(_values[a], _values[b]);

    public override int Compare(Column source, int row, int slot) => source is Column<T> typed
        ? order.Compare(typed.Values[row], _values[slot])
        : SqlValueComparer.Instance.Compare(source.GetBoxed(row), _values[slot]);

    public override bool Same(Column source, int row, int slot)
    {
        var isNull = source.IsNull(row);
        if (isNull || _nulls[slot])
            return isNull && _nulls[slot];
        if (source is not Column<T> typed)
            return Equals(source.GetBoxed(row), _values[slot]);
        var (x, y) = (typed.Values[row], _values[slot]);
        return same is null ? EqualityComparer<T>.Default.Equals(x, y) : same(x, y);
    }

    public override Column Gather(ReadOnlySpan<int> slots)
    {
        var values = new T[slots.Length];
        ref var first = ref MemoryMarshal.GetArrayDataReference(values);
        bool[]? nulls = null;
        for (var i = 0; i < slots.Length; i++)
        {
            var slot = slots[i];
            Unsafe.Add(ref first, i) = _values[slot];
            if (_nulls[slot])
                (nulls ??= new bool[slots.Length])[i] = true;
        }

        return new Column<T>(values, nulls);
    }
}
