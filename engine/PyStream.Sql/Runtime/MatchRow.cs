using PyStream.Engine.Records;

namespace PyStream.Sql.Runtime;

/// <summary>
/// A row as MATCH_RECOGNIZE's NFA holds it: while it waits for the watermark, a reference into the
/// copy of its input batch's columns that matches read; once the NFA keeps it in the shared buffer,
/// a slot of the operator's <see cref="MatchRowLayout"/> arena (typed columns, no value boxed); after
/// a restore, its own boxed values. Columns a match never reads are null.
/// </summary>
internal readonly struct MatchRow
{
    private readonly MatchRowLayout? _layout;

    /// <summary>The batch's read columns (waiting), the row's boxed values (restored), or null (kept in the arena at <see cref="_index"/>).</summary>
    private readonly object? _source;

    private readonly int _index;

    public MatchRow(MatchRowLayout layout, RowBatch? readColumns, int index)
    {
        _layout = layout;
        _source = readColumns;
        _index = index;
    }

    public MatchRow(object?[] values) => _source = values;

    public int Width => _source is object?[] values ? values.Length : _layout!.Width;

    public object? this[int column]
    {
        get
        {
            if (_source is object?[] values)
                return values[column];
            var read = _layout!.ReadIndex(column);
            if (read < 0)
                return null;
            return _source is RowBatch batch ? batch.Columns[read].GetBoxed(_index) : _layout.Arena.Column(read).GetBoxed(_index);
        }
    }

    /// <summary>Whether the row lives in the layout's arena (the shared buffer keeps it).</summary>
    public bool Kept => _source is null && _layout is not null;

    /// <summary>The row's values, boxed (the row's own array once it stands alone).</summary>
    public object?[] Values()
    {
        if (_source is object?[] own)
            return own;
        var values = new object?[Width];
        for (var c = 0; c < values.Length; c++)
            values[c] = this[c];
        return values;
    }

    /// <summary>The row standing alone, with no reference into its batch: copied into the arena, unboxed.</summary>
    public MatchRow Detached() => _source is RowBatch batch ? new MatchRow(_layout!, null, _layout!.Keep(batch, _index)) : this;

    /// <summary>Lets the row's arena slot go (reused once the operator recycles the arena).</summary>
    public void Release()
    {
        if (Kept)
            _layout!.Release(_index);
    }
}
