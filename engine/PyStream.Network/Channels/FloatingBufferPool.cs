namespace PyStream.Network.Channels;

/// <summary>
/// The floating buffers of one input gate, shared by its remote channels: a channel whose producer
/// announces a backlog borrows some as extra credit and gives them back once the backlog is gone.
/// </summary>
public sealed class FloatingBufferPool(int buffers)
{
    private int _available = buffers;

    public int Available => Volatile.Read(ref _available);

    /// <summary>Takes up to <paramref name="wanted"/> buffers; returns how many it got.</summary>
    public int TryTake(int wanted)
    {
        while (true)
        {
            var available = Volatile.Read(ref _available);
            var taken = Math.Min(available, wanted);
            if (taken <= 0)
                return 0;
            if (Interlocked.CompareExchange(ref _available, available - taken, available) == available)
                return taken;
        }
    }

    public void Return(int count) => Interlocked.Add(ref _available, count);
}
