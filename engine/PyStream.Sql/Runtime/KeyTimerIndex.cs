using PyStream.Engine.State;

namespace PyStream.Sql.Runtime;

/// <summary>
/// Which keys have something to do at which time (a window's end, a row's event time): the
/// event-time timers of a keyed SQL operator, in memory. The operator rebuilds it from its state
/// after a restore.
/// </summary>
internal sealed class KeyTimerIndex
{
    private readonly SortedDictionary<long, HashSet<byte[]>> _timers = [];

    public int Count => _timers.Count;

    public void Add(long time, byte[] key)
    {
        if (!_timers.TryGetValue(time, out var keys))
            _timers[time] = keys = new HashSet<byte[]>(ByteArrayComparer.Instance);
        keys.Add(key);
    }

    /// <summary>Removes and returns the timers whose time <paramref name="isDue"/> (a test monotonic in time), earliest first.</summary>
    public List<(long Time, byte[] Key)> PopDue(Func<long, bool> isDue)
    {
        var due = new List<(long, byte[])>();
        while (_timers.Count > 0 && _timers.First() is var (time, keys) && isDue(time))
        {
            _timers.Remove(time);
            foreach (var key in keys)
                due.Add((time, key));
        }

        return due;
    }
}
