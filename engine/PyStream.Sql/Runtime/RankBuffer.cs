using PyStream.Sql.Planning;

namespace PyStream.Sql.Runtime;

/// <summary>A row a rank keeps, with its arrival number in the partition (what orders rows of equal sort keys, and its state entry's key).</summary>
public sealed class RankedRow(long seq, object?[] row)
{
    public long Seq { get; } = seq;

    public object?[] Row { get; } = row;
}

/// <summary>
/// The rows of one rank partition, sorted by the ORDER BY and, among equal sort keys, by arrival
/// (a later row ranks after the earlier ones, as in Flink's TopNBuffer).
/// </summary>
public sealed class RankBuffer(RowOrdering ordering)
{
    private readonly List<RankedRow> _rows = [];

    public int Count => _rows.Count;

    public long NextSeq { get; private set; }

    /// <summary>When the oldest row still here was written (with a state TTL; else long.MaxValue).</summary>
    public long OldestWrite { get; set; } = long.MaxValue;

    public RankedRow this[int index] => _rows[index];

    public void Load(IEnumerable<RankedRow> rows)
    {
        _rows.AddRange(rows);
        _rows.Sort((a, b) => ordering.Compare(a.Row, b.Row) is var order and not 0 ? order : a.Seq.CompareTo(b.Seq));
        NextSeq = _rows.Count == 0 ? 0 : _rows.Max(r => r.Seq) + 1;
    }

    /// <summary>Where a new row goes: after every row that does not sort after it.</summary>
    public int PositionOf(object?[] row) => Bound(row, upper: true);

    public RankedRow InsertAt(int position, object?[] row)
    {
        var ranked = new RankedRow(NextSeq++, row);
        _rows.Insert(position, ranked);
        return ranked;
    }

    /// <summary>The position of the earliest row of the same values (what a retraction removes, as Flink removes the first equal row), or -1.</summary>
    public int IndexOf(object?[] row)
    {
        for (var i = Bound(row, upper: false); i < _rows.Count && ordering.Compare(_rows[i].Row, row) == 0; i++)
        {
            if (SameValues(_rows[i].Row, row))
                return i;
        }

        return -1;
    }

    /// <summary>The first position whose row sorts after <paramref name="row"/> (upper), or not before it (lower).</summary>
    private int Bound(object?[] row, bool upper)
    {
        int low = 0, high = _rows.Count;
        while (low < high)
        {
            var mid = (low + high) >>> 1;
            var order = ordering.Compare(_rows[mid].Row, row);
            if (order < 0 || (upper && order == 0))
                low = mid + 1;
            else
                high = mid;
        }

        return low;
    }

    public RankedRow RemoveAt(int position)
    {
        var removed = _rows[position];
        _rows.RemoveAt(position);
        return removed;
    }

    /// <summary>The rows ranked <paramref name="start"/> to <paramref name="end"/> (1-based), as many as there are.</summary>
    public RankedRow[] Ranks(long start, long end)
    {
        var from = (int)Math.Min(start - 1, _rows.Count);
        var to = (int)Math.Min(end, _rows.Count);
        return to <= from ? [] : _rows.GetRange(from, to - from).ToArray();
    }

    private static bool SameValues(object?[] a, object?[] b)
    {
        for (var c = 0; c < a.Length; c++)
        {
            var same = (a[c], b[c]) switch
            {
                (null, null) => true,
                (byte[] x, byte[] y) => x.AsSpan().SequenceEqual(y),
                var (x, y) => x is not null && x.Equals(y),
            };
            if (!same)
                return false;
        }

        return true;
    }
}
