using PyStream.Engine.Records;

namespace PyStream.Sql.Runtime;

/// <summary>
/// Collects output rows that are rows of a <see cref="RowArena"/> (each with its kind and, when
/// <paramref name="withRank"/>, a rank appended as a last BIGINT column) and builds them into a
/// typed batch column by column, copying values, boxing none.
/// </summary>
public sealed class SlotRowBuilder(RowArena arena, bool withRank = false)
{
    private int[] _slots = new int[256];
    private long[] _ranks = new long[256];
    private RowKind[] _kinds = new RowKind[256];
    private bool _allInserts = true;

    /// <summary>
    /// How many rows an operator lets collect before it builds a batch: a column of more than
    /// about 10,000 values would go to the large object heap, each such batch costing a full collection.
    /// </summary>
    public const int BatchRows = 4096;

    public int Count { get; private set; }

    public RowArena Arena => arena;

    public bool Full => Count >= BatchRows;

    public void Add(RowKind kind, int slot, long rank = 0)
    {
        if (Count == _slots.Length)
        {
            Array.Resize(ref _slots, Count * 2);
            Array.Resize(ref _ranks, Count * 2);
            Array.Resize(ref _kinds, Count * 2);
        }

        _slots[Count] = slot;
        _ranks[Count] = rank;
        _kinds[Count] = kind;
        _allInserts &= kind == RowKind.Insert;
        Count++;
    }

    /// <summary>The rows added since the last call, as a batch (null when there are none); then the arena's released slots are reused.</summary>
    public RowBatch? Take()
    {
        RowBatch? batch = null;
        if (Count > 0)
        {
            var slots = _slots.AsSpan(0, Count);
            var columns = new Column[arena.Types.Count + (withRank ? 1 : 0)];
            for (var c = 0; c < arena.Types.Count; c++)
                columns[c] = arena.Column(c).Gather(slots);
            if (withRank)
                columns[^1] = new Column<long>(_ranks.AsSpan(0, Count).ToArray());
            batch = new RowBatch(columns, Count, _allInserts ? null : _kinds.AsSpan(0, Count).ToArray());
        }

        Count = 0;
        _allInserts = true;
        arena.Recycle();
        return batch;
    }
}
