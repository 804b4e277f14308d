namespace PyStream.Engine.Windowing;

/// <summary>
/// The timestamps of each (key, window)'s elements, in the order the window's Python side
/// holds the elements, so a built-in evictor decides natively which to drop. It follows the
/// same actions as the contents (add, merge, purge, clear) and names what to drop with
/// <see cref="WindowActionKind.Evict"/> actions.
/// </summary>
public sealed class WindowElementTimes(WindowEvictor evictor)
{
    private readonly Dictionary<(int KeyId, long Start, long End), List<long>> _times = [];
    private bool[] _evicted = [];

    public WindowEvictor Evictor => evictor;

    public int WindowCount => _times.Count;

    public void Add(int keyId, Window window, long timestamp)
    {
        var slot = (keyId, window.Start, window.End);
        if (!_times.TryGetValue(slot, out var times))
            _times[slot] = times = [];
        times.Add(timestamp);
    }

    /// <summary>The contents of <paramref name="source"/> move behind those of <paramref name="target"/>.</summary>
    public void Merge(int keyId, Window source, Window target)
    {
        if (!_times.Remove((keyId, source.Start, source.End), out var moved))
            return;
        var slot = (keyId, target.Start, target.End);
        if (_times.TryGetValue(slot, out var times))
            times.AddRange(moved);
        else
            _times[slot] = moved;
    }

    public void Remove(int keyId, Window window) => _times.Remove((keyId, window.Start, window.End));

    /// <summary>
    /// Runs the evictor on the window (when it evicts at this point: before or after the
    /// function) and adds one action per run of dropped elements, the last run first, so each
    /// run's position holds while the ones before it are dropped.
    /// </summary>
    public void Evict(bool afterFunction, WindowActions actions, int reference, Window window, int keyId)
    {
        var slot = (keyId, window.Start, window.End);
        if (!_times.TryGetValue(slot, out var times))
            return;
        if (evictor.EvictAfter == afterFunction)
            MarkAndDrop(times, actions, reference, window, keyId);

        // Once the function ran, the window keeps what is left; an emptied window has no contents.
        if (afterFunction && times.Count == 0)
            _times.Remove(slot);
    }

    private void MarkAndDrop(List<long> times, WindowActions actions, int reference, Window window, int keyId)
    {
        if (_evicted.Length < times.Count)
            _evicted = new bool[Math.Max(times.Count, _evicted.Length * 2)];
        var evicted = _evicted.AsSpan(0, times.Count);
        evicted.Clear();
        evictor.Mark(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(times), evicted);
        for (var end = times.Count; end > 0;)
        {
            if (!evicted[end - 1])
            {
                end--;
                continue;
            }

            var start = end - 1;
            while (start > 0 && evicted[start - 1])
                start--;
            actions.Add(WindowActionKind.Evict, reference, window, keyId, EvictRun(start, end - start));
            times.RemoveRange(start, end - start);
            end = start;
        }
    }

    /// <summary>An <see cref="WindowActionKind.Evict"/> action's time: the run's first index and length.</summary>
    public static long EvictRun(int first, int count) => ((long)first << 32) | (uint)count;

    /// <summary>Every window's timestamps, for a snapshot.</summary>
    public IEnumerable<(int KeyId, Window Window, List<long> Times)> Entries() =>
        _times.Select(e => (e.Key.KeyId, new Window(e.Key.Start, e.Key.End), e.Value));

    public void Restore(int keyId, Window window, List<long> times) => _times[(keyId, window.Start, window.End)] = times;
}
