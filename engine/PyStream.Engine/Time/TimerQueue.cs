using PyStream.Engine.State;
using PyStream.Engine.UserCode;

namespace PyStream.Engine.Time;

/// <summary>Receives fired timers of one operation.</summary>
public interface ITimerTarget
{
    void OnTimers(int operation, TimeDomain domain, IReadOnlyList<FiredTimer> timers);
}

public enum TimeDomain
{
    EventTime,
    ProcessingTime,
}

/// <summary>
/// Timers of one domain, deduplicated per (target, operation, key, timestamp) and taken in
/// timestamp order (registration order among equal timestamps). Deletes apply lazily.
/// </summary>
public sealed class TimerQueue
{
    private readonly PriorityQueue<Entry, (long Timestamp, long Sequence)> _queue = new();
    private readonly HashSet<Entry> _pending = new(EntryComparer.Instance);
    private long _sequence;

    public bool Register(ITimerTarget target, int operation, byte[] key, long timestamp)
    {
        var entry = new Entry(target, operation, key, timestamp);
        if (!_pending.Add(entry))
            return false;
        _queue.Enqueue(entry, (timestamp, _sequence++));
        return true;
    }

    public void Delete(ITimerTarget target, int operation, byte[] key, long timestamp) =>
        _pending.Remove(new Entry(target, operation, key, timestamp));

    /// <summary>The pending timers of one target, for a snapshot.</summary>
    public IEnumerable<(int Operation, byte[] Key, long Timestamp)> PendingOf(ITimerTarget target) =>
        _pending.Where(e => e.Target == target).Select(e => (e.Operation, e.Key, e.Timestamp));

    /// <summary>The earliest pending timestamp, if any.</summary>
    public long? Next
    {
        get
        {
            while (_queue.TryPeek(out var next, out var priority))
            {
                if (_pending.Contains(next))
                    return priority.Timestamp;
                _queue.Dequeue();
            }

            return null;
        }
    }

    /// <summary>
    /// Fires every timer at or before <paramref name="time"/>, in timestamp order, including
    /// timers that firing registers at or before it (as Flink does). Timers of one timestamp
    /// and one operation go to their target in one call: they belong to different keys, so
    /// none of them can delete another.
    /// </summary>
    public void FireUpTo(long time, TimeDomain domain)
    {
        while (TakeGroup(time) is { } group)
            group.Target.OnTimers(group.Operation, domain, group.Timers);
    }

    /// <summary>The pending timers of the earliest due timestamp and the first operation at it.</summary>
    private (ITimerTarget Target, int Operation, List<FiredTimer> Timers)? TakeGroup(long time)
    {
        Entry? first = null;
        var timers = new List<FiredTimer>();
        while (_queue.TryPeek(out var next, out var priority) && priority.Timestamp <= time)
        {
            if (first is not null && (next.Timestamp != first.Timestamp || next.Target != first.Target || next.Operation != first.Operation))
                break;
            _queue.Dequeue();
            if (!_pending.Remove(next))
                continue; // deleted
            first ??= next;
            timers.Add(new FiredTimer(next.Timestamp, next.Key));
        }

        return first is null ? null : (first.Target, first.Operation, timers);
    }

    private sealed record Entry(ITimerTarget Target, int Operation, byte[] Key, long Timestamp);

    private sealed class EntryComparer : IEqualityComparer<Entry>
    {
        public static EntryComparer Instance { get; } = new();

        public bool Equals(Entry? x, Entry? y) =>
            ReferenceEquals(x, y)
            || (x is not null && y is not null && x.Target == y.Target && x.Operation == y.Operation
                && x.Timestamp == y.Timestamp && ByteArrayComparer.Instance.Equals(x.Key, y.Key));

        public int GetHashCode(Entry obj) =>
            HashCode.Combine(obj.Target, obj.Operation, obj.Timestamp, ByteArrayComparer.Instance.GetHashCode(obj.Key));
    }
}
