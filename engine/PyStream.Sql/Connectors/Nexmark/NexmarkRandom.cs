namespace PyStream.Sql.Connectors.Nexmark;

/// <summary>
/// The random stream of one event: SplitMix64 (the generator behind Java's SplittableRandom, which
/// Flink Nexmark uses) started from the seed and the event number. Each event having its own stream
/// is what makes an event the same whichever subtask generates it and whichever fields are asked for.
/// </summary>
internal struct NexmarkRandom
{
    private const ulong Gamma = 0x9E3779B97F4A7C15UL;

    private ulong _state;

    public NexmarkRandom(long seed, long eventNumber) => _state = Mix((ulong)seed ^ Mix((ulong)eventNumber * Gamma));

    public ulong NextULong() => Mix(_state += Gamma);

    /// <summary>Uniform in [0, bound) by multiply-and-shift (bias below 2^-32 for the bounds used here).</summary>
    public int NextInt(int bound) => (int)(((NextULong() >> 32) * (ulong)bound) >> 32);

    public long NextLong(long bound) =>
        bound <= int.MaxValue ? NextInt((int)bound) : (long)(NextULong() % (ulong)bound);

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextULong() >> 11) * (1.0 / (1UL << 53));

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
