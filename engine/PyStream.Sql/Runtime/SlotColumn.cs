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
    /// <summary>Slots per page: 4,096 values of at most 16 bytes stay below the large object heap's 85,000.</summary>
    public const int PageSize = 1 << PageBits;
    protected const int PageBits = 12;
    protected const int PageMask = PageSize - 1;

    public abstract void Grow(int capacity);

    /// <summary>Stores row <paramref name="row"/> of <paramref name="source"/> in <paramref name="slot"/>.</summary>
    public abstract void CopyFrom(Column source, int row, int slot);

    public abstract void SetBoxed(int slot, object? value);

    public abstract object? GetBoxed(int slot);

    /// <summary>Whether <paramref name="slot"/> holds <paramref name="value"/> (null: a null slot), the value converted as <see cref="SetBoxed"/> would store it.</summary>
    public abstract bool Holds(int slot, object? value);

    public abstract bool IsNull(int slot);

    /// <summary>The order of slot <paramref name="a"/>'s value against slot <paramref name="b"/>'s (neither null).</summary>
    public abstract int Compare(int a, int b);

    /// <summary>The order of row <paramref name="row"/> of <paramref name="source"/> against the value in <paramref name="slot"/> (neither null).</summary>
    public abstract int Compare(Column source, int row, int slot);

    /// <summary>Whether row <paramref name="row"/> of <paramref name="source"/> holds the value in <paramref name="slot"/> (nulls equal).</summary>
    public abstract bool Same(Column source, int row, int slot);

    /// <summary>A column of the values in <paramref name="slots"/>, in that order (a negative slot: null).</summary>
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
/// <remarks>
/// Values live in pages of <see cref="SlotColumn.PageSize"/> slots: growing adds pages (no copy), and
/// no page is large enough for the large object heap, whose allocations cost a full collection.
/// </remarks>
public sealed class SlotColumn<T>(IComparer<T> order, Func<T, T, bool>? same = null) : SlotColumn
{
    private T[][] _values = [];
    private bool[][] _nulls = [];

    public override void Grow(int capacity)
    {
        var pages = (capacity + PageSize - 1) >> PageBits;
        if (pages <= _values.Length)
            return;
        var (from, values, nulls) = (_values.Length, _values, _nulls);
        Array.Resize(ref values, pages);
        Array.Resize(ref nulls, pages);
        for (var p = from; p < pages; p++)
            (values[p], nulls[p]) = (new T[PageSize], new bool[PageSize]);
        (_values, _nulls) = (values, nulls);
    }

    private ref T ValueAt(int slot) => ref _values[slot >> PageBits][slot & PageMask];

    private ref bool NullAt(int slot) => ref _nulls[slot >> PageBits][slot & PageMask];

    public override void CopyFrom(Column source, int row, int slot)
    {
        if (source is Column<T> typed)
        {
            var isNull = typed.IsNull(row);
            NullAt(slot) = isNull;
            // Through a ref: no array covariance check for strings (the pages are exactly T[]).
            var page = _values[slot >> PageBits];
            Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(page), slot & PageMask) = isNull ? default! : typed.Values[row];
            return;
        }

        SetBoxed(slot, source.GetBoxed(row));
    }

    public override void SetBoxed(int slot, object? value)
    {
        if (value is null || value is T)
        {
            NullAt(slot) = value is null;
            ValueAt(slot) = value is T typed ? typed : default!;
            return;
        }

        var converted = Converted(value);
        NullAt(slot) = converted.IsNull(0);
        ValueAt(slot) = converted.Values[0];
    }

    /// <summary>A value of another type in a one-row column, converted as a typed batch column accepts it (RowBuilder's conversions).</summary>
    private static Column<T> Converted(object value)
    {
        var one = new Column<T>(1);
        RowBuilder.SetBoxed(one, 0, value);
        return one;
    }

    /// <summary>Stores a value (not null) in a slot.</summary>
    public void Set(int slot, T value)
    {
        NullAt(slot) = false;
        ValueAt(slot) = value;
    }

    public void SetNull(int slot)
    {
        NullAt(slot) = true;
        ValueAt(slot) = default!;
    }

    public override object? GetBoxed(int slot) => NullAt(slot) ? null : ValueAt(slot);

    public override bool Holds(int slot, object? value)
    {
        if (value is null || NullAt(slot))
            return value is null && NullAt(slot);
        if (value is not T typed)
        {
            var converted = Converted(value);
            if (converted.IsNull(0))
                return false;
            typed = converted.Values[0];
        }

        return same is null ? EqualityComparer<T>.Default.Equals(typed, ValueAt(slot)) : same(typed, ValueAt(slot));
    }

    /// <summary>A slot's value (the type's default where it is null).</summary>
    public T Value(int slot) => ValueAt(slot);

    public override bool IsNull(int slot) => NullAt(slot);

    public override int Compare(int a, int b) => order.Compare(ValueAt(a), ValueAt(b));

    public override int Compare(Column source, int row, int slot) => source is Column<T> typed
        ? order.Compare(typed.Values[row], ValueAt(slot))
        : SqlValueComparer.Instance.Compare(source.GetBoxed(row), ValueAt(slot));

    public override bool Same(Column source, int row, int slot)
    {
        var isNull = source.IsNull(row);
        if (isNull || NullAt(slot))
            return isNull && NullAt(slot);
        if (source is not Column<T> typed)
            return Equals(source.GetBoxed(row), ValueAt(slot));
        var (x, y) = (typed.Values[row], ValueAt(slot));
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
            if (slot < 0)
            {
                (nulls ??= new bool[slots.Length])[i] = true;
                continue;
            }

            Unsafe.Add(ref first, i) = ValueAt(slot);
            if (NullAt(slot))
                (nulls ??= new bool[slots.Length])[i] = true;
        }

        return new Column<T>(values, nulls);
    }
}
