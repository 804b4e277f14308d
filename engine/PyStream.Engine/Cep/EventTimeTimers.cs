namespace PyStream.Engine.Cep;

/// <summary>
/// The event-time timers of a CEP operator's keys, taken by due time and then in registration order. A timer
/// registered at or after the last one queued (the usual case: events arriving in time order, windows ending
/// in the order they started) joins a first-in first-out queue at O(1); the others go to a heap, and the
/// earlier head of the two comes out first. A key's superseded timers stay in until they come up.
/// </summary>
internal sealed class EventTimeTimers
{
    private readonly Queue<(byte[] Key, long Due, long Sequence)> _inOrder = new();
    private readonly PriorityQueue<byte[], (long Due, long Sequence)> _outOfOrder = new();
    private long _lastInOrder;
    private long _sequence;

    public int Count => _inOrder.Count + _outOfOrder.Count;

    public void Add(byte[] key, long due)
    {
        var sequence = _sequence++;
        if (_inOrder.Count == 0 || due >= _lastInOrder)
        {
            _inOrder.Enqueue((key, due, sequence));
            _lastInOrder = due;
        }
        else
        {
            _outOfOrder.Enqueue(key, (due, sequence));
        }
    }

    /// <summary>Takes the earliest timer, if it is due at or before <paramref name="time"/>.</summary>
    public bool TryTakeDue(long time, out byte[] key, out long due)
    {
        var queued = _inOrder.TryPeek(out var first);
        var heaped = _outOfOrder.TryPeek(out var heapKey, out var heapDue);
        if (queued && (!heaped || (first.Due, first.Sequence).CompareTo(heapDue) < 0))
        {
            (key, due) = (first.Key, first.Due);
            if (due > time)
                return false;
            _inOrder.Dequeue();
            return true;
        }

        (key, due) = (heapKey!, heapDue.Due);
        if (!heaped || due > time)
            return false;
        _outOfOrder.Dequeue();
        return true;
    }
}
