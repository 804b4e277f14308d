using PyStream.Engine.Records;
using PyStream.Sql.Planning;
using PyStream.Sql.Types;

namespace PyStream.Sql.Runtime;

/// <summary>
/// The rows an operator keeps in memory, column by column in typed arrays, each row in a numbered
/// slot: a kept row costs no boxed values and no objects of its own, so the collector has nothing
/// per row to trace. A slot let go (<see cref="Release"/>) is reused only after
/// <see cref="Recycle"/>, which the operator calls once the output that may still read the slot
/// has been built. One per operator, not shared between threads.
/// </summary>
public sealed class RowArena
{
    private readonly SlotColumn[] _columns;
    private readonly Stack<int> _free = new();
    private readonly List<int> _released = [];
    private int _capacity;
    private int _used;

    public RowArena(IReadOnlyList<SqlType> types)
    {
        ArgumentNullException.ThrowIfNull(types);
        _columns = types.Select(t => SlotColumn.For(t.ClrType)).ToArray();
        Types = types;
    }

    public IReadOnlyList<SqlType> Types { get; }

    public SlotColumn Column(int column) => _columns[column];

    /// <summary>Stores row <paramref name="row"/> of <paramref name="batch"/>; returns its slot.</summary>
    public int Add(RowBatch batch, int row)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var slot = NewSlot();
        for (var c = 0; c < _columns.Length; c++)
            _columns[c].CopyFrom(batch.Columns[c], row, slot);
        return slot;
    }

    /// <summary>A new slot for a row whose every column the caller writes (a slot let go before keeps its old values).</summary>
    public int Reserve() => NewSlot();

    /// <summary>Stores a row of boxed values (one read back from state); returns its slot.</summary>
    public int Add(object?[] row)
    {
        ArgumentNullException.ThrowIfNull(row);
        var slot = NewSlot();
        for (var c = 0; c < _columns.Length; c++)
            _columns[c].SetBoxed(slot, row[c]);
        return slot;
    }

    /// <summary>A slot's row as boxed values (what state encodes).</summary>
    public object?[] Boxed(int slot)
    {
        var row = new object?[_columns.Length];
        for (var c = 0; c < row.Length; c++)
            row[c] = _columns[c].GetBoxed(slot);
        return row;
    }

    /// <summary>Lets a slot go: its row stays readable until <see cref="Recycle"/>.</summary>
    public void Release(int slot) => _released.Add(slot);

    /// <summary>Makes the released slots reusable (no output still to be built reads them).</summary>
    public void Recycle()
    {
        foreach (var slot in _released)
            _free.Push(slot);
        _released.Clear();
    }

    /// <summary>The order of two slots' rows by <paramref name="keys"/> (each ascending or descending, nulls first or last).</summary>
    public int Compare(int a, int b, IReadOnlyList<SortKey> keys)
    {
        // Indexed, not foreach: an interface's enumerator is an object per comparison, and a rank compares per row.
        for (var k = 0; k < keys.Count; k++)
        {
            var key = keys[k];
            var column = _columns[key.Column];
            var (xNull, yNull) = (column.IsNull(a), column.IsNull(b));
            var order = xNull || yNull ? NullOrder(xNull, yNull, key)
                : key.Descending ? column.Compare(b, a) : column.Compare(a, b);
            if (order != 0)
                return order;
        }

        return 0;
    }

    /// <summary>The order of a slot's row against row <paramref name="row"/> of <paramref name="batch"/> by <paramref name="keys"/>.</summary>
    public int Compare(int slot, RowBatch batch, int row, IReadOnlyList<SortKey> keys)
    {
        for (var k = 0; k < keys.Count; k++)
        {
            var key = keys[k];
            var (column, source) = (_columns[key.Column], batch.Columns[key.Column]);
            var (xNull, yNull) = (column.IsNull(slot), source.IsNull(row));
            var order = xNull || yNull ? NullOrder(xNull, yNull, key)
                : key.Descending ? column.Compare(source, row, slot) : -Math.Sign(column.Compare(source, row, slot));
            if (order != 0)
                return order;
        }

        return 0;
    }

    private static int NullOrder(bool xNull, bool yNull, SortKey key) => xNull && yNull ? 0 : xNull == key.NullsFirst ? -1 : 1;

    /// <summary>Whether a slot holds exactly the values of row <paramref name="row"/> of <paramref name="batch"/>.</summary>
    public bool Same(int slot, RowBatch batch, int row)
    {
        for (var c = 0; c < _columns.Length; c++)
        {
            if (!_columns[c].Same(batch.Columns[c], row, slot))
                return false;
        }

        return true;
    }

    /// <summary>Whether a slot holds the values of row <paramref name="row"/> of <paramref name="batch"/> in <paramref name="columns"/>.</summary>
    public bool Same(int slot, RowBatch batch, int row, ReadOnlySpan<int> columns)
    {
        foreach (var c in columns)
        {
            if (!_columns[c].Same(batch.Columns[c], row, slot))
                return false;
        }

        return true;
    }

    private int NewSlot()
    {
        if (_free.TryPop(out var slot))
            return slot;
        if (_used == _capacity)
        {
            _capacity += SlotColumn.PageSize;
            foreach (var column in _columns)
                column.Grow(_capacity);
        }

        return _used++;
    }
}
