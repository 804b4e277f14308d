namespace PyStream.Engine.Records;

/// <summary>
/// Rows of a table (SQL and Table API operators), stored by column, each with its
/// <see cref="RowKind"/>. Compiled expressions read and write the typed columns directly.
/// </summary>
public sealed class RowBatch : Batch
{
    public RowBatch(Column[] columns, int count, RowKind[]? kinds = null) : base(count)
    {
        foreach (var column in columns)
        {
            if (column.Count != count)
                throw new ArgumentException($"a column of {column.Count} values in a batch of {count} rows", nameof(columns));
        }

        if (kinds is not null && kinds.Length != count)
            throw new ArgumentException($"{kinds.Length} row kinds for {count} rows", nameof(kinds));
        Columns = columns;
        Kinds = kinds;
    }

    public Column[] Columns { get; }

    /// <summary>The kind of every row; null when every row is an insert (an append-only stream).</summary>
    public RowKind[]? Kinds { get; }

    public RowKind KindAt(int row) => Kinds is null ? RowKind.Insert : Kinds[row];

    /// <summary>The rows at <paramref name="rows"/>, in that order, without the per-record columns of <see cref="Batch"/>.</summary>
    public RowBatch Select(ReadOnlySpan<int> rows)
    {
        var columns = new Column[Columns.Length];
        for (var c = 0; c < columns.Length; c++)
            columns[c] = Columns[c].Select(rows);
        RowKind[]? kinds = null;
        if (Kinds is not null)
        {
            kinds = new RowKind[rows.Length];
            for (var i = 0; i < rows.Length; i++)
                kinds[i] = Kinds[rows[i]];
        }

        return new RowBatch(columns, rows.Length, kinds);
    }

    public RowBatch Slice(int start, int count) =>
        new(Columns.Select(c => c.Slice(start, count)).ToArray(), count, Kinds?.AsSpan(start, count).ToArray());
}
