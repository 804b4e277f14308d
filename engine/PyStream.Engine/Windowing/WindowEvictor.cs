namespace PyStream.Engine.Windowing;

/// <summary>
/// Flink's built-in evictors (<c>CountEvictor</c>, <c>TimeEvictor</c>), decided on the
/// timestamps of a window's elements in the order they arrived. Evictors that need the
/// user's Python (<c>DeltaEvictor</c>, Evictor subclasses) run on the window's Python side.
/// </summary>
public abstract class WindowEvictor
{
    protected WindowEvictor(bool evictAfter) => EvictAfter = evictAfter;

    /// <summary>Evicts after the window function instead of before it.</summary>
    public bool EvictAfter { get; }

    /// <summary>Sets <paramref name="evicted"/>[i] for each element to drop (elements in arrival order).</summary>
    public abstract void Mark(ReadOnlySpan<long> timestamps, Span<bool> evicted);
}

/// <summary>Keeps the last <c>maxCount</c> elements.</summary>
internal sealed class CountEvictor(long maxCount, bool evictAfter) : WindowEvictor(evictAfter)
{
    public override void Mark(ReadOnlySpan<long> timestamps, Span<bool> evicted)
    {
        if (timestamps.Length > maxCount)
            evicted[..(int)(timestamps.Length - maxCount)].Fill(true);
    }
}

/// <summary>
/// Keeps the elements whose timestamp is above (newest timestamp - <c>keepMs</c>); when the
/// first element has no timestamp (<see cref="long.MinValue"/>), keeps everything, as Flink does.
/// </summary>
internal sealed class TimeEvictor(long keepMs, bool evictAfter) : WindowEvictor(evictAfter)
{
    public override void Mark(ReadOnlySpan<long> timestamps, Span<bool> evicted)
    {
        if (timestamps.IsEmpty || timestamps[0] == long.MinValue)
            return;
        var newest = long.MinValue;
        foreach (var timestamp in timestamps)
            newest = Math.Max(newest, timestamp);
        var cutoff = newest - keepMs;
        for (var i = 0; i < timestamps.Length; i++)
            evicted[i] = timestamps[i] <= cutoff;
    }
}
