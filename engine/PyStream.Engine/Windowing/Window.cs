using System.Buffers.Binary;

namespace PyStream.Engine.Windowing;

/// <summary>A time window <c>[Start, End)</c>, or the global window (<see cref="Global"/>).</summary>
public readonly record struct Window(long Start, long End)
{
    public static Window Global { get; } = new(long.MinValue, long.MaxValue);

    /// <summary>The last timestamp that belongs to the window (<c>End - 1</c>; the global window's is long.MaxValue).</summary>
    public long MaxTimestamp => End == long.MaxValue ? long.MaxValue : End - 1;

    /// <summary>Flink's <c>TimeWindow.intersects</c>: overlapping or touching windows merge.</summary>
    public bool Intersects(Window other) => Start <= other.End && End >= other.Start;

    public Window Cover(Window other) => new(Math.Min(Start, other.Start), Math.Max(End, other.End));

    /// <summary>Key bytes followed by the window, as one timer or state key.</summary>
    public byte[] Namespaced(ReadOnlySpan<byte> key)
    {
        var bytes = new byte[key.Length + 16];
        key.CopyTo(bytes);
        BinaryPrimitives.WriteInt64BigEndian(bytes.AsSpan(key.Length), Start);
        BinaryPrimitives.WriteInt64BigEndian(bytes.AsSpan(key.Length + 8), End);
        return bytes;
    }

    /// <summary>The window of a namespaced key (its key bytes are all but the last 16).</summary>
    public static Window Of(ReadOnlySpan<byte> namespaced)
    {
        var keyLength = namespaced.Length - 16;
        return new Window(
            BinaryPrimitives.ReadInt64BigEndian(namespaced[keyLength..]),
            BinaryPrimitives.ReadInt64BigEndian(namespaced[(keyLength + 8)..]));
    }
}
