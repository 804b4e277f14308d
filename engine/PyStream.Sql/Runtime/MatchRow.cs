using PyStream.Engine.Records;

namespace PyStream.Sql.Runtime;

/// <summary>
/// A row as MATCH_RECOGNIZE's NFA holds it: while it waits for the watermark, a reference into the
/// columns of its input batch (no value boxed); once the NFA keeps it in the shared buffer, or after a
/// restore, its own boxed values. Columns a match never reads are null.
/// </summary>
internal readonly struct MatchRow
{
    private readonly Column?[]? _columns;
    private readonly int _index;
    private readonly object?[]? _values;

    public MatchRow(Column?[] columns, int index)
    {
        _columns = columns;
        _index = index;
    }

    public MatchRow(object?[] values) => _values = values;

    public int Width => _values?.Length ?? _columns!.Length;

    public object? this[int column] => _values is not null ? _values[column] : _columns![column]?.GetBoxed(_index);

    /// <summary>The row's values, boxed (the row's own array once it stands alone).</summary>
    public object?[] Values()
    {
        if (_values is not null)
            return _values;
        var values = new object?[_columns!.Length];
        for (var c = 0; c < values.Length; c++)
            values[c] = _columns[c]?.GetBoxed(_index);
        return values;
    }

    /// <summary>The row standing alone, with no reference into its batch.</summary>
    public MatchRow Detached() => _values is not null ? this : new MatchRow(Values());
}
