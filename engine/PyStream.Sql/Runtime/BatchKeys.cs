using PyStream.Engine.Records;

namespace PyStream.Sql.Runtime;

/// <summary>
/// The keys of one input batch's rows (<see cref="RowKeys"/> bytes), written back to back into one
/// buffer reused from batch to batch and read as spans: an operator that files every row under its
/// key allocates no array per row for it.
/// </summary>
internal sealed class BatchKeys
{
    private byte[] _bytes = new byte[4096];
    private int[] _ends = new int[256];
    private bool[] _nulls = new bool[256];

    /// <summary>
    /// Writes the key of every row of <paramref name="rows"/>, replacing the last batch's, and notes
    /// the rows with a NULL in a column of <paramref name="nullFiltered"/> (key columns compared by =).
    /// </summary>
    public void Fill(RowKeys keys, int[] nullFiltered, RowBatch rows)
    {
        if (_ends.Length < rows.Count)
            (_ends, _nulls) = (new int[rows.Count], new bool[rows.Count]);
        var fixedSize = keys.MaxFixedSize;
        var at = 0;
        for (var i = 0; i < rows.Count; i++)
        {
            var hasNull = false;
            foreach (var column in nullFiltered)
                hasNull |= rows.Columns[column].IsNull(i);
            _nulls[i] = hasNull;
            if (fixedSize >= 0)
            {
                Reserve(at, fixedSize);
                at += keys.Write(rows, i, _bytes.AsSpan(at));
            }
            else
            {
                var key = keys.KeyOf(rows, i);
                Reserve(at, key.Length);
                key.CopyTo(_bytes, at);
                at += key.Length;
            }

            _ends[i] = at;
        }
    }

    /// <summary>Row <paramref name="row"/>'s key: valid until the next <see cref="Fill"/>.</summary>
    public ReadOnlySpan<byte> this[int row] => _bytes.AsSpan(row == 0 ? 0 : _ends[row - 1], _ends[row] - (row == 0 ? 0 : _ends[row - 1]));

    /// <summary>Whether a key column compared by = is NULL in row <paramref name="row"/> (SQL's equality never holds for it).</summary>
    public bool HasNull(int row) => _nulls[row];

    private void Reserve(int at, int length)
    {
        if (at + length > _bytes.Length)
            Array.Resize(ref _bytes, Math.Max(at + length, _bytes.Length * 2));
    }
}
