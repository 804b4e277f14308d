using PyStream.Sql.Functions;
using PyStream.Sql.Planning;

namespace PyStream.Sql.Runtime;

/// <summary>The windows a timestamp (ms) falls into, by Flink's window TVF rules (TimeWindow.getWindowStartWithOffset).</summary>
public static class WindowAssignment
{
    public static long StartOf(long timestamp, long offset, long size) => timestamp - ((timestamp - offset + size) % size);

    /// <summary>
    /// A row's time (microseconds) as windows see it, in milliseconds: with a <paramref name="shiftZone"/>
    /// (a TIMESTAMP_LTZ time column in a session zone other than UTC) on that zone's wall clock, so
    /// windows align to it as Flink's TimeWindowUtil does; window_start and window_end are then
    /// wall-clock times.
    /// </summary>
    public static long WindowMillis(long micros, TimeZoneInfo? shiftZone) =>
        TimeMath.MillisOf(shiftZone is null ? micros : TimeMath.ToLocal(micros, shiftZone));

    /// <summary>The instant (milliseconds) a window's end names: the window fires when the watermark passes it - 1.</summary>
    public static long FiringMillis(long end, TimeZoneInfo? shiftZone) =>
        shiftZone is null ? end : TimeMath.MillisOf(TimeMath.ToInstant(end * TimeMath.MicrosPerMilli, shiftZone));

    /// <summary>The most windows one timestamp falls into: what <see cref="Assign"/> needs room for.</summary>
    public static int MaxWindows(WindowDefinition w) => w.Kind switch
    {
        WindowKind.Hop or WindowKind.Cumulate => (int)((w.Size + w.Slide - 1) / w.Slide),
        _ => 1,
    };

    /// <summary>Writes (start, end) of every window holding <paramref name="timestamp"/> into <paramref name="windows"/>; returns how many.</summary>
    public static int Assign(WindowDefinition w, long timestamp, Span<(long Start, long End)> windows)
    {
        var count = 0;
        switch (w.Kind)
        {
            case WindowKind.Tumble:
                var start = StartOf(timestamp, w.Offset, w.Size);
                windows[count++] = (start, start + w.Size);
                break;
            case WindowKind.Hop:
                for (var s = StartOf(timestamp, w.Offset, w.Slide); s > timestamp - w.Size; s -= w.Slide)
                    windows[count++] = (s, s + w.Size);
                break;
            case WindowKind.Cumulate:
                var first = StartOf(timestamp, w.Offset, w.Size);
                for (var end = first + w.Slide; end <= first + w.Size; end += w.Slide)
                {
                    if (timestamp < end)
                        windows[count++] = (first, end);
                }

                break;
            default:
                throw new SqlValidationException("SESSION window aggregation is not supported yet");
        }

        return count;
    }
}
