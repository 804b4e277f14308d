using System.Buffers.Binary;

namespace PyStream.Sql.Runtime;

/// <summary>
/// Map state entries of a key's rows by time (over aggregates, interval joins): stored under the
/// key, then the time (big-endian, sign flipped so bytes sort as times do).
/// </summary>
internal static class TimeEntryKey
{
    public static byte[] Stored(byte[] key, long time)
    {
        var stored = new byte[4 + key.Length + 8];
        BinaryPrimitives.WriteUInt32BigEndian(stored, (uint)key.Length);
        key.CopyTo(stored.AsSpan(4));
        BinaryPrimitives.WriteUInt64BigEndian(stored.AsSpan(4 + key.Length), (ulong)time ^ (1UL << 63));
        return stored;
    }

    /// <summary>The time of a map entry's key (the part after the owner key).</summary>
    public static long Time(ReadOnlySpan<byte> entry) => (long)(BinaryPrimitives.ReadUInt64BigEndian(entry) ^ (1UL << 63));
}
