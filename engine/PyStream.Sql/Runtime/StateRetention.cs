using System.Buffers.Binary;
using PyStream.Engine.Runtime;

namespace PyStream.Sql.Runtime;

/// <summary>
/// <c>table.exec.state.ttl</c> for a SQL operator's keyed state (Flink's StateConfigUtil TTL:
/// updated on create and write, expired values never returned). Values carry their write time,
/// 8 bytes big-endian before the value (the engine's TTL layout), so the task's background sweep
/// and full snapshots drop them too; reads treat an expired value as absent.
/// </summary>
public sealed class StateRetention(long ttlMillis, TaskContext context)
{
    public long TtlMillis => ttlMillis;

    public long Now => context.Time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>A retention for <paramref name="ttlMillis"/> (null when 0: state is kept forever), declaring the states to the task's TTL sweep.</summary>
    public static StateRetention? For(long ttlMillis, TaskContext context, params string[] stateIds)
    {
        if (ttlMillis <= 0)
            return null;
        foreach (var stateId in stateIds)
            context.StateTtls.Declare(stateId, ttlMillis, "background");
        return new StateRetention(ttlMillis, context);
    }

    public byte[] Stamp(ReadOnlySpan<byte> value)
    {
        var stamped = new byte[8 + value.Length];
        BinaryPrimitives.WriteInt64BigEndian(stamped, Now);
        value.CopyTo(stamped.AsSpan(8));
        return stamped;
    }

    /// <summary>The value without its stamp and the time it was written, or null when it expired.</summary>
    public byte[]? Live(byte[] stored, out long written)
    {
        written = BinaryPrimitives.ReadInt64BigEndian(stored);
        return IsExpired(written) ? null : stored[8..];
    }

    public bool IsExpired(long written) => written <= Now - ttlMillis;
}
