namespace PyStream.Engine.Cep;

/// <summary>An event waiting in its key's buffer for the watermark, with the bits of the simple conditions it meets.</summary>
internal readonly record struct PendingEvent<TEvent>(long Timestamp, long Arrival, TEvent Event, ulong Bits);

/// <summary>
/// A key's buffered events in arrival order (sorted by timestamp, then arrival, before they are
/// drained), held in fixed-size chunks lent by an operator-wide <see cref="Chunks"/> pool: a key's
/// backlog grows without copying, and the chunks a drained key gives back serve the next keys.
/// </summary>
internal sealed class PendingEvents<TEvent>(PendingEvents<TEvent>.Chunks pool)
{
    private const int ChunkSize = 8;

    /// <summary>The chunks in order (an array, not a list: one indirection less on the way to an event); the first <see cref="_chunkCount"/> are in use.</summary>
    private PendingEvent<TEvent>[][] _chunks = [];

    private int _chunkCount;

    /// <summary>Where the first event sits in the first chunk.</summary>
    private int _head;

    public int Count { get; private set; }

    public PendingEvent<TEvent> this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)Count, nameof(index));
            var at = _head + index;
            return _chunks[at / ChunkSize][at % ChunkSize];
        }
    }

    public void Add(PendingEvent<TEvent> pending)
    {
        var at = _head + Count;
        if (at / ChunkSize == _chunkCount)
        {
            if (_chunkCount == _chunks.Length)
                Array.Resize(ref _chunks, Math.Max(2, 2 * _chunkCount));
            _chunks[_chunkCount++] = pool.Rent();
        }

        _chunks[at / ChunkSize][at % ChunkSize] = pending;
        Count++;
    }

    /// <summary>Drops the first <paramref name="count"/> events, giving back the chunks they emptied.</summary>
    public void RemoveFirst(int count)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan((uint)count, (uint)Count, nameof(count));
        Count -= count;
        _head += count;
        var emptied = Count == 0 ? _chunkCount : _head / ChunkSize;
        for (var c = 0; c < emptied; c++)
            pool.Return(_chunks[c]);
        Array.Copy(_chunks, emptied, _chunks, 0, _chunkCount - emptied);
        Array.Clear(_chunks, _chunkCount - emptied, emptied);
        _chunkCount -= emptied;
        _head = Count == 0 ? 0 : _head - emptied * ChunkSize;
    }

    /// <summary>Orders the events by timestamp, ties in arrival order.</summary>
    public void Sort()
    {
        var all = new PendingEvent<TEvent>[Count];
        for (var i = 0; i < all.Length; i++)
            all[i] = this[i];
        Array.Sort(all, static (x, y) => x.Timestamp != y.Timestamp ? x.Timestamp.CompareTo(y.Timestamp) : x.Arrival.CompareTo(y.Arrival));
        RemoveFirst(Count);
        foreach (var pending in all)
            Add(pending);
    }

    public long MinTimestamp()
    {
        var min = long.MaxValue;
        for (var i = 0; i < Count; i++)
            min = Math.Min(min, this[i].Timestamp);
        return min;
    }

    /// <summary>The chunks of one operator's keys: lent to a key's buffer as it grows, given back (cleared) as it drains.</summary>
    public sealed class Chunks
    {
        private readonly Stack<PendingEvent<TEvent>[]> _free = new();

        public PendingEvent<TEvent>[] Rent() => _free.TryPop(out var chunk) ? chunk : new PendingEvent<TEvent>[ChunkSize];

        public void Return(PendingEvent<TEvent>[] chunk)
        {
            Array.Clear(chunk);
            _free.Push(chunk);
        }
    }
}
