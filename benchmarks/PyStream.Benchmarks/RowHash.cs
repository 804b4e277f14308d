namespace PyStream.Benchmarks;

/// <summary>
/// The hash of one result row for the Nexmark checksums: fields mixed in order, so a checksum
/// (the sum over rows) is the same whatever order the rows arrive in.
/// </summary>
internal static class RowHash
{
    public static long Of(long a, long b) => Mix(Mix(a) + b);

    public static long Of(long a, long b, long c, long d) => Mix(Mix(Mix(Mix(a) + b) + c) + d);

    public static long Of(long a, long b, long c, long d, long e) => Mix(Of(a, b, c, d) + e);

    /// <summary>A DECIMAL by its unscaled value and scale (0.908 × 100 is 90800 at scale 3).</summary>
    public static long OfDecimal(decimal value)
    {
        Span<int> bits = stackalloc int[4];
        decimal.GetBits(value, bits);
        return Mix(((long)bits[1] << 32) | (uint)bits[0]) + value.Scale;
    }

    private static long Mix(long value)
    {
        var z = (ulong)value * 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 32)) * 0xD6E8FEB86659FD93UL;
        return (long)(z ^ (z >> 32));
    }
}
