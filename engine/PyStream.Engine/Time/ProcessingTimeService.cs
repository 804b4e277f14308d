namespace PyStream.Engine.Time;

/// <summary>
/// Processing time of one task: keyed timers fired on the task's own thread, and periodic
/// callbacks. Time comes from the injected <see cref="TimeProvider"/>; its timers only post
/// a wake-up to the task's mailbox.
/// </summary>
public sealed class ProcessingTimeService : IDisposable
{
    private readonly TimeProvider _time;
    private readonly Action<Action> _post;
    private readonly TimerQueue _timers = new();
    private readonly List<ITimer> _periodic = [];
    private ITimer? _wakeUp;
    private long _wakeUpAt = long.MaxValue;

    public ProcessingTimeService(TimeProvider time, Action<Action> postToMailbox)
    {
        _time = time;
        _post = postToMailbox;
    }

    public long Now => _time.GetUtcNow().ToUnixTimeMilliseconds();

    public void Register(ITimerTarget target, int operation, byte[] key, long timestamp)
    {
        if (_timers.Register(target, operation, key, timestamp) && timestamp < _wakeUpAt)
            ScheduleWakeUp(timestamp);
    }

    public void Delete(ITimerTarget target, int operation, byte[] key, long timestamp) =>
        _timers.Delete(target, operation, key, timestamp);

    public IEnumerable<(int Operation, byte[] Key, long Timestamp)> PendingOf(ITimerTarget target) => _timers.PendingOf(target);

    /// <summary>Fires every timer due by now, in timestamp order.</summary>
    public void FireDue()
    {
        _wakeUpAt = long.MaxValue;
        _timers.FireUpTo(Now, TimeDomain.ProcessingTime);
        if (_timers.Next is { } next)
            ScheduleWakeUp(next);
    }

    /// <summary>Runs <paramref name="action"/> on the task's thread every <paramref name="period"/>.</summary>
    public void SchedulePeriodic(TimeSpan period, Action action) =>
        _periodic.Add(_time.CreateTimer(_ => _post(action), null, period, period));

    private void ScheduleWakeUp(long timestamp)
    {
        _wakeUpAt = timestamp;
        _wakeUp?.Dispose();
        var delay = TimeSpan.FromMilliseconds(Math.Max(0, timestamp - Now));
        _wakeUp = _time.CreateTimer(_ => _post(FireDue), null, delay, Timeout.InfiniteTimeSpan);
    }

    public void Dispose()
    {
        _wakeUp?.Dispose();
        foreach (var timer in _periodic)
            timer.Dispose();
    }
}
