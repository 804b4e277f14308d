namespace PyStream.Sql.Runtime;

/// <summary>
/// Keys due at a time: event-time timers held in memory. After a restore they are rebuilt from
/// the operator's state (<paramref name="stored"/>) on first use.
/// </summary>
public sealed class KeyTimers(Func<IEnumerable<(long Time, byte[] Key)>> stored)
{
    private readonly KeyTimerIndex _index = new();
    private bool _restored;

    public void Add(long time, byte[] key)
    {
        Restore();
        _index.Add(time, key);
    }

    /// <summary>
    /// Calls <paramref name="fire"/> for each key due at or before <paramref name="watermark"/>, earliest first, and forgets it;
    /// timers that firing adds at or before the watermark fire too.
    /// </summary>
    public void Fire(long watermark, Action<long, byte[]> fire)
    {
        Restore();
        while (_index.PopDue(time => time <= watermark) is { Count: > 0 } due)
        {
            foreach (var (time, key) in due)
                fire(time, key);
        }
    }

    private void Restore()
    {
        if (_restored)
            return;
        _restored = true;
        foreach (var (time, key) in stored().ToList())
            _index.Add(time, key);
    }
}
