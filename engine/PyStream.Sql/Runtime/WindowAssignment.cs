using PyStream.Sql.Planning;

namespace PyStream.Sql.Runtime;

/// <summary>The windows a timestamp (ms) falls into, by Flink's window TVF rules (TimeWindow.getWindowStartWithOffset).</summary>
public static class WindowAssignment
{
    public static long StartOf(long timestamp, long offset, long size) => timestamp - ((timestamp - offset + size) % size);

    /// <summary>Calls <paramref name="window"/> with (start, end) of every window holding <paramref name="timestamp"/>.</summary>
    public static void Assign(WindowDefinition w, long timestamp, Action<long, long> window)
    {
        switch (w.Kind)
        {
            case WindowKind.Tumble:
                var start = StartOf(timestamp, w.Offset, w.Size);
                window(start, start + w.Size);
                break;
            case WindowKind.Hop:
                for (var s = StartOf(timestamp, w.Offset, w.Slide); s > timestamp - w.Size; s -= w.Slide)
                    window(s, s + w.Size);
                break;
            case WindowKind.Cumulate:
                var first = StartOf(timestamp, w.Offset, w.Size);
                for (var end = first + w.Slide; end <= first + w.Size; end += w.Slide)
                {
                    if (timestamp < end)
                        window(first, end);
                }

                break;
            default:
                throw new SqlValidationException("SESSION window aggregation is not supported yet");
        }
    }
}
