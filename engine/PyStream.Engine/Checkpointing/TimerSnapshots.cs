using PyStream.Engine.Time;

namespace PyStream.Engine.Checkpointing;

/// <summary>A pending timer as snapshots carry it.</summary>
public readonly record struct TimerSnapshot(TimeDomain Domain, byte[] Key, long Timestamp);

/// <summary>Writes and reads lists of timers (keys as the owning operator keyed them).</summary>
public static class TimerSnapshots
{
    public static void Write(BinaryWriter writer, IReadOnlyCollection<TimerSnapshot> timers)
    {
        writer.Write(timers.Count);
        foreach (var timer in timers)
        {
            writer.Write((byte)timer.Domain);
            writer.Write(timer.Timestamp);
            writer.Write(timer.Key.Length);
            writer.Write(timer.Key);
        }
    }

    public static List<TimerSnapshot> Read(BinaryReader reader)
    {
        var count = reader.ReadInt32();
        var timers = new List<TimerSnapshot>(count);
        for (var i = 0; i < count; i++)
        {
            var domain = (TimeDomain)reader.ReadByte();
            var timestamp = reader.ReadInt64();
            timers.Add(new TimerSnapshot(domain, reader.ReadBytes(reader.ReadInt32()), timestamp));
        }

        return timers;
    }
}
