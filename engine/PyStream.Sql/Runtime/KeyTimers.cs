using PyStream.Engine.State;

namespace PyStream.Sql.Runtime;

/// <summary>
/// Keys due at a time: event-time timers held in memory. After a restore they are rebuilt from
/// the operator's state (<paramref name="stored"/>) on first use.
/// </summary>
public sealed class KeyTimers(Func<IEnumerable<(long Time, byte[] Key)>> stored)
{
    private readonly SortedDictionary<long, HashSet<byte[]>> _timers = [];
    private bool _restored;

    public void Add(long time, byte[] key)
    {
        Restore();
        if (!_timers.TryGetValue(time, out var keys))
            _timers[time] = keys = new HashSet<byte[]>(ByteArrayComparer.Instance);
        keys.Add(key);
    }

    /// <summary>Calls <paramref name="fire"/> for each key due at or before <paramref name="watermark"/>, earliest first, and forgets it.</summary>
    public void Fire(long watermark, Action<long, byte[]> fire)
    {
        Restore();
        while (_timers.Count > 0 && _timers.First() is var (time, due) && time <= watermark)
        {
            _timers.Remove(time);
            foreach (var key in due)
                fire(time, key);
        }
    }

    private void Restore()
    {
        if (_restored)
            return;
        _restored = true;
        foreach (var (time, key) in stored().ToList())
            Add(time, key);
    }
}
