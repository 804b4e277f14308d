using PyStream.Engine.State;

namespace PyStream.Engine.Time;

/// <summary>Receives fired timers of one operation.</summary>
public interface ITimerTarget
{
    void OnProcessingTimers(int operation, IReadOnlyList<UserCode.FiredTimer> timers);
}

/// <summary>
/// Processing-time timers of one task, deduplicated per (target, operation, key, timestamp)
/// and fired in timestamp order on the task's own thread. Time comes from the injected
/// <see cref="TimeProvider"/>; its timer only posts a wake-up to the task's mailbox.
/// </summary>
public sealed class ProcessingTimeService : IDisposable
{
    private readonly TimeProvider _time;
    private readonly Action<Action> _post;
    private readonly PriorityQueue<Entry, (long Timestamp, long Sequence)> _queue = new();
    private readonly HashSet<Entry> _pending = new(EntryComparer.Instance);
    private ITimer? _wakeUp;
    private long _wakeUpAt = long.MaxValue;
    private long _sequence;

    public ProcessingTimeService(TimeProvider time, Action<Action> postToMailbox)
    {
        _time = time;
        _post = postToMailbox;
    }

    public long Now => _time.GetUtcNow().ToUnixTimeMilliseconds();

    public void Register(ITimerTarget target, int operation, byte[] key, long timestamp)
    {
        var entry = new Entry(target, operation, key, timestamp);
        if (!_pending.Add(entry))
            return;
        _queue.Enqueue(entry, (timestamp, _sequence++));
        if (timestamp < _wakeUpAt)
            ScheduleWakeUp(timestamp);
    }

    public void Delete(ITimerTarget target, int operation, byte[] key, long timestamp) =>
        _pending.Remove(new Entry(target, operation, key, timestamp));

    /// <summary>Fires every timer due by now, grouping consecutive timers of one operation into one call.</summary>
    public void FireDue()
    {
        var now = Now;
        var group = new List<UserCode.FiredTimer>();
        Entry? groupOf = null;
        while (_queue.TryPeek(out var next, out var priority) && priority.Timestamp <= now)
        {
            _queue.Dequeue();
            if (!_pending.Remove(next))
                continue;
            if (groupOf is not null && (groupOf.Target != next.Target || groupOf.Operation != next.Operation))
            {
                groupOf.Target.OnProcessingTimers(groupOf.Operation, group);
                group = [];
            }

            groupOf = next;
            group.Add(new UserCode.FiredTimer(next.Timestamp, next.Key));
        }

        if (groupOf is not null)
            groupOf.Target.OnProcessingTimers(groupOf.Operation, group);
        _wakeUpAt = long.MaxValue;
        while (_queue.TryPeek(out var next, out _) && !_pending.Contains(next))
            _queue.Dequeue();
        if (_queue.TryPeek(out var first, out _))
            ScheduleWakeUp(first.Timestamp);
    }

    private void ScheduleWakeUp(long timestamp)
    {
        _wakeUpAt = timestamp;
        _wakeUp?.Dispose();
        var delay = TimeSpan.FromMilliseconds(Math.Max(0, timestamp - Now));
        _wakeUp = _time.CreateTimer(_ => _post(FireDue), null, delay, Timeout.InfiniteTimeSpan);
    }

    public void Dispose() => _wakeUp?.Dispose();

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
