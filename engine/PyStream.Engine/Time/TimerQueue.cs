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
    /// Fires every timer at or before <paramref name="time"/>, calling each target once per run
    /// of consecutive timers of one operation. Timers that firing registers at or before
    /// <paramref name="time"/> fire in the same call.
    /// </summary>
    public void FireUpTo(long time, TimeDomain domain)
    {
        var group = new List<FiredTimer>();
        Entry? groupOf = null;
        while (_queue.TryPeek(out var next, out var priority) && priority.Timestamp <= time)
        {
            _queue.Dequeue();
            if (!_pending.Remove(next))
                continue;
            if (groupOf is not null && (groupOf.Target != next.Target || groupOf.Operation != next.Operation))
            {
                groupOf.Target.OnTimers(groupOf.Operation, domain, group);
                group = [];
            }

            groupOf = next;
            group.Add(new FiredTimer(next.Timestamp, next.Key));
        }

        if (groupOf is not null)
            groupOf.Target.OnTimers(groupOf.Operation, domain, group);
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
