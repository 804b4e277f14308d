namespace PyStream.Sql.Runtime;

/// <summary>
/// A join side's rows by the time at which they may go (<see cref="JoinListRows.Expire"/>): each as its
/// key's number and its slot. Rows come mostly in time order, so those not older than the last one queued
/// go to a first-in first-out queue in pages (kept in time order, a row costs no comparison) and the
/// others to a heap. An entry may outlive its row (retracted, replaced, or its key written out of memory):
/// whoever takes it checks that the slot still holds a row of that time under that key.
/// </summary>
internal sealed class JoinRowExpiry
{
    private const int PageSize = 4096; // 64 KB of entries: below the large object heap

    private readonly Queue<Entry[]> _pages = new();
    private readonly Stack<Entry[]> _spare = new();
    private Entry[]? _tail;
    private int _head;
    private int _tailCount;
    private readonly PriorityQueue<(int Key, int Slot), long> _late = new();

    public void Add(long time, int key, int slot)
    {
        if (_tail is not null && _tailCount > 0 && time < _tail[_tailCount - 1].Time)
        {
            _late.Enqueue((key, slot), time);
            return;
        }

        if (_tail is null || _tailCount == PageSize)
        {
            _tail = _spare.TryPop(out var page) ? page : new Entry[PageSize];
            _tailCount = 0;
            _pages.Enqueue(_tail);
        }

        _tail[_tailCount++] = new Entry(time, key, slot);
    }

    /// <summary>Takes out the next row whose time is at most <paramref name="threshold"/>; false when there is none.</summary>
    public bool TryTake(long threshold, out long time, out int key, out int slot)
    {
        if (_late.TryPeek(out var late, out time) && time <= threshold)
        {
            _late.Dequeue();
            (key, slot) = late;
            return true;
        }

        while (_pages.TryPeek(out var page))
        {
            var count = ReferenceEquals(page, _tail) ? _tailCount : PageSize;
            if (_head == count)
            {
                if (ReferenceEquals(page, _tail))
                    break;
                _spare.Push(_pages.Dequeue());
                _head = 0;
                continue;
            }

            var entry = page[_head];
            if (entry.Time > threshold)
                break;
            _head++;
            (time, key, slot) = (entry.Time, entry.Key, entry.Slot);
            return true;
        }

        (time, key, slot) = (0, 0, 0);
        return false;
    }

    private readonly record struct Entry(long Time, int Key, int Slot);
}
