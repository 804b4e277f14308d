using PyStream.Engine.Records;
using PyStream.Sql.Planning;

namespace PyStream.Sql.Runtime;

/// <summary>
/// A row a rank keeps: its slot in the store's <see cref="RowArena"/>, its arrival number in the
/// partition (what orders rows of equal sort keys, and its state entry's key), and whether the
/// backend holds it already.
/// </summary>
public readonly record struct RankedRow(int Slot, long Seq, bool Written = false);

/// <summary>
/// The rows of one rank partition, sorted by the ORDER BY and, among equal sort keys, by arrival
/// (a later row ranks after the earlier ones, as in Flink's TopNBuffer). It also remembers what
/// changed since its rows were last written to the backend.
/// </summary>
public sealed class RankBuffer(byte[] partition, RowArena arena, IReadOnlyList<SortKey> keys)
{
    private RankedRow[] _rows = [];

    /// <summary>Arrival numbers of rows the backend holds that have left since the last write.</summary>
    private List<long>? _removedWritten;

    public byte[] Partition => partition;

    public int Count { get; private set; }

    public long NextSeq { get; private set; }

    /// <summary>When the oldest row still here was written (with a state TTL; else long.MaxValue).</summary>
    public long OldestWrite { get; set; } = long.MaxValue;

    /// <summary>Whether rows came or went since the last write to the backend.</summary>
    public bool Dirty { get; private set; }

    /// <summary>The last time this partition was used (the store's clock), for evicting the least recently used ones.</summary>
    public long LastUse { get; set; }

    public RankedRow this[int index] => _rows[index];

    /// <summary>Rows read from the backend (already written), in any order.</summary>
    public void Load(List<RankedRow> rows)
    {
        rows.Sort((a, b) => arena.Compare(a.Slot, b.Slot, keys) is var order and not 0 ? order : a.Seq.CompareTo(b.Seq));
        _rows = [.. rows];
        Count = rows.Count;
        NextSeq = Count == 0 ? 0 : rows.Max(r => r.Seq) + 1;
    }

    /// <summary>Where row <paramref name="row"/> of <paramref name="batch"/> goes: after every row that does not sort after it.</summary>
    public int PositionOf(RowBatch batch, int row) => Bound(batch, row, upper: true);

    /// <summary>Whether row <paramref name="row"/> of <paramref name="batch"/> sorts before the row at <paramref name="position"/>.</summary>
    public bool SortsBefore(RowBatch batch, int row, int position) => arena.Compare(_rows[position].Slot, batch, row, keys) > 0;

    /// <summary>Inserts a row (its slot) at <paramref name="position"/> as the partition's latest arrival.</summary>
    public RankedRow InsertAt(int position, int slot)
    {
        if (Count == _rows.Length)
            Array.Resize(ref _rows, Math.Max(4, Count * 2));
        Array.Copy(_rows, position, _rows, position + 1, Count - position);
        var ranked = new RankedRow(slot, NextSeq++);
        _rows[position] = ranked;
        Count++;
        Dirty = true;
        return ranked;
    }

    /// <summary>The position of the earliest row of the same values as row <paramref name="row"/> of <paramref name="batch"/> (what a retraction removes, as Flink removes the first equal row), or -1.</summary>
    public int IndexOf(RowBatch batch, int row)
    {
        for (var i = Bound(batch, row, upper: false); i < Count && arena.Compare(_rows[i].Slot, batch, row, keys) == 0; i++)
        {
            if (arena.Same(_rows[i].Slot, batch, row))
                return i;
        }

        return -1;
    }

    /// <summary>The first position whose row sorts after the batch's row (upper), or not before it (lower).</summary>
    private int Bound(RowBatch batch, int row, bool upper)
    {
        int low = 0, high = Count;
        while (low < high)
        {
            var mid = (low + high) >>> 1;
            var order = arena.Compare(_rows[mid].Slot, batch, row, keys);
            if (order < 0 || (upper && order == 0))
                low = mid + 1;
            else
                high = mid;
        }

        return low;
    }

    /// <summary>Takes the row at <paramref name="position"/> out; the caller releases its slot.</summary>
    public RankedRow RemoveAt(int position)
    {
        var removed = _rows[position];
        Array.Copy(_rows, position + 1, _rows, position, Count - position - 1);
        Count--;
        Dirty = true;
        if (removed.Written)
            (_removedWritten ??= []).Add(removed.Seq);
        return removed;
    }

    /// <summary>Copies the rows ranked <paramref name="start"/> to <paramref name="end"/> (1-based), as many as there are, into <paramref name="target"/>; returns how many.</summary>
    public int CopyRanks(long start, long end, ref RankedRow[] target)
    {
        var from = (int)Math.Min(start - 1, Count);
        var to = (int)Math.Min(end, Count);
        var length = Math.Max(0, to - from);
        if (target.Length < length)
            target = new RankedRow[Math.Max(length, target.Length * 2)];
        Array.Copy(_rows, from, target, 0, length);
        return length;
    }

    /// <summary>
    /// Hands what changed since the last write to <paramref name="remove"/> (arrival numbers the
    /// backend holds that left) and <paramref name="put"/> (rows it does not hold yet), then marks
    /// every row written.
    /// </summary>
    public void WriteChanges(Action<long> remove, Action<RankedRow> put)
    {
        if (_removedWritten is { } removed)
        {
            foreach (var seq in removed)
                remove(seq);
            _removedWritten = null;
        }

        for (var i = 0; i < Count; i++)
        {
            if (_rows[i].Written)
                continue;
            put(_rows[i]);
            _rows[i] = _rows[i] with { Written = true };
        }

        Dirty = false;
    }

    /// <summary>Releases every row's slot and forgets what was not written (the partition leaves memory, written or dropped).</summary>
    public void ReleaseAll()
    {
        for (var i = 0; i < Count; i++)
            arena.Release(_rows[i].Slot);
        Count = 0;
        _removedWritten = null;
        Dirty = false;
    }
}
