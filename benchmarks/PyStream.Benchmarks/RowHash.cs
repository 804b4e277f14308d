using PyStream.Sql.Runtime;

namespace PyStream.Benchmarks;

/// <summary>
/// The hash of one result row for the Nexmark checksums, as the SQL run's blackhole computes it
/// (<see cref="RowChecksum"/>): fields mixed in order, so a checksum (the sum over rows) is the
/// same whatever order the rows arrive in.
/// </summary>
internal static class RowHash
{
    public static long Of(long a, long b) => RowChecksum.Next(RowChecksum.Mix(a), b);

    public static long Of(long a, long b, long c) => RowChecksum.Next(Of(a, b), c);

    public static long Of(long a, long b, long c, long d) => RowChecksum.Next(Of(a, b, c), d);

    public static long Of(long a, long b, long c, long d, long e) => RowChecksum.Next(Of(a, b, c, d), e);

    public static long Of(ReadOnlySpan<long> values)
    {
        var hash = RowChecksum.Mix(values[0]);
        foreach (var value in values[1..])
            hash = RowChecksum.Next(hash, value);
        return hash;
    }

    /// <summary>A DECIMAL(p, 3) value (0.908 × 100 is 90800 at scale 3).</summary>
    public static long OfDecimal(decimal value) => RowChecksum.OfDecimal(value, 3);
}
